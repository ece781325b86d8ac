import CrescentCore
import CrescentPersistence
import PostgresNIO

extension PostgresStore {
    /// Every member and order as columns (what a live node starts from), read in one snapshot
    /// page by page in id order, decoding only the columns the population keeps: no `Member` or
    /// `Order` records, and one page of rows in memory at a time.
    ///
    /// Why not `ColumnarPopulation(loadPopulation())`: at 10M members the records and their rows
    /// would be held at once (tens of GB) only to be thrown away after conversion.
    /// - throws: `StoredRowError` for an order time outside the calendar,
    ///   `ColumnarPopulationError` past 64 distinct consent channels.
    public func loadColumns() throws -> ColumnarPopulation { try loadColumns(pageSize: 100_000) }

    /// - parameter pageSize: rows per query (tests make it small to cross pages).
    func loadColumns(pageSize: Int) throws -> ColumnarPopulation {
        try pool.transaction { s in
            try s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let (members, orders) = try s.query("SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM orders)")[0]
                .decode((Int64, Int64).self)
            var c = ColumnarPopulation()
            c.reserve(members: Int(members), orders: 0)
            var texts = StoredMemberTexts()
            try Self.pages(s, pageSize: pageSize, columns: """
                id, gender, birthday, city, join_date, tier, points_balance, tags, consent, utc_offset_minutes
                """, table: "members") { row in
                let (id, gender, birthday, city, joinDate, tier, points, tags, consent, offset) =
                    try row.decode((Int64, String?, String?, String?, String, String, Int64, String, String, Int64).self)
                let tagCodes = texts.tags(tags, in: &c)
                let mask = try texts.consent(consent, member: id, in: &c)
                c.appendMember(id: id, joinDay: (Day(joinDate) ?? Day(index: 0)).index,
                               birthDay: birthday.flatMap { Day($0) }?.index ?? ColumnarPopulation.noDay,
                               gender: gender.map { c.genderCode($0) } ?? ColumnarPopulation.noCode,
                               city: city.map { c.cityCode($0) } ?? ColumnarPopulation.noCode,
                               tier: c.tierCode(tier), points: points, tagCodes: tagCodes, consent: mask,
                               utcOffsetMinutes: Int32(clamping: offset))
                return id
            }
            var rows = ColumnarOrderRows()
            rows.reserve(Int(orders))
            try Self.pages(s, pageSize: pageSize, columns: "id, member_id, time, amount, quantity", table: "orders") { row in
                let (id, member, time, amount, quantity) = try row.decode((Int64, Int64, Int64, Int64, Int64).self)
                // Written by an older version or by hand: refuse with the row, as `loadPopulation` does.
                guard Timestamp.validSeconds.contains(time) else {
                    throw StoredRowError(table: "orders", id: String(id),
                                         message: "time \(time) is outside 0001-01-01 ... 9999-12-31; fix or delete the row")
                }
                rows.append(id: id, member: member, seconds: time, amount: amount, quantity: quantity)
                return id
            }
            c.placeOrders(rows)
            return c
        }
    }

    /// Every row of `table` in id order, `pageSize` at a time (keyset: after the last id seen);
    /// `each` handles a row and returns its id.
    private static func pages(_ s: PostgresSession, pageSize: Int, columns: String, table: String,
                              _ each: (PostgresRow) throws -> Int64) throws {
        var last: Int64?
        while true {
            let rows = try last.map {
                try s.query("SELECT \(unescaped: columns) FROM \(unescaped: table) WHERE id > \($0) ORDER BY id LIMIT \(pageSize)")
            } ?? s.query("SELECT \(unescaped: columns) FROM \(unescaped: table) ORDER BY id LIMIT \(pageSize)")
            for row in rows { last = try each(row) }
            if rows.count < pageSize { return }
        }
    }
}
