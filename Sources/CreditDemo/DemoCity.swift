import CreditCore

/// A deterministic synthetic city in 济南 (Shandong): entities, persons, roles and departments.
///
/// The same `seed` and index always give the same entity, so a million entities can be generated in
/// parallel batches with bounded memory, and a test can name what entity 1,234 of seed 7 will be.
///
/// ```swift
/// let city = DemoCity(seed: 42)
/// let item = city.item(at: 0)
/// item.entity.code          // a valid 统一社会信用代码 in a 济南 district
/// item.newPersons           // persons first seen with this entity (to be registered before it)
/// ```
///
/// Proportions follow the shape of a Chinese city's register: individual businesses outnumber
/// enterprises about two to one; about one in seven is no longer operating; about one legal
/// representative in ten serves several entities. Codes and identity numbers are synthetic: they pass
/// every check but belong to no one.
public struct DemoCity: Sendable {
    /// What the generator produces for one entity index.
    public typealias Item = NewEntity

    public let seed: UInt64
    let tables: ReferenceTables

    public init(seed: UInt64, tables: ReferenceTables = .standard) {
        self.seed = seed
        self.tables = tables
    }

    // MARK: Entities

    static let kinds: [(EntityKind, Int)] = [
        (.individualBusiness, 620), (.enterprise, 330), (.farmersCooperative, 25), (.socialOrganisation, 10),
        (.publicInstitution, 10), (.governmentBody, 3), (.other, 2),
    ]
    static let statuses: [(EntityStatus, Int)] = [(.operating, 85), (.deregistered, 12), (.revoked, 3)]
    /// 济南's districts, weighted roughly by their share of market entities.
    static let districts: [(String, Int)] = [
        ("370102", 14), ("370103", 10), ("370104", 9), ("370105", 10), ("370112", 16), ("370113", 5), ("370114", 9),
        ("370115", 5), ("370116", 7), ("370117", 3), ("370124", 5), ("370126", 7),
    ]
    static let brandCharacters = Array(
        "华鑫泰盛恒丰源鼎诚信达通宏远顺利安康隆昌祥瑞福寿明德润泽嘉和美佳兴旺金银玉宝星辰海天山泉齐鲁泉城舜耕历山大明湖千佛趵突章丘莱芜黄河济水济阳商河平阴长清钢城槐荫天桥新东方中联正邦浩宇博远聚力同创致远卓越创新科技"
    )
    static let enterpriseTrades: [(String, String)] = [
        ("食品", "14"), ("农副产品", "13"), ("服饰", "18"), ("化工", "26"), ("医药", "27"), ("机械设备", "34"), ("汽车配件", "36"),
        ("电气", "38"), ("电子科技", "39"), ("热力", "44"), ("燃气", "45"), ("建筑工程", "47"), ("市政工程", "48"), ("装饰工程", "50"),
        ("商贸", "51"), ("超市", "52"), ("物流", "54"), ("仓储", "59"), ("酒店管理", "61"), ("餐饮管理", "62"), ("网络科技", "64"),
        ("信息技术", "65"), ("融资担保", "69"), ("房地产开发", "70"), ("租赁", "71"), ("企业管理咨询", "72"), ("生物科技", "73"),
        ("环保科技", "77"), ("物业管理", "78"), ("家政服务", "80"), ("汽车维修", "81"), ("教育咨询", "83"), ("医疗管理", "84"),
        ("文化传媒", "86"), ("体育发展", "89"), ("农业科技", "05"),
    ]
    static let shopTrades: [(String, String)] = [
        ("小吃店", "62"), ("面馆", "62"), ("便利店", "52"), ("副食店", "52"), ("五金店", "52"), ("理发店", "80"), ("服装店", "52"),
        ("水果店", "52"), ("汽车美容店", "81"), ("烧烤店", "62"), ("干洗店", "80"), ("手机维修部", "81"),
    ]

