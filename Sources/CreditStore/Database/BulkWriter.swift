import Logging
import NIOCore
import PostgresNIO
import SQLKit
import SQLiteNIO

/// A value written by ``BulkWriter``: text, an integer, or NULL — the only kinds the platform's bulk tables hold.
public enum BulkValue: Sendable, Hashable {
    case text(String)
    case integer(Int)
    case null

    public init(_ text: String?) { self = text.map(BulkValue.text) ?? .null }
    public init(_ number: Int?) { self = number.map(BulkValue.integer) ?? .null }

    /// The value as a SQLKit expression, for the statements that are not bulk writes (NULL is a literal: it has
    /// no type, so it fits a column of any type).
    public var bind: any SQLExpression {
        switch self {
        case .text(let text): SQLBind(text)
        case .integer(let number): SQLBind(number)
        case .null: SQLLiteral.null
        }
    }

    var sqlite: SQLiteData {
        switch self {
        case .text(let text): .text(text)
        case .integer(let number): .integer(number)
        case .null: .null
        }
    }
}

/// Writes many rows inside a ``CreditDatabase`` transaction without SQLKit's per-value serialisation:
/// multi-row `INSERT`s with their values bound directly on SQLite, `COPY … FROM STDIN` on PostgreSQL.
/// Table and column names come from the code, never from input.
public struct BulkWriter: Sendable {
    enum Connection: Sendable {
        case sqlite(SQLiteConnection)
        case postgres(PostgresConnection)
    }

    let connection: Connection
    let logger: Logger

    /// Inserts the rows (each with one value per column, in order).
    public func insert(into table: String, columns: [String], rows: [[BulkValue]]) async throws {
        guard !rows.isEmpty else { return }
        precondition(rows.allSatisfy { $0.count == columns.count }, "a bulk row does not match its columns")
        switch connection {
        case .sqlite(let connection):
            try await Self.insert(into: table, columns: columns, count: rows.count, on: connection) { row, binds in
                for value in rows[row] { binds.append(value.sqlite) }
            }
        case .postgres(let connection):
            try await copy(into: table, columns: columns, count: rows.count, on: connection) { row, buffer in
                Self.appendCopyLine(rows[row], to: &buffer)
            }
        }
    }

    /// Inserts rows numbered in the transaction whose other values were encoded before it: `columns` starts
    /// with the number's column, each row's ``EncodedValues`` hold the rest, in order.
    public func insert(into table: String, columns: [String], numbered rows: [(id: Int, rest: EncodedValues)]) async throws {
        guard !rows.isEmpty else { return }
        precondition(rows.allSatisfy { $0.rest.count == columns.count - 1 }, "a bulk row does not match its columns")
        switch connection {
        case .sqlite(let connection):
            try await Self.insert(into: table, columns: columns, count: rows.count, on: connection) { row, binds in
                binds.append(.integer(rows[row].id))
                guard case .sqlite(let rest) = rows[row].rest.storage else { preconditionFailure("values encoded for another engine") }
                binds.append(contentsOf: rest)
            }
        case .postgres(let connection):
            try await copy(into: table, columns: columns, count: rows.count, on: connection) { row, buffer in
                guard case .copy(let rest) = rows[row].rest.storage else { preconditionFailure("values encoded for another engine") }
                buffer.writeString(String(rows[row].id))
                buffer.writeBytes(rest)
            }
        }
    }

    /// Multi-row `INSERT`s on SQLite, the values bound directly: at most ~30,000 values per statement (well under
    /// the driver's limit, one statement prepared per chunk).
    private static func insert(
        into table: String,
        columns: [String],
        count: Int,
        on connection: SQLiteConnection,
        binding: (_ row: Int, _ binds: inout [SQLiteData]) -> Void
    ) async throws {
        let perStatement = max(1, 30_000 / columns.count)
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        var start = 0
        while start < count {
            let end = min(start + perStatement, count)
            var binds: [SQLiteData] = []
            binds.reserveCapacity((end - start) * columns.count)
            for row in start..<end { binding(row, &binds) }
            let statement = head + Array(repeating: tuple, count: end - start).joined(separator: ",")
            try await connection.query(statement, binds) { _ in }
            start = end
        }
    }

