import Foundation

/// An entity registration or change as the registering department sends it, checked field by field.
public struct EntityRegistration: Sendable, Hashable {
    public var entity: Entity
    /// Further persons and their roles (主要负责人, 实际控制人).
    public var roles: [(role: PersonRole, person: Person)]
    public var reason: String?

    public init(entity: Entity, roles: [(role: PersonRole, person: Person)], reason: String?) {
        self.entity = entity
        self.roles = roles
        self.reason = reason
    }

    public static func == (a: EntityRegistration, b: EntityRegistration) -> Bool {
        a.entity == b.entity && a.reason == b.reason && a.roles.map(\.role) == b.roles.map(\.role) && a.roles.map(\.person) == b.roles.map(\.person)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entity)
        hasher.combine(reason)
    }

    /// Which departments register which entities when the city has not said (``Department/registers``): the
    /// registration authority of a credit code (its first character, GB 32100) and the words in the name of a
    /// department that usually registers for it. The credit office may register any entity.
    public static let registeringDepartments: [Character: [String]] = [
        "9": ["市场监督管理"], "N": ["农业农村"], "5": ["民政"], "1": ["机构编制", "编办"], "3": ["司法"],
    ]

    /// The problem of a registration sent by a department that does not register entities with its code (or is
    /// not known); nil when the department may send it.
    public func refusal(department: Department?) -> FieldProblem? {
        guard department?.mayRegister(entity.code) != true else { return nil }
        return FieldProblem(
            field: "code",
            value: entity.code.rawValue,
            code: "not_registering_department",
            message: "本部门不是该类主体的登记机关 / this department does not register entities with this code"
        )
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
        // A control character (a NUL byte from a broken export) or U+FFFD (text lost in a conversion) in any field:
        // named, and the field read no further.
        var broken: [String: FieldProblem] = [:]
        for (name, value) in fields { broken[name] = RecordValidator.unusableText(value, label: name, name: name) }
        for (key, person) in people {
            for (name, value) in person {
                broken["\(key).\(name)"] = RecordValidator.unusableText(value, label: "\(key).\(name)", name: "\(key).\(name)")
            }
        }
        problems += broken.sorted { $0.key < $1.key }.map(\.value)
        func text(_ name: String, max: Int) -> String? {
            guard broken[name] == nil else { return nil }
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
            kind = EntityKind(text: raw)
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
        if let raw = fields["status"], !raw.isEmpty, broken["status"] == nil {
            if let s = EntityStatus(text: raw) {
                status = s
            } else {
                problem(
                    "status",
                    raw,
                    "invalid_status",
                    "登记状态应为 operating（存续）、deregistered（注销）或 revoked（吊销） / status is operating, deregistered or revoked"
                )
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
            guard broken["\(key).idNumber"] == nil, broken["\(key).name"] == nil else { return nil }
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

// MARK: Registration files

extension EntityRegistration {
    /// The category under which a registration file's job and its refused rows are kept (it is not a category of
    /// the credit catalogue: registrations build the registry, not credit files).
    public static let category = "registration"

    /// What a registration file is called on pages and in messages.
    public static let title = "主体登记信息"

    /// The columns of a registration file: the fields of `POST /api/v1/entities` by API name (a person's
    /// fields as `legalRepresentative.name`, …), with the Chinese column names of registration exports as aliases.
    public static let fileFields: [Catalogue.Field] = [
        .column("code", "统一社会信用代码", [], .creditCode, required: true),
        .column("name", "主体名称", ["企业名称", "名称", "单位名称"], .text, required: true),
        .column("kind", "主体类型", ["市场主体类型", "类型"], .text, required: true, help: EntityKind.allCases.map(\.label).joined(separator: "、")),
        .column("status", "登记状态", ["经营状态"], .text, required: false, help: "存续、注销或吊销；不填为存续"),
        .column("region", "行政区划代码", ["住所行政区划代码", "住所所在地行政区划代码"], .text, required: true),
        .column("industry", "行业代码", ["国民经济行业代码", "行业大类代码"], .text, required: true, help: "GB/T 4754 两位大类代码"),
        .column("establishedOn", "成立日期", [], .date, required: true),
        .column("legalRepresentative.name", "法定代表人", ["法定代表人姓名", "法定代表人（负责人）", "经营者"], .text, required: true),
        .column("legalRepresentative.idNumber", "法定代表人证件号码", ["法定代表人身份证号码", "经营者证件号码"], .idNumber, required: true),
        .column("principal.name", "主要负责人", ["主要负责人姓名"], .text, required: false),
        .column("principal.idNumber", "主要负责人证件号码", ["主要负责人身份证号码"], .idNumber, required: false),
        .column("actualController.name", "实际控制人", ["实际控制人姓名"], .text, required: false),
        .column("actualController.idNumber", "实际控制人证件号码", ["实际控制人身份证号码"], .idNumber, required: false),
        .column("reason", "变更原因", ["变更事项"], .text, required: false),
    ]

    /// Checks a registration given as flat fields (a file's row, a corrected row on a page): a person's fields
    /// are named `legalRepresentative.name`, `legalRepresentative.idNumber`, and so on.
    public static func validate(flat: [String: String], tables: ReferenceTables, today: LocalDate) -> Result<EntityRegistration, RecordProblems> {
        var fields: [String: String] = [:]
        var people: [String: [String: String]] = [:]
        for (key, value) in flat {
            let parts = key.split(separator: ".", maxSplits: 1)
            if parts.count == 2 {
                people[String(parts[0]), default: [:]][String(parts[1])] = value
            } else {
                fields[key] = value
            }
        }
        return validate(fields, people: people, tables: tables, today: today)
    }
}