    /// The generated item for an entity index.
    public func item(at index: Int) -> Item {
        var rng = SplitMix64.forItem(index, seed: seed)
        let kind = rng.pick(Self.kinds)
        let region = rng.pick(Self.districts)
        let status = rng.pick(Self.statuses)
        let (name, division) = makeName(kind: kind, region: region, rng: &rng)
        let code = makeCode(index: index, kind: kind, region: kind == .governmentBody ? "370100" : region, rng: &rng)
        let established = LocalDate(dayNumber: LocalDate(year: 1992, month: 1, day: 1)!.dayNumber + rng.below(12_300))

        let repIndex = legalRepresentativeIndex(of: index)
        let rep = person(at: repIndex)
        var newPersons: [Person] = repIndex == index ? [rep] : []
        var roles = [RoleAssignment(entityCode: code, person: rep, role: .legalRepresentative, startsOn: established)]
        if kind == .publicInstitution || kind == .socialOrganisation {
            let principal = person(at: index, stream: 2)
            newPersons.append(principal)
            roles.append(RoleAssignment(entityCode: code, person: principal, role: .principal, startsOn: established))
        } else if kind == .enterprise && index > 50 && rng.below(100) < 6 {
            // An actual controller who is the legal representative of an earlier entity.
            let other = legalRepresentativeIndex(of: rng.below(index))
            if other != repIndex {
                roles.append(RoleAssignment(entityCode: code, person: person(at: other), role: .actualController, startsOn: established))
            }
        }
        let entity = Entity(
            code: code,
            name: name,
            kind: kind,
            status: status,
            regionCode: region,
            industryDivision: division,
            establishedOn: established,
            legalRepresentative: rep
        )
        return Item(entity: entity, newPersons: newPersons, roles: roles)
    }

    /// The person index of an entity's legal representative: its own person, or (one time in ten)
    /// the representative of an earlier entity — so some persons represent several entities.
    func legalRepresentativeIndex(of index: Int) -> Int {
        var i = index
        while i > 20 {
            var rng = SplitMix64.forItem(i, seed: seed, stream: 1)
            guard rng.below(100) < 10 else { return i }
            i = rng.below(i)
        }
        return i
    }

    func makeName(kind: EntityKind, region: String, rng: inout SplitMix64) -> (String, String) {
        let district = String((tables.region(region)?.name ?? "").trimmingPrefix("济南市"))
        let brand =
            String(Self.brandCharacters[rng.below(Self.brandCharacters.count)]) + String(Self.brandCharacters[rng.below(Self.brandCharacters.count)])
        switch kind {
        case .enterprise:
            let (trade, division) = Self.enterpriseTrades[rng.below(Self.enterpriseTrades.count)]
            let prefix = rng.below(100) < 80 ? "济南" : "山东"
            let suffix = rng.pick([("有限公司", 80), ("有限责任公司", 15), ("股份有限公司", 5)])
            return (prefix + brand + trade + suffix, division)
        case .individualBusiness:
            let (trade, division) = Self.shopTrades[rng.below(Self.shopTrades.count)]
            let owner = Self.surnames[rng.below(40)]
            return (district + (rng.below(2) == 0 ? brand : "老" + owner + "家") + trade, division)
        case .farmersCooperative:
            let crop = ["蔬菜种植", "小麦种植", "苹果种植", "生猪养殖", "大葱种植", "花卉种植"][rng.below(6)]
            return ("济南市" + district + brand + crop + "专业合作社", "01")
        case .socialOrganisation:
            let org = ["商会", "行业协会", "志愿服务协会", "慈善基金会", "书画研究会"][rng.below(5)]
            return ("济南市" + district + brand + org, "95")
        case .publicInstitution:
            let inst = ["第" + String(1 + rng.below(80)) + "中学", "社区卫生服务中心", "实验小学", "公共资源交易服务中心", "图书馆"][rng.below(5)]
            let division = inst.hasSuffix("中学") || inst.hasSuffix("小学") ? "83" : inst.hasSuffix("中心") ? "84" : "86"
            return ("济南市" + district + brand + inst, division)
        case .governmentBody:
            let street = brand + "街道办事处"
            return ("济南市" + district + street, "92")
        case .other:
            return ("济南市" + district + brand + "联合管理委员会", "92")
        }
    }

