import GRDB
import GRDBSQLite
import CrescentCore
import CrescentPersistence

/// A thin wrapper over a GRDB statement that binds and reads columns with the SQLite C API.
///
/// Bulk insert and load touch tens of millions of rows; `StatementArguments` and `Row`
/// allocate per row, the C API does not. Use only inside a GRDB `read`/`write` closure.
struct RawStatement {
    let statement: Statement
    var handle: OpaquePointer { statement.sqliteStatement }

    init(_ db: Database, _ sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    @inline(__always) func bind(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(handle, i, v) }
    @inline(__always) func bind(_ i: Int32, _ v: Int) { sqlite3_bind_int64(handle, i, Int64(v)) }
    @inline(__always) func bind(_ i: Int32, _ v: Int64?) {
        if let v { sqlite3_bind_int64(handle, i, v) } else { sqlite3_bind_null(handle, i) }
    }
    @inline(__always) func bind(_ i: Int32, _ v: String?) {
        guard let v else { sqlite3_bind_null(handle, i); return }
        var s = v
        s.withUTF8 { p in
            _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(p.count), rawTransient)
        }
    }

    /// Executes an insert/update once and resets the statement for the next row.
    func run(_ db: Database) throws {
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc),
                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    /// Steps a query; true while a row is available.
    func step(_ db: Database) throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc),
                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return false
    }

    /// Ends a query early (after reading the row `step` returned), so it can be bound again.
    func reset() { sqlite3_reset(handle) }

    /// True when the query returns a row; the statement is reset either way.
    func exists(_ db: Database) throws -> Bool {
        let found = try step(db)
        if found { reset() }
        return found
    }

    @inline(__always) func int(_ c: Int32) -> Int64 { sqlite3_column_int64(handle, c) }
    @inline(__always) func isNull(_ c: Int32) -> Bool { sqlite3_column_type(handle, c) == SQLITE_NULL }
    /// A `YYYY-MM-DD` column read from the bytes, without building a String first.
    @inline(__always) func day(_ c: Int32) -> Day? {
        guard let p = sqlite3_column_text(handle, c), sqlite3_column_bytes(handle, c) == 10,
              p[4] == 45, p[7] == 45 else { return text(c).flatMap { Day($0) } }
        func number(_ from: Int, _ to: Int) -> Int? {
            var n = 0
            for i in from..<to {
                let d = Int(p[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                n = n * 10 + d
            }
            return n
        }
        guard let y = number(0, 4), let mo = number(5, 7), let d = number(8, 10),
              Day.isValid(year: y, month: mo, day: d) else { return nil }
        return Day(year: y, month: mo, day: d)
    }

    @inline(__always) func text(_ c: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, c) else { return nil }
        let n = Int(sqlite3_column_bytes(handle, c))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

/// SQLITE_TRANSIENT: SQLite copies the bound bytes before the call returns.
private let rawTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Text parameters of one prepared statement that stay bound while they do not change.
///
/// Binding text makes SQLite copy it (`SQLITE_TRANSIENT`: an allocation, a copy and a free
/// per value); a batch binds the same run, playbook, campaign and channel for every row. A
/// binding outlives `sqlite3_reset`, so an unchanged value is left as it is. Every text bind of
/// the statement's parameters handed to a `StickyTexts` must go through it.
final class StickyTexts {
    private var last: [String?]
    private var bound: [Bool]

    init(parameters: Int) {
        last = Array(repeating: nil, count: parameters + 1)
        bound = Array(repeating: false, count: parameters + 1)
    }

    @inline(__always) func bind(_ s: RawStatement, _ i: Int32, _ v: String?) {
        let k = Int(i)
        if bound[k], last[k] == v { return }
        s.bind(i, v)
        last[k] = v
        bound[k] = true
    }
}

