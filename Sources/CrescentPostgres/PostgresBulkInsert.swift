import CrescentPersistence
import PostgresNIO

/// Multi-row `INSERT`s for imports: one round trip per chunk of rows instead of one per row.
///
/// A chunk the server refuses is rolled back to a savepoint and written again row by row, so
/// the error still names the first refused row (``StoreInsertError``) as the row-at-a-time
/// insert did; the caller's transaction then rolls back everything.
struct PostgresBulkInsert<Row>: Sendable {
    var table: String
    var columns: [String]
    /// Rows per statement (PostgreSQL takes at most 65,535 parameters per statement).
    var rowsPerStatement: Int
    /// Appends one row's values, in `columns` order.
    var bind: @Sendable (Row, inout PostgresBindings) throws -> Void
    /// Statements to run after each chunk's insert, in the same savepoint (an order's items).
    var after: @Sendable (_ s: PostgresSession, _ chunk: ArraySlice<Row>) throws -> Void = { _, _ in }
    /// Writes one row on its own (with whatever `after` writes for it), to find a refused row.
    var single: @Sendable (_ s: PostgresSession, Row) throws -> Void

    init(table: String, columns: [String], bind: @escaping @Sendable (Row, inout PostgresBindings) throws -> Void,
         single: @escaping @Sendable (_ s: PostgresSession, Row) throws -> Void) {
        self.table = table; self.columns = columns; self.bind = bind; self.single = single
        rowsPerStatement = max(1, min(1_000, 60_000 / max(1, columns.count)))
    }

    /// Inserts `rows` in chunks.
    /// - parameter refused: the error for row `index` the server refused with `error`.
    func insert(_ s: PostgresSession, _ rows: [Row], refused: (_ index: Int, _ error: any Error) -> any Error) throws {
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + rowsPerStatement)]
            try s.execute("SAVEPOINT bulk_insert")
            do {
                try s.execute(statement(chunk))
                try after(s, chunk)
            } catch {
                try s.execute("ROLLBACK TO SAVEPOINT bulk_insert")
                for (offset, row) in chunk.enumerated() {
                    do { try single(s, row) } catch { throw refused(start + offset, error) }
                }
                // Every row went in alone: the chunk failed for a reason no single row has.
                throw refused(start, error)
            }
            try s.execute("RELEASE SAVEPOINT bulk_insert")
            start += chunk.count
        }
    }

    private func statement(_ chunk: ArraySlice<Row>) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: chunk.count * columns.count)
        var values: [String] = []
        values.reserveCapacity(chunk.count)
        var n = 0
        for row in chunk {
            try bind(row, &binds)
            values.append("(" + (1...columns.count).map { "$\(n + $0)" }.joined(separator: ",") + ")")
            n += columns.count
        }
        precondition(binds.count == n, "a row bound \(binds.count) values for \(n) placeholders")
        return PostgresQuery(unsafeSQL: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                             + values.joined(separator: ","), binds: binds)
    }
}
