import SQLKit

extension SQLDatabase {
    /// `column IN (…)`: one array bind on PostgreSQL (`= ANY`, planned the same whatever the list's length: a list of
    /// hundreds of binds costs more to plan than to run), a group of binds on SQLite. `column` comes from the code.
    func oneOf<Value: Encodable & Sendable>(_ column: String, _ values: [Value]) -> SQLQueryString {
        isPostgreSQL ? "\(unsafeRaw: column) = ANY(\(bind: values))" : "\(unsafeRaw: column) IN \(SQLBind.group(values))"
    }

    /// How many values one ``oneOf(_:_:)`` carries.
    var listSize: Int { isPostgreSQL ? 10_000 : 500 }
}
