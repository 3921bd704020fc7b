import CreditCore
import CreditDemo
import Testing

@Suite("Demo city")
struct DemoCityTests {
    @Test("the same seed gives the same city; another seed another")
    func deterministic() {
        let a = DemoCity(seed: 7)
        let b = DemoCity(seed: 7)
        let c = DemoCity(seed: 8)
        for i in [0, 1, 999, 123_456] {
            #expect(a.item(at: i) == b.item(at: i))
        }
        #expect((0..<50).filter { a.item(at: $0).entity.name == c.item(at: $0).entity.name }.count < 5)
    }

    @Test("codes and identity numbers are valid and unique; proportions are a city's")
    func realistic() throws {
        let city = DemoCity(seed: 2019)
        let items = (0..<20_000).map(city.item(at:))
        var codes = Set<String>()
        var ids = Set<String>()
        var representatives: [String: Int] = [:]
        for item in items {
            let code = try CreditCode(validating: item.entity.code.rawValue)
            #expect(code.warnings.isEmpty)
            #expect(codes.insert(code.rawValue).inserted, "duplicate code \(code)")
            #expect(ReferenceTables.standard.region(item.entity.regionCode) != nil)
            #expect(ReferenceTables.standard.division(item.entity.industryDivision) != nil, "\(item.entity.industryDivision)")
            for p in item.newPersons {
                _ = try IdentityNumber(validating: p.idNumber.rawValue)
                #expect(ids.insert(p.idNumber.rawValue).inserted, "duplicate identity number")
            }
            representatives[item.entity.legalRepresentative.idNumber.rawValue, default: 0] += 1
        }
        // Every legal representative was introduced as a new person by this or an earlier entity.
        #expect(representatives.keys.allSatisfy(ids.contains))
        let kinds = Dictionary(grouping: items, by: \.entity.kind).mapValues(\.count)
        #expect(kinds[.individualBusiness]! > kinds[.enterprise]!)
        #expect(kinds[.enterprise]! > 20_000 / 5)
        let operating = items.filter { $0.entity.status == .operating }.count
        #expect((15_000...18_500).contains(operating))
        let serial = representatives.values.filter { $0 > 1 }.count
        #expect(serial > 500, "some persons represent several entities")
        #expect(items.allSatisfy { NameSearch.normalize($0.entity.name).count >= 6 })
    }

    @Test("departments have valid codes of government bodies in 济南")
    func departments() throws {
        let departments = DemoCity.departments
        #expect(departments.count >= 10)
        for d in departments {
            let code = try CreditCode(validating: d.code)
            #expect(code.registrationAuthority == "1")
            #expect(code.regionCode == "370100")
        }
        #expect(Set(departments.map(\.code)).count == departments.count)
    }
}

@Suite("Name search normalisation")
struct NameSearchTests {
    @Test("punctuation and spaces are dropped, full-width Latin folded")
    func normalize() {
        #expect(NameSearch.normalize("（济南）历下 ＡＢＣ有限公司") == "济南历下abc有限公司")
        #expect(NameSearch.bigrams("济南历下") == ["济南", "南历", "历下"])
        #expect(NameSearch.bigrams("济") == ["济"])
    }
}
