import Foundation

extension Migration {
    /// Accounts, API tokens, sign-in and sessions.
    static let access: [Migration] = [
        Migration(
            6,
            "create accounts and their API tokens, stored as hashes",
            sqlite: [
                """
                CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                department_code TEXT REFERENCES departments(code), entity_code TEXT, created_at TEXT NOT NULL, disabled_at TEXT)
                """,
                """
                CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id),
                token_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)
                """,
            ],
            postgres: [
                """
                CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                department_code TEXT REFERENCES departments(code), entity_code TEXT, created_at TEXT NOT NULL, disabled_at TEXT)
                """,
                """
                CREATE TABLE api_tokens (id BIGSERIAL PRIMARY KEY, account_id BIGINT NOT NULL REFERENCES accounts(id),
                token_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT)
                """,
            ]
        ),
        Migration(
            9,
            // Passwords are bcrypt hashes; the TOTP secret is sealed like personal data (AES-GCM, key id).
            // Consecutive failures lock the account for a while (see SQLAccountStore.logIn).
            "let people sign in: login names, password hashes, TOTP secrets, lock-out, and sessions",
            portable: [
                "ALTER TABLE accounts ADD COLUMN login TEXT",
                "CREATE UNIQUE INDEX accounts_login ON accounts (login)",
                "ALTER TABLE accounts ADD COLUMN password_hash TEXT",
                "ALTER TABLE accounts ADD COLUMN totp_secret_enc TEXT",
                "ALTER TABLE accounts ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE accounts ADD COLUMN locked_until TEXT",
                """
                CREATE TABLE sessions (id $ID, token_hash TEXT NOT NULL UNIQUE, account_id $BIGINT NOT NULL REFERENCES accounts(id),
                csrf_token TEXT NOT NULL, created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, expires_at TEXT NOT NULL, ended_at TEXT)
                """,
            ]
        ),
    ]
}