    static func authority(of kind: EntityKind) -> String {
        switch kind {
        case .enterprise: "91"
        case .individualBusiness: "92"
        case .farmersCooperative: "93"
        case .socialOrganisation: "51"
        case .publicInstitution: "12"
        case .governmentBody: "11"
        case .other: "Y1"
        }
    }

    /// A code unique to `index`: the 主体标识码 is "MA" plus a scrambled base-31 rendering of the index,
    /// completed with its GB 11714 check character, then the GB 32100 check character.
    func makeCode(index: Int, kind: EntityKind, region: String, rng: inout SplitMix64) -> CreditCode {
        let space = 887_503_681  // 31^6
        let scrambled = (index &* 48_271 &+ Int(seed % 1_000_003)) % space  // 48271 is prime, coprime with 31
        var n = scrambled
        var body = ""
        for _ in 0..<6 {
            body = String(CreditCode.alphabet[n % 31]) + body
            n /= 31
        }
        body = "MA" + body
        let orgCheck = OrganizationCode.checkCharacter(for: body)!
        guard let code = CreditCode.completing(Self.authority(of: kind) + region + body + String(orgCheck)) else {
            preconditionFailure("generated code is outside the code set")
        }
        return code
    }

    // MARK: Persons

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
        .map(String.init)
    static let givenCharacters = Array(
        "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
    )
    .map(String.init)

    /// The person with a given index: a plausible name and a valid-format synthetic identity number,
    /// unique per index (born 1950–1999 in a 济南 district).
    public func person(at index: Int, stream: UInt64 = 0) -> Person {
        var rng = SplitMix64.forItem(index, seed: seed, stream: 100 + stream)
        let days = 18_262  // 1950-01-01 ..< 2000-01-01
        let space = days * 1000 * 12
        let p = (index &* 4 &+ Int(stream % 4)) &* 1_000_003 % space
        let birth = LocalDate(dayNumber: LocalDate(year: 1950, month: 1, day: 1)!.dayNumber + p % days)
        let sequence = (p / days) % 1000
        let region = Self.districts[(p / days / 1000) % 12].0
        let compact = String(birth.description.filter { $0 != "-" })
        let seq = String(sequence + 1000).dropFirst()
        guard let id = IdentityNumber.completing(region + compact + seq) else { preconditionFailure("generated identity number is malformed") }
        let surname = rng.below(3) == 0 ? Self.surnames[rng.below(Self.surnames.count)] : Self.surnames[rng.below(20)]
        var given = Self.givenCharacters[rng.below(Self.givenCharacters.count)]
        if rng.below(3) != 0 { given += Self.givenCharacters[rng.below(Self.givenCharacters.count)] }
        // The phone comes from a stream of its own, so adding it changed no name or number of earlier cities.
        var phoneRNG = SplitMix64.forItem(index, seed: seed, stream: 300 + stream)
        let prefixes = ["138", "139", "135", "136", "150", "151", "158", "186", "187", "176", "199"]
        let phone = try? PhoneNumber(validating: prefixes[phoneRNG.below(prefixes.count)] + String(10_000_000 + phoneRNG.below(90_000_000)))
        return Person(idNumber: id, name: surname + given, phone: phone)
    }

    // MARK: Departments

    /// The municipal departments that provide data in the demo city, with synthetic valid codes.
    public static var departments: [Department] {
        let names = [
            "济南市发展和改革委员会", "济南市市场监督管理局", "国家税务总局济南市税务局", "济南市生态环境局", "济南市住房和城乡建设局",
            "济南市应急管理局", "济南市人力资源和社会保障局", "济南市卫生健康委员会", "济南市交通运输局", "济南市城市管理局",
            "济南市文化和旅游局", "济南市农业农村局", "济南市中级人民法院", "济南市公共资源交易中心",
            // Appended, so that the codes above stay as they were: the keeper of the procurement list.
            "济南市财政局",
        ]
        return names.enumerated().map { i, name in
            let body = "00" + String(String(100_000 + 4_217 * (i + 1)).suffix(6))
            let code = CreditCode.completing("11370100" + body + String(OrganizationCode.checkCharacter(for: body)!))!
            return Department(code: code, name: name)
        }
    }
}
