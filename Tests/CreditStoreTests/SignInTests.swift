import CreditCore
import CreditStore
import CreditTestSupport
import Foundation
import HummingbirdOTP
import SQLKit
import Testing

@Suite("Signing in: passwords, lock-out, TOTP and sessions")
struct SignInTests {
    static let password = "correct horse battery"

    /// An account with a login name and password, on a fresh database.
    static func withAccount(
        _ engine: TestEngine,
        _ body: (CreditDatabase, SQLAccountStore, FixedClock, Account) async throws -> Void
    ) async throws {
        try await TestDatabase.with(engine) { db in
            let clock = FixedClock(date: LocalDate("2026-11-26")!)
            let store = SQLAccountStore(database: db, clock: clock, keys: TestDatabase.keys, passwordCost: 4)
            let account = try await store.createAccount(name: "信用办 王五", role: .creditOffice, departmentCode: nil, entityCode: nil)
            try await store.setPassword(accountID: account.id, login: "wang.wu", password: Self.password)
            try await body(db, store, clock, account)
        }
    }

    @Test("the right password signs in; a wrong one, an unknown login or a disabled account do not", arguments: TestEngine.available)
    func passwords(_ engine: TestEngine) async throws {
        try await Self.withAccount(engine) { db, store, _, account in
            let outcome = try await store.logIn(login: "wang.wu", password: Self.password, totp: nil)
            #expect(outcome == .signedIn(Principal(accountID: account.id, name: "信用办 王五", role: .creditOffice)))
            #expect(try await store.logIn(login: " WANG.WU ", password: Self.password, totp: nil) != .invalidCredentials)
            #expect(try await store.logIn(login: "wang.wu", password: "correct horse batterY", totp: nil) == .invalidCredentials)
            #expect(try await store.logIn(login: "nobody", password: Self.password, totp: nil) == .invalidCredentials)
            // Only a bcrypt hash is stored.
            let stored = try await db.read { sql in
                try await sql.raw("SELECT password_hash FROM accounts WHERE id = \(bind: account.id)").first()?
                    .decode(column: "password_hash", as: String.self)
            }
            #expect(stored?.hasPrefix("$2") == true)
            #expect(stored?.contains(Self.password) == false)
            _ = try await store.disableAccount(id: account.id)
            #expect(try await store.logIn(login: "wang.wu", password: Self.password, totp: nil) == .invalidCredentials)
        }
    }

