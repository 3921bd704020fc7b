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

extension SQLQueryString {
    /// Rows as a PostgreSQL row source, one array bind per column: `unnest($1, $2, …) AS u(columns…)`. A statement of
    /// thousands of parameters costs PostgreSQL more to parse and plan than to run; a few arrays do not. `columns`
    /// come from the code.
    static func unnest(_ arrays: [any SQLExpression], as columns: [String]) -> SQLQueryString {
        "unnest(\(SQLList(arrays))) AS u(\(unsafeRaw: columns.joined(separator: ", ")))"
    }
}

extension BulkValue {
    /// The columns of rows as array binds for ``SQLQueryString/unnest(_:as:)``: a column of integers as `bigint[]`,
    /// of texts as `text[]`. These columns hold no NULL.
    static func arrays(_ rows: [[BulkValue]]) -> [any SQLExpression] {
        (rows.first ?? []).indices.map { i in
            var integers: [Int] = []
            var texts: [String] = []
            for row in rows {
                switch row[i] {
                case .integer(let n): integers.append(n)
                case .text(let t): texts.append(t)
                case .null: preconditionFailure("a NULL in a column sent as an array")
                }
            }
            precondition(integers.isEmpty || texts.isEmpty, "a column of integers and texts")
            return texts.isEmpty ? SQLBind(integers) : SQLBind(texts)
        }
    }
}
