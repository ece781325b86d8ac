import CrescentCore
import Dispatch
import GRDB

extension CrescentStore {
    /// Loads members and orders as columns (`ColumnarPopulation`), reading only the columns
    /// stats, derived views and segment conditions use, with the SQLite C API: no `Row`, no
    /// records, one String per member for tags and one for consent (interned by the whole text).
    ///
    /// Members come in id order and each member's orders in (time, id) order, exactly as
    /// `loadPopulation()` orders them. Orders of unknown members are left out, as there.
    /// Always reads SQL; `loadColumnarUsingSnapshot()` reads the snapshot file when it is valid.
    /// - throws: `StoredRowError` for an order time outside the calendar,
    ///   `ColumnarPopulationError` past 64 distinct consent channels.
    public func loadColumnar() throws -> ColumnarPopulation {
        try loadColumnarFromSQL().columns
    }

    /// The SQL load and the generation of the state it read (see `registerGenerationMigration`):
    /// the generation is re-armed (`dirty = 0`) before the reads begin, so any later change to
    /// members or orders moves it on and a snapshot of these columns stops matching.
    func loadColumnarFromSQL() throws -> (columns: ColumnarPopulation, generation: StoreGeneration) {
        // A file store reads members and orders at once, on two connections seeing one state.
        guard let pool = writer as? DatabasePool else {
            return try writer.write { db in
                let generation = try Self.armGeneration(db)
                var c = try Self.readMembers(db)
                try Self.readOrders(db, into: &c)
                return (c, generation)
            }
        }
        // Members on one connection; orders in two id ranges on two more (the order rows are
        // most of the work): on two cores each core steps about half of all rows.
        let members = Slot<Result<ColumnarPopulation, any Error>>()
        let orderParts = [Slot<Result<ColumnarOrderRows, any Error>>(), Slot<Result<ColumnarOrderRows, any Error>>()]
        let done = DispatchGroup()
        // Every read starts from the writer's queue, right after the generation is re-armed, so
        // all see that committed state and no later one.
        let generation = try pool.writeWithoutTransaction { db in
            let generation = try Self.armGeneration(db)
            let ranges = try Self.orderIdRanges(db, parts: orderParts.count)
            done.enter()
            pool.asyncConcurrentRead { db in
                members.value = Result { try Self.readMembers(try db.get()) }
                done.leave()
            }
            for (slot, range) in zip(orderParts, ranges) {
                done.enter()
                pool.asyncConcurrentRead { db in
                    slot.value = Result { try ColumnarOrderRows(try db.get(), ids: range) }
                    done.leave()
                }
            }
            return generation
        }
        done.wait()
        var c = try members.value!.get()
        var orders = try orderParts[0].value!.get()
        for part in orderParts.dropFirst() { orders.append(try part.value!.get()) }
        c.placeOrders(orders)
        return (c, generation)
    }

    /// `parts` disjoint ranges of order ids that together cover every Int64, in id order, split
    /// evenly between the smallest and largest id (text order ids map to large stand-ins, so
    /// a skewed table simply gives one reader more rows).
    private static func orderIdRanges(_ db: Database, parts: Int) throws -> [ClosedRange<Int64>] {
        let row = try Row.fetchOne(db, sql: "SELECT min(id), max(id) FROM orders")
        let low: Int64 = row?[0] ?? 0, high: Int64 = row?[1] ?? 0
        guard parts > 1 else { return [Int64.min...Int64.max] }
        // Halved first so that the span of any two Int64s cannot overflow.
        let step = (high / 2 - low / 2) / Int64(parts) * 2 + 1
        return (0..<parts).map { k in
            let from = k == 0 ? Int64.min : low + Int64(k) * step
            let to = k == parts - 1 ? Int64.max : low + Int64(k + 1) * step - 1
            return from...to
        }
    }

    /// Clears `dirty` (committed at once) and returns the generation the next reads see.
    private static func armGeneration(_ db: Database) throws -> StoreGeneration {
        try db.execute(sql: "UPDATE store_meta SET dirty = 0 WHERE id = 1")
        return try generation(db)
    }

    static func generation(_ db: Database) throws -> StoreGeneration {
        guard let row = try Row.fetchOne(db, sql: "SELECT store_id, generation FROM store_meta WHERE id = 1") else {
            throw StoredRowError(table: "store_meta", id: "1", message: "missing; the store was not migrated")
        }
        return StoreGeneration(storeId: row[0], generation: row[1])
    }

    private static func readMembers(_ db: Database) throws -> ColumnarPopulation {
        var c = ColumnarPopulation()
        c.reserve(members: try Int.fetchOne(db, sql: "SELECT count(*) FROM members") ?? 0, orders: 0)
        let m = try RawStatement(db, """
            SELECT id, gender, birthday, city, join_date, tier, points_balance, tags, consent, utc_offset_minutes
            FROM members ORDER BY id
            """)
        // Few distinct tag and consent texts: each is split and interned once.
        var texts = StoredMemberTexts()
        while try m.step(db) {
            let id = m.int(0)
            let tags = texts.tags(m.text(7) ?? "", in: &c)
            let mask = try texts.consent(m.text(8) ?? "", member: id, in: &c)
            c.appendMember(id: id, joinDay: (m.day(4) ?? Day(index: 0)).index,
                           birthDay: m.day(2)?.index ?? ColumnarPopulation.noDay,
                           gender: m.text(1).map { c.genderCode($0) } ?? ColumnarPopulation.noCode,
                           city: m.text(3).map { c.cityCode($0) } ?? ColumnarPopulation.noCode,
                           tier: c.tierCode(m.text(5) ?? "basic"), points: m.int(6),
                           tagCodes: tags, consent: mask, utcOffsetMinutes: Int32(clamping: m.int(9)))
        }
        return c
    }

    private static func readOrders(_ db: Database, into c: inout ColumnarPopulation) throws {
        c.placeOrders(try ColumnarOrderRows(db))
    }
}

extension ColumnarOrderRows {
    /// The orders table's columns in table order (a sequential scan of a range of ids, no index lookups).
    init(_ db: Database, ids range: ClosedRange<Int64> = Int64.min...Int64.max) throws {
        self.init()
        let counting = try RawStatement(db, "SELECT count(*) FROM orders WHERE id BETWEEN ? AND ?")
        counting.bind(1, range.lowerBound); counting.bind(2, range.upperBound)
        var expected = 0
        while try counting.step(db) { expected = Int(counting.int(0)) }
        reserve(expected)
        let o = try RawStatement(db, "SELECT id, member_id, time, amount, quantity FROM orders WHERE id BETWEEN ? AND ? ORDER BY id")
        o.bind(1, range.lowerBound); o.bind(2, range.upperBound)
        while try o.step(db) {
            let time = o.int(2)
            // Written by an older version or by hand: refuse with the row, as `loadPopulation` does.
            guard Timestamp.validSeconds.contains(time) else {
                throw StoredRowError(table: "orders", id: String(o.int(0)),
                                     message: "time \(time) is outside 0001-01-01 ... 9999-12-31; fix or delete the row")
            }
            append(id: o.int(0), member: o.int(1), seconds: time, amount: o.int(3), quantity: o.int(4))
        }
    }
}

/// One result handed back from a worker of `concurrentPerform`.
private final class Slot<T>: @unchecked Sendable {
    var value: T?
}
