import ArgumentParser
import CreditCore
import CreditStore
import Foundation

struct Accounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "账户与 API 令牌 / accounts and API tokens.",
        subcommands: [Create.self, List.self, Token.self, Revoke.self, Disable.self, Password.self, TOTPCommand.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "创建账户并签发令牌 / create an account; its API token is the last line of standard output (shown once)."
        )

        @OptionGroup var db: DatabaseOptions
        @Option(help: "admin, credit-office, department, inspector, approver, entity or subscriber.") var role: String
        @Option(help: "The account's name.") var name: String
        @Option(help: "Credit code of the account's department (department and inspector accounts).") var department: String?
        @Option(help: "Credit code of the account's entity (entity accounts).") var entity: String?
        @Option(help: "Days until the token expires (default: never).") var expiresInDays: Int?

        func validate() throws {
            guard Role(rawValue: role) != nil else {
                throw ValidationError("未知角色 \(role) / unknown role; use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for (flag, code) in [("--department", department), ("--entity", entity)] {
                if let code, (try? CreditCode(validating: code)) == nil {
                    throw ValidationError("\(flag) 不是有效的统一社会信用代码 / \(flag) is not a valid credit code")
                }
            }
            if let days = expiresInDays, !(1...3650).contains(days) { throw ValidationError("--expires-in-days must be 1 to 3650") }
        }

        func run() async throws {
            let normalize: (String?) -> String? = { $0.flatMap { try? CreditCode(validating: $0).rawValue } }
            let expiry = expiresInDays.map { Date().addingTimeInterval(TimeInterval($0 * 86_400)) }
            let (account, token, info) = try await db.withStores(logger: Log.make("credit")) { stores in
                let store = stores.accounts
                let account = try await store.createAccount(
                    name: name,
                    role: Role(rawValue: role)!,
                    departmentCode: normalize(department),
                    entityCode: normalize(entity)
                )
                let (token, info) = try await store.issueToken(accountID: account.id, expiresAt: expiry)
                return (account, token, info)
            }
            print("已创建账户 \(account.id)（\(account.role.label)）：\(account.name) / created account \(account.id) (\(account.role.rawValue))")
            print("令牌只显示这一次，请妥善保存 / the token is shown only this once\(info.expiresAt.map { "; expires \($0)" } ?? "")")
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "列出账户及其令牌（不含令牌本身） / list accounts and their tokens (never the tokens)."
        )
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withStores(logger: Log.make("credit")) { stores in
                let store = stores.accounts
                for account in try await store.fetchAccounts() {
                    print("\(account.id)\t\(account.role.rawValue)\t\(account.name)\t\(account.departmentCode ?? account.entityCode ?? "-")")
                    for t in try await store.fetchTokens(accountID: account.id) {
                        let state = t.revokedAt.map { "revoked \($0)" } ?? t.expiresAt.map { "expires \($0)" } ?? "active"
                        print("\ttoken \(t.id)\t\(t.prefix)…\tcreated \(t.createdAt)\t\(state)")
                    }
                }
            }
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "为账户签发新令牌 / issue another token for an account (last line of output).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The account's id.") var account: Int
        @Option(help: "Days until the token expires (default: never).") var expiresInDays: Int?

        func run() async throws {
            let expiry = expiresInDays.map { Date().addingTimeInterval(TimeInterval($0 * 86_400)) }
            let token = try await db.withStores(logger: Log.make("credit")) { stores in
                try await stores.accounts.issueToken(accountID: account, expiresAt: expiry).token
            }
            print(token)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "吊销令牌 / revoke a token by its id (see `credit accounts list`).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The token's id.") var token: Int

        func run() async throws {
            let revoked = try await db.withStores(logger: Log.make("credit")) { stores in
                try await stores.accounts.revokeToken(id: token)
            }
            guard revoked else { throw ValidationError("没有未吊销的令牌 \(token) / no active token \(token)") }
            print("已吊销令牌 \(token) / revoked token \(token)")
        }
    }
}

extension Accounts {
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "停用账户（不删除） / disable an account: its tokens stop working; nothing is deleted."
        )
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The account's id.") var account: Int

        func run() async throws {
            let disabled = try await db.withStores(logger: Log.make("credit")) { stores in
                try await stores.accounts.disableAccount(id: account)
            }
            guard disabled else { throw ValidationError("没有启用中的账户 \(account) / no enabled account \(account)") }
            print("已停用账户 \(account) / disabled account \(account)")
        }
    }
}

extension Accounts {
    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "设置登录名和密码 / give an account a login name and a password for the pages.",
            discussion: """
                The password is read from standard input (one line), never from the command line, where other users \
                of the machine could see it: `credit accounts password --account 1 --login admin < password.txt`. \
                12 to 72 bytes. Setting a password also lifts a lock-out.
                """
        )
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The account's id.") var account: Int
        @Option(help: "The login name: 3 to 64 lower-case letters, digits, '.', '_', '-' or '@'.") var login: String

        func run() async throws {
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("请从标准输入提供密码（一行） / give the password on standard input (one line)")
            }
            try await db.withStores(logger: Log.make("credit")) { stores in
                try await stores.accounts.setPassword(accountID: account, login: login, password: password)
            }
            print("账户 \(account) 可以用登录名 \(login) 登录 / account \(account) signs in as \(login)")
        }
    }

    struct TOTPCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "totp",
            abstract: "为账户启用动态口令 / turn on a second factor (TOTP) and print its otpauth:// address (shown once)."
        )
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The account's id.") var account: Int

        func run() async throws {
            let logger = Log.make("credit")
            let address = try await db.withStores(logger: logger) { stores in
                try await stores.accounts.enableTOTP(accountID: account)
            }
            print("把下面的地址导入身份验证器（只显示这一次） / add this address to an authenticator app (shown once):")
            print(address)
        }
    }
}