    @Test("weak passwords and bad login names are refused; a login name is unique")
    func rules() async throws {
        try await Self.withAccount(.sqlite) { _, store, _, account in
            for (login, password, code) in [
                ("wang.wu", "short", "weak_password"), ("wang.wu", String(repeating: "长", count: 25), "weak_password"),
                ("passwordpassword", "PasswordPassword", "weak_password"), ("王五", Self.password, "invalid_login"),
                ("ab", Self.password, "invalid_login"), ("a b c", Self.password, "invalid_login"),
            ] {
                await #expect(throws: AccountError.self, "\(login)") {
                    try await store.setPassword(accountID: account.id, login: login, password: password)
                }
                do {
                    try await store.setPassword(accountID: account.id, login: login, password: password)
                } catch let error as AccountError {
                    #expect(error.code == code, "\(login)")
                }
            }
            let other = try await store.createAccount(name: "管理员", role: .admin, departmentCode: nil, entityCode: nil)
            do {
                try await store.setPassword(accountID: other.id, login: "wang.wu", password: Self.password)
                Issue.record("a second account took the login name")
            } catch let error as AccountError {
                #expect(error.code == "login_taken")
            }
            // The refused attempts changed nothing: the old password still works.
            #expect(try await store.logIn(login: "wang.wu", password: Self.password, totp: nil) != .invalidCredentials)
        }
    }

    @Test("five failures in a row lock the account for 15 minutes, even against the right password", arguments: TestEngine.available)
    func lockout(_ engine: TestEngine) async throws {
        try await Self.withAccount(engine) { _, store, clock, _ in
            for attempt in 1..<SignInRules.maximumFailures {
                #expect(try await store.logIn(login: "wang.wu", password: "guess \(attempt) guess", totp: nil) == .invalidCredentials)
            }
            let locked = try await store.logIn(login: "wang.wu", password: "guess 5 guess", totp: nil)
            let until = clock.now().addingTimeInterval(SignInRules.lockout)
            #expect(locked == .locked(until: until))
            clock.advance(by: 14 * 60)
            #expect(try await store.logIn(login: "wang.wu", password: Self.password, totp: nil) == .locked(until: until))
            clock.advance(by: 61)
            guard case .signedIn = try await store.logIn(login: "wang.wu", password: Self.password, totp: nil) else {
                Issue.record("the lock did not end after 15 minutes")
                return
            }
            // A success resets the count: four more failures do not lock.
            for _ in 1..<SignInRules.maximumFailures {
                #expect(try await store.logIn(login: "wang.wu", password: "another guess", totp: nil) == .invalidCredentials)
            }
        }
    }

    @Test(
        "guesses sent at once count one failure each: four are answered, the rest find the account locked, and so does the right password",
        arguments: TestEngine.available
    )
    func guessesAtOnce(_ engine: TestEngine) async throws {
        try await Self.withAccount(engine) { _, store, clock, _ in
            let outcomes = try await withThrowingTaskGroup(of: LoginOutcome.self) { group in
                for guess in 1...20 {
                    group.addTask { try await store.logIn(login: "wang.wu", password: "guess \(guess) guess", totp: nil) }
                }
                return try await group.reduce(into: [LoginOutcome]()) { $0.append($1) }
            }
            let until = clock.now().addingTimeInterval(SignInRules.lockout)
            #expect(outcomes.filter { $0 == .invalidCredentials }.count == SignInRules.maximumFailures - 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == .locked(until: until) }.count == 20 - (SignInRules.maximumFailures - 1), "\(outcomes)")
            #expect(try await store.logIn(login: "wang.wu", password: Self.password, totp: nil) == .locked(until: until))
        }
    }

    @Test("with TOTP on, the password alone is not enough; the current code is", arguments: TestEngine.available)
    func totp(_ engine: TestEngine) async throws {
        try await Self.withAccount(engine) { db, store, clock, account in
            let address = try await store.enableTOTP(accountID: account.id)
            #expect(address.hasPrefix("otpauth://totp/wang.wu?secret="))
            let sealed = try await db.read { sql in
                try await sql.raw("SELECT totp_secret_enc FROM accounts WHERE id = \(bind: account.id)").first()!
                    .decode(column: "totp_secret_enc", as: String.self)
            }
            let secret = try TestDatabase.keys.open(sealed)
            #expect(!sealed.contains(secret))
            let code = String(format: "%06d", TOTP(secret: secret).compute(date: clock.now()))
            let stale = String(format: "%06d", TOTP(secret: secret).compute(date: clock.now().addingTimeInterval(-120)))
            #expect(try await store.logIn(login: "wang.wu", password: Self.password, totp: nil) == .totpRequired)
            #expect(try await store.logIn(login: "wang.wu", password: Self.password, totp: stale) == .invalidCredentials)
            #expect(try await store.logIn(login: "wang.wu", password: "wrong password!", totp: code) == .invalidCredentials)
            guard case .signedIn = try await store.logIn(login: "wang.wu", password: Self.password, totp: code) else {
                Issue.record("the current code did not sign in")
                return
            }
        }
    }

    @Test("a session lives in the database until sign-out, 30 idle minutes or 12 hours", arguments: TestEngine.available)
    func sessions(_ engine: TestEngine) async throws {
        try await Self.withAccount(engine) { db, store, clock, account in
            let (token, csrf) = try await store.startSession(accountID: account.id)
            #expect(token.hasPrefix("crs_") && token.count == 68)
            #expect(try await store.session(token: token)?.principal.accountID == account.id)
            #expect(try await store.session(token: token)?.csrfToken == csrf)
            // Another process (another store over the same database) sees it: nothing is kept in memory.
            #expect(try await SQLAccountStore(database: db, clock: clock).session(token: token) != nil)
            #expect(try await store.session(token: "crs_" + String(repeating: "0", count: 64)) == nil)
            #expect(try await store.session(token: "forged") == nil)
            // Activity keeps it alive up to the absolute limit.
            for _ in 0..<24 {
                clock.advance(by: 29 * 60)
                #expect(try await store.session(token: token) != nil)
            }
            clock.advance(by: 29 * 60)  // 12 h 05 min after sign-in
            #expect(try await store.session(token: token) == nil)

            let (idle, _) = try await store.startSession(accountID: account.id)
            clock.advance(by: 31 * 60)
            #expect(try await store.session(token: idle) == nil)

            let (ended, _) = try await store.startSession(accountID: account.id)
            #expect(try await store.endSession(token: ended))
            #expect(try await store.session(token: ended) == nil)
            #expect(try await store.endSession(token: ended) == false)

            let (disabled, _) = try await store.startSession(accountID: account.id)
            _ = try await store.disableAccount(id: account.id)
            #expect(try await store.session(token: disabled) == nil)
            // Only hashes of session tokens are stored.
            let stored = try await db.read { sql in
                try await sql.raw("SELECT token_hash FROM sessions").all().map { try $0.decode(column: "token_hash", as: String.self) }
            }
            #expect(stored.count == 4 && !stored.contains(token) && !stored.contains(disabled))
        }
    }
}