    /// `COPY … FROM STDIN` on PostgreSQL, sent in pieces of about 1 MiB.
    private func copy(
        into table: String,
        columns: [String],
        count: Int,
        on connection: PostgresConnection,
        line: @escaping @Sendable (_ row: Int, _ buffer: inout ByteBuffer) -> Void
    ) async throws {
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(1 << 20)
            for row in 0..<count {
                line(row, &buffer)
                if buffer.readableBytes >= 1 << 20 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
    }

    /// Numbers for `count` new rows of a table whose `id` the database numbers: on SQLite (one writer, inside
    /// its transaction) the ones after the largest, on PostgreSQL the next values of the column's sequence.
    public func nextIDs(of table: String, count: Int) async throws -> [Int] {
        guard count > 0 else { return [] }
        switch connection {
        case .sqlite(let connection):
            let rows = try await connection.query("SELECT COALESCE(MAX(id), 0) AS largest FROM \(table)", [])
            let largest = Int(rows.first?.column("largest")?.integer ?? 0)
            return Array((largest + 1)...(largest + count))
        case .postgres(let connection):
            // The sequence is looked up once (materialised): in the select list it was looked up for every row, which
            // took 16 ms of 20 for 8,000 numbers.
            let rows = try await connection.query(
                """
                WITH sequence AS MATERIALIZED (SELECT pg_get_serial_sequence(\(table), 'id')::regclass AS name)
                SELECT nextval(sequence.name) FROM sequence, generate_series(1, \(count))
                """,
                logger: logger
            )
            var ids: [Int] = []
            ids.reserveCapacity(count)
            for try await id in rows.decode(Int.self) { ids.append(id) }
            return ids
        }
    }

    /// One row in `COPY`'s text format: tab-separated, `\N` for NULL, backslash escapes.
    static func appendCopyLine(_ row: [BulkValue], to buffer: inout ByteBuffer) {
        for (i, value) in row.enumerated() {
            if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            appendCopyValue(value, to: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// One value in `COPY`'s text format.
    static func appendCopyValue(_ value: BulkValue, to buffer: inout ByteBuffer) {
        switch value {
        case .null: buffer.writeStaticString("\\N")
        case .integer(let number): buffer.writeString(String(number))
        case .text(let text):
            var text = text
            text.withUTF8 { bytes in
                var start = 0
                for (j, byte) in bytes.enumerated() {
                    let escape: UInt8? =
                        switch byte {
                        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
                        case UInt8(ascii: "\n"): UInt8(ascii: "n")
                        case UInt8(ascii: "\r"): UInt8(ascii: "r")
                        case UInt8(ascii: "\t"): UInt8(ascii: "t")
                        default: nil
                        }
                    guard let escape else { continue }
                    buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<j]))
                    buffer.writeInteger(UInt8(ascii: "\\"))
                    buffer.writeInteger(escape)
                    start = j + 1
                }
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
            }
        }
    }
}

/// A row's values but its leading number, encoded for one engine's ``BulkWriter`` ahead of the transaction that
/// numbers the row: bound values for SQLite, the rest of a `COPY` line for PostgreSQL. Encoding is most of a bulk
/// write's own work; done beforehand, it runs beside the previous batch's transaction instead of inside its own.
public struct EncodedValues: Sendable {
    enum Storage: Sendable {
        case sqlite([SQLiteData])
        /// The values, each after a tab, and the line's end (bytes of their own length: a buffer would be rounded up to
        /// a power of two, for every row of the batches in flight).
        case copy([UInt8])
    }

    let storage: Storage
    /// How many values.
    let count: Int

    public init(_ values: [BulkValue], for engine: CreditDatabase.Engine) {
        count = values.count
        switch engine {
        case .sqlite:
            storage = .sqlite(values.map(\.sqlite))
        case .postgres:
            var buffer = ByteBuffer()
            for value in values {
                buffer.writeInteger(UInt8(ascii: "\t"))
                BulkWriter.appendCopyValue(value, to: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
            storage = .copy(Array(buffer.readableBytesView))
        }
    }
}
