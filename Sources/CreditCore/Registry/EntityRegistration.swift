import Foundation

/// An entity registration or change as the registering department sends it, checked field by field.
public struct EntityRegistration: Sendable, Hashable {
    public var entity: Entity
    /// Further persons and their roles (主要负责人, 实际控制人).
    public var roles: [(role: PersonRole, person: Person)]
    public var reason: String?

    public static func == (a: EntityRegistration, b: EntityRegistration) -> Bool {
        a.entity == b.entity && a.reason == b.reason && a.roles.map(\.role) == b.roles.map(\.role) && a.roles.map(\.person) == b.roles.map(\.person)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entity)
        hasher.combine(reason)
    }

    /// Which departments register which entities: the registration authority of a credit code (its first
    /// character, GB 32100) and the words in the name of a department that registers for it. Configuration of
    /// the city, kept in one place; the credit office may register any entity.
    public static let registeringDepartments: [Character: [String]] = [
        "9": ["市场监督管理"], "N": ["农业农村"], "5": ["民政"], "1": ["机构编制", "编办"], "3": ["司法"],
    ]

    /// Whether a department (by name) registers entities with this code.
    public static func mayRegister(departmentName: String, code: CreditCode) -> Bool {
        (registeringDepartments[code.registrationAuthority] ?? []).contains { departmentName.contains($0) }
    }

    /// Checks the JSON fields of `POST /api/v1/entities`; returns every problem.
    public static func validate(
        _ fields: [String: String],
        people: [String: [String: String]],
        tables: ReferenceTables,
        today: LocalDate
    ) -> Result<EntityRegistration, RecordProblems> {
        var problems: [FieldProblem] = []
        func problem(_ field: String, _ value: String?, _ code: String, _ message: String) {
            problems.append(FieldProblem(field: field, value: value.map { String($0.prefix(100)) }, code: code, message: message))
        }
        func text(_ name: String, max: Int) -> String? {
            let value = fields[name]?.trimmingASCIIWhitespace() ?? ""
            guard !value.isEmpty else {
                problem(name, nil, "required", "缺少必填项 \(name) / \(name) is required")
                return nil
            }
            guard value.count <= max else {
                problem(name, nil, "too_long", "\(name) 超过 \(max) 个字 / \(name) is longer than \(max) characters")
                return nil
            }
            return value
        }
        var code: CreditCode?
        if let raw = text("code", max: 18) {
            do { code = try CreditCode(validating: raw) } catch { problem("code", raw, "invalid_credit_code", "统一社会信用代码无效：\(error.message)") }
        }
        let name = text("name", max: 200)
        var kind: EntityKind?
        if let raw = text("kind", max: 40) {
            kind = EntityKind(rawValue: raw)
            if kind == nil {
                problem(
                    "kind",
                    raw,
                    "invalid_kind",
                    "主体类型应为 \(EntityKind.allCases.map(\.rawValue).joined(separator: "、")) / kind must be one of them"
                )
            }
        }
        var status = EntityStatus.operating
        if let raw = fields["status"], !raw.isEmpty {
            if let s = EntityStatus(rawValue: raw) {
                status = s
            } else {
                problem("status", raw, "invalid_status", "登记状态应为 operating、deregistered 或 revoked")
            }
        }
        let region = text("region", max: 6)
        if let region, tables.region(region) == nil {
            problem("region", region, "unknown_region", "行政区划代码 \(region) 不在本市 / \(region) is not a region code of this city (GB/T 2260)")
        }
        let industry = text("industry", max: 4)
        if let industry, tables.division(industry) == nil {
            problem("industry", industry, "unknown_industry", "行业门类代码 \(industry) 不存在 / \(industry) is not an industry division (GB/T 4754)")
        }
        var established: LocalDate?
        if let raw = text("establishedOn", max: 10) {
            if let d = LocalDate(raw), d <= today, d.year >= 1900 {
                established = d
            } else {
                problem("establishedOn", raw, "invalid_date", "成立日期应为不晚于今天的 YYYY-MM-DD / establishedOn is a date YYYY-MM-DD, not after today")
            }
        }
        func person(_ key: String, required: Bool) -> Person? {
            guard let p = people[key] else {
                if required { problem(key, nil, "required", "缺少 \(key)（idNumber 与 name） / \(key) {idNumber, name} is required") }
                return nil
            }
            var number: IdentityNumber?
            do { number = try IdentityNumber(validating: p["idNumber"] ?? "") } catch {
                problem("\(key).idNumber", IdentityNumber.mask(p["idNumber"] ?? ""), "invalid_id_number", "身份证号码无效：\(error.message)")
            }
            let personName = (p["name"] ?? "").trimmingASCIIWhitespace()
            if personName.isEmpty || personName.count > 50 {
                problem("\(key).name", nil, "invalid_name", "姓名应为 1 到 50 个字 / a name is 1 to 50 characters")
            }
            guard let number, !personName.isEmpty else { return nil }
            return Person(idNumber: number, name: personName)
        }
        let representative = person("legalRepresentative", required: true)
        let principal = person("principal", required: false)
        let controller = person("actualController", required: false)
        guard problems.isEmpty, let code, let name, let kind, let region, let industry, let established, let representative else {
            return .failure(RecordProblems(problems))
        }
        var roles: [(PersonRole, Person)] = []
        if let principal { roles.append((.principal, principal)) }
        if let controller { roles.append((.actualController, controller)) }
        return .success(
            EntityRegistration(
                entity: Entity(
                    code: code,
                    name: name,
                    kind: kind,
                    status: status,
                    regionCode: region,
                    industryDivision: industry,
                    establishedOn: established,
                    legalRepresentative: representative
                ),
                roles: roles,
                reason: fields["reason"]
            )
        )
    }
}
