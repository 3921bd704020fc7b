import ArgumentParser
import CreditCore
import CreditStore
import Foundation

struct Departments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "信息提供部门 / data-providing departments.",
        subcommands: [Add.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "登记部门 / register a department (or rename it).")

        @OptionGroup var db: DatabaseOptions
        @Option(help: "The department's own unified social credit code.") var code: String
        @Option(help: "The department's name.") var name: String
        @Option(
            help: """
                登记机关类别 / the registration authorities (first character of a credit code, GB 32100) of the entities this \
                department registers, e.g. 9 for a 行政审批服务局 that registers companies; `none`; or `by-name` (the default: \
                decided by the name, e.g. 市场监督管理 → 9). Left out when renaming: unchanged.
                """
        )
        var registers: String?

        func validate() throws {
            let table = RegistrationAuthorityTable.standard
            if let registers, !["none", "by-name"].contains(registers),
                registers.isEmpty || !registers.uppercased().allSatisfy({ table.categories(of: $0) != nil })
            {
                throw ValidationError(
                    "--registers 应为登记管理部门代码（\(table.authorityCodes)）、none 或 by-name / use authority codes (\(table.authorityCodes)), none or by-name"
                )
            }
            do {
                _ = try CreditCode(validating: code)
            } catch {
                throw ValidationError("统一社会信用代码无效 / invalid credit code: \(error.message)")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else {
                throw ValidationError("部门名称不能为空且不超过 100 字 / the name must be 1 to 100 characters")
            }
        }

        func run() async throws {
            let database = try await db.open(logger: Log.make("credit"))
            let code = try CreditCode(validating: self.code)
            let registers: String?
            do {
                let registry = try await CreditStores.open(database: database, keys: try db.keys(logger: Log.make("credit"))).registry
                switch self.registers {
                case nil: registers = try await registry.fetchDepartments().first { $0.code == code.rawValue }?.registers
                case "by-name": registers = nil
                case "none": registers = ""
                case let given?: registers = String(Set(given.uppercased()).sorted())
                }
                try await registry.addDepartment(Department(code: code, name: name.trimmingCharacters(in: .whitespaces), registers: registers))
            } catch {
                await database.close()
                throw error
            }
            await database.close()
            print("已登记部门 / registered: \(code) \(name)（\(Self.describe(registers))）")
        }

        /// Which entities a department registers, in words.
        static func describe(_ registers: String?) -> String {
            switch registers {
            case nil: "登记职能按名称判断 / registers by its name"
            case "": "不登记主体 / registers no entities"
            case let r?: "登记机关类别 \(r) / registers codes starting with \(r.map(String.init).joined(separator: ", "))"
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出部门 / list the departments.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let departments = try await db.withStores(logger: Log.make("credit")) { stores in
                try await stores.registry.fetchDepartments()
            }
            for d in departments { print("\(d.code)\t\(d.name)\t\(Add.describe(d.registers))") }
        }
    }
}
