import CrescentCore
import CrescentEngine
import CrescentLua

/// The live engine's members, as columns, updated by every event, with each member's derived
/// metrics kept up to date as orders arrive.
///
/// Why columns: at ten million members, `Member` and `Order` values for everyone took 18 GB;
/// the columns (`ColumnarPopulation`, loaded from the store's snapshot) and the metrics kept
/// as columns (`DerivedColumns`) take a tenth of that. Whole records (names, contact details,
/// attributes, order items) are read from ``MemberRecordSource`` only for the members a batch,
/// a chunk of a run or a due step touches, and their views are built only for them.
///
/// Members who sign up after start are appended to the columns; an upsert replaces the
/// member's fields in place. Orders that arrive after start are kept per member in an overlay
/// (`applied`), so a member's history is their slice of the loaded order columns plus their
/// overlay: the columns are never rebuilt. Each member's metrics are derived once at start
/// and then again only for the member an order is about (a fold over their own history); the
/// whole population is folded again only when the day changes (recency moves for everyone).
/// RFM scores need the population's scale, which ``refreshReference(asOf:now:)`` rebuilds from
/// the kept metrics when the day changes or an hour has passed. Confined to the engine thread.
final class LiveMembers {
    /// Rows `0..<sortedRows` ascend by id (the store's load) and are found by binary search;
    /// later rows (signups) through `laterRows`.
    private var columns: ColumnarPopulation
    private var sortedRows: Int
    private var laterRows: [Int64: Int] = [:]
    /// Row `i`'s metrics as of `referenceAsOf`; the score columns are not kept (`reference`
    /// scores a member when they are read).
    private var metrics: DerivedColumns
    /// Members applied since start (upserts, signups, read-backs), whole, by row.
    private var changed: [Int: Member] = [:]
    /// Orders applied since start, by row, sorted by time then id, with items.
    private var applied: [Int: [Order]] = [:]
    /// Of `applied`, orders the loaded columns already counted (a replay after a restart).
    private var inColumns: Set<Int64> = []
    /// Rows whose history a read-back replaced: their loaded order slice no longer counts.
    private var replaced: Set<Int> = []
    /// Orders of `payment` events still pending at start: the loaded columns hold them, so
    /// their replay must not count them again.
    private var pendingAtStart: Set<Int64>
    private let records: any MemberRecordSource
    /// Stored records read lately, by row, so a member who comes back is not read again: what
    /// changes a member's rows reaches this engine as an event and is applied over them
    /// (`changed`, `applied`); another node's writes come through `refresh(from:)`, which
    /// replaces the row's history. Bounded: emptied when full.
    private var readLately: [Int: (member: Member?, orders: [Order])] = [:]
    static let readLatelyLimit = 50_000
    /// Members whose stored records were read so far (a preview or a batch reads only the
    /// members it needs: the tests count them).
    private(set) var recordsRead = 0
    private(set) var reference: QuintileReference
    /// The day the metrics are as of and the time the scale was built: the quintile cuts drift
    /// slowly, so they are rebuilt hourly, not per order.
    private var referenceAsOf: Day
    private var referenceBuiltAt: Timestamp
    static let referenceMaxAge: Int64 = 3_600
    /// Bumped on every change, so cached previews know they are stale.
    private(set) var version = 0

    /// - parameter pendingOrders: ids of the orders whose `payment` events were pending when
    ///   `columns` were loaded (they are in the columns and will be replayed).
    init(columns: ColumnarPopulation, records: any MemberRecordSource, pendingOrders: Set<Int64> = [],
         asOf: Day, now: Timestamp) {
        self.columns = columns
        self.records = records
        pendingAtStart = pendingOrders
        let start = Self.start(columns, asOf: asOf)
        (sortedRows, laterRows, metrics, reference) = (start.sortedRows, start.laterRows, start.metrics, start.reference)
        referenceAsOf = asOf
        referenceBuiltAt = now
    }

    /// Starts over from `columns`, a fresh load of the store, as a restart would: what was
    /// applied since start is in them, and nothing applied or read before is kept. A node on a
    /// shared store does this after another writer's bulk import, instead of taking every
    /// member's records into `changed` and `applied` through ``refresh(from:)`` for good.
    /// - parameter pendingOrders: as for `init`.
    func restart(columns: ColumnarPopulation, pendingOrders: Set<Int64>, asOf: Day, now: Timestamp) {
        let start = Self.start(columns, asOf: asOf)
        self.columns = columns
        (sortedRows, laterRows, metrics, reference) = (start.sortedRows, start.laterRows, start.metrics, start.reference)
        changed = [:]; applied = [:]; inColumns = []; replaced = []; readLately = [:]
        pendingAtStart = pendingOrders
        referenceAsOf = asOf
        referenceBuiltAt = now
        version += 1
    }

    /// Members and orders held as records: those applied or read back since start (tests).
    var heldRecords: (members: Int, orderHistories: Int) { (changed.count, applied.count) }

    /// A load's row lookup (rows `0..<sortedRows` ascend by id), every member's metrics and the scale.
    private static func start(_ columns: ColumnarPopulation, asOf: Day)
        -> (sortedRows: Int, laterRows: [Int64: Int], metrics: DerivedColumns, reference: QuintileReference) {
        let ids = columns.memberId
        let sortedRows = ids.indices.dropFirst().first { ids[$0 - 1] >= ids[$0] } ?? ids.count
        var laterRows: [Int64: Int] = [:]
        for i in sortedRows..<ids.count { laterRows[ids[i]] = i }
        let metrics = DerivedColumns.compute(columns, asOf: asOf)
        return (sortedRows, laterRows, metrics, QuintileReference(metrics))
    }

    /// Members and orders held as records (tests, callers without a store): their columns are
    /// made from them and they are the records scripts see.
    /// - throws: `ColumnarPopulationError` past 64 distinct consent channels.
    convenience init(population: Population, asOf: Day, now: Timestamp) throws {
        self.init(columns: try ColumnarPopulation(population), records: HeldMemberRecords(population: population),
                  asOf: asOf, now: now)
    }

    var count: Int { columns.count }
    /// Every member's id, in row order.
    var ids: [Int64] { columns.memberId }
    func contains(_ id: Int64) -> Bool { row(of: id) != nil }

    private func row(of id: Int64) -> Int? {
        let i = columns.memberId.withUnsafeBufferPointer { ids in
            var lo = 0, hi = sortedRows
            while lo < hi {
                let mid = (lo + hi) / 2
                if ids[mid] < id { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        if i < sortedRows && columns.memberId[i] == id { return i }
        return laterRows[id]
    }

    /// Inserts or replaces a member; true when the member is new (a `signup`).
    /// - throws: `ColumnarPopulationError` when the member's consent is a 65th distinct channel.
    @discardableResult
    func upsert(_ member: Member) throws -> Bool {
        var consent: UInt64 = 0
        for c in member.consent {
            guard let bit = columns.channelBit(c) else {
                throw ColumnarPopulationError(memberId: member.id, message:
                    "consent channel \"\(c)\" is past the \(ColumnarPopulation.maxChannels) distinct channels the live engine holds")
            }
            consent |= bit
        }
        version += 1
        let tags = member.tags.map { columns.tagCode($0) }
        let gender = member.gender.map { columns.genderCode($0) } ?? ColumnarPopulation.noCode
        let city = member.city.map { columns.cityCode($0) } ?? ColumnarPopulation.noCode
        let tier = columns.tierCode(member.tier)
        let birthDay = member.birthday?.index ?? ColumnarPopulation.noDay
        let offset = Int32(clamping: member.utcOffsetMinutes)
        if let i = row(of: member.id) {
            columns.setMember(at: i, joinDay: member.joinDate.index, birthDay: birthDay, gender: gender, city: city,
                              tier: tier, points: member.pointsBalance, tagCodes: tags, consent: consent, utcOffsetMinutes: offset)
            changed[i] = member
            return false
        }
        columns.appendMember(id: member.id, joinDay: member.joinDate.index, birthDay: birthDay, gender: gender, city: city,
                             tier: tier, points: member.pointsBalance, tagCodes: tags, consent: consent, utcOffsetMinutes: offset)
        let i = columns.count - 1
        laterRows[member.id] = i
        changed[i] = member
        metrics.append(DerivedViews.metrics(of: [], asOf: referenceAsOf))
        return true
    }

    /// Adds an order to its member's history and re-derives that member; false when the member
    /// is unknown. An order already there (a replay after a restart loaded it from the store)
    /// is not added twice.
    @discardableResult
    func add(_ order: Order) -> Bool {
        guard let i = row(of: order.memberId) else { return false }
        var history = applied[i] ?? []
        if history.contains(where: { $0.id == order.id }) { return true }
        version += 1
        let at = history.lastIndex { ($0.time, $0.id) < (order.time, order.id) }.map { $0 + 1 } ?? 0
        history.insert(order, at: at)
        applied[i] = history
        if pendingAtStart.remove(order.id) != nil && !replaced.contains(i) {
            inColumns.insert(order.id)
            return true
        }
        refold(i)
        return true
    }

    /// Replaces members and their order histories with `stored`, the store's current rows for
    /// them (``DataStore/loadMembers(ids:)``): another node may have accepted their signup, an
    /// upsert or an order. Members `stored` does not hold are left as they are.
    /// - throws: what ``upsert(_:)`` throws.
    func refresh(from stored: Population) throws {
        guard !stored.members.isEmpty else { return }
        version += 1
        for (k, member) in stored.members.enumerated() {
            try upsert(member)
            let i = row(of: member.id)!
            for o in applied[i] ?? [] { inColumns.remove(o.id) }
            replaced.insert(i)
            applied[i] = Array(stored.orders(ofMemberAt: k))
            refold(i)
        }
    }

    /// One member as scripts see them on `asOf`, with the context pieces the issuer needs.
    func single(_ id: Int64, asOf: Day) throws -> (population: Population, derived: DerivedViews, views: [MemberView])? {
        let some = try subset([id], asOf: asOf)
        return some.views.isEmpty ? nil : some
    }

    /// Some members as scripts see them on `asOf` (unknown ids are left out), RFM scored
    /// against the population's scale: the context of a batch of events or of due steps.
    /// Their metrics are the kept ones (folded afresh only for another day than the kept one);
    /// their records are read for them alone.
    func subset(_ ids: [Int64], asOf: Day) throws -> (population: Population, derived: DerivedViews, views: [MemberView]) {
        let rows = ids.compactMap { row(of: $0) }
        let whole = try wholeRecords(rows)
        let population = Population(members: whole.map(\.member), orders: whole.flatMap(\.orders))
        let scored = rows.map { scoredMetrics($0, asOf: asOf) }
        let views = zip(whole, scored).map { w, mm in MemberViews.view(w.member, mm, orders: w.orders[...], asOf: asOf) }
        return (population, DerivedViews(asOf: asOf, metrics: scored), views)
    }

    /// Those of `ids` whose view on `asOf` passes `keep`, a chunk of views at a time (none is kept).
    /// - parameter readingPurchases: `keep` reads what members bought, so their records are
    ///   read; otherwise the views come from the columns alone (no order items, no name or
    ///   contact details): a date scene over millions of members reads no record.
    func filter(_ ids: [Int64], asOf: Day, readingPurchases: Bool = true, _ keep: (MemberView) -> Bool) throws -> [Int64] {
        guard readingPurchases else {
            return ids.filter { id in
                guard let i = row(of: id) else { return false }
                return keep(MemberViews.view(changed[i] ?? columnMember(i), scoredMetrics(i, asOf: asOf), orders: [], asOf: asOf))
            }
        }
        var kept: [Int64] = []
        for start in stride(from: 0, to: ids.count, by: Self.recordChunk) {
            let views = try subset(Array(ids[start..<min(ids.count, start + Self.recordChunk)]), asOf: asOf).views
            kept += views.filter(keep).map(\.member.id)
        }
        return kept
    }

    /// Members whose records are read at once by ``filter(_:asOf:_:)`` and ``snapshot()``.
    static let recordChunk = 2_000

    /// Every member's declarative segment fields straight from the columns and the kept
    /// metrics, scored on the current scale: the native audience filters of scheduled runs,
    /// date scenes and previews. Nil for another day than the kept one.
    func segmentColumns(asOf: Day) -> SegmentColumns? {
        guard asOf == referenceAsOf else { return nil }
        // Copies of the columns (shared storage, not copied bytes): numbers are computed later, off the engine thread.
        let reference = self.reference
        return SegmentColumns(columns, metrics, scale: { reference })
    }

    /// The live columns and kept metrics as a preview takes them (shared storage, not copied
    /// bytes), made into `SegmentColumns` off the engine thread.
    struct PreviewColumns: Sendable {
        let columns: ColumnarPopulation
        let metrics: DerivedColumns
        /// Scored on a scale sorted afresh from these metrics, as a full derive would score them
        /// (only when a segment reads `rfm`).
        func make() -> SegmentColumns {
            let metrics = self.metrics
            return SegmentColumns(columns, metrics, scale: { QuintileReference(metrics) })
        }
    }

    /// Nil for another day than the kept one.
    func previewColumns(asOf: Day) -> PreviewColumns? {
        asOf == referenceAsOf ? PreviewColumns(columns: columns, metrics: metrics) : nil
    }

    /// Rebuilds the RFM scale from the kept metrics now (a scheduled run scores its audience on
    /// the population's own quintiles, as fresh as they get).
    func rebuildScale(now: Timestamp) {
        reference = QuintileReference(metrics)
        referenceBuiltAt = now
    }

    /// Everyone's records, for segment previews a script needs Lua for (a `where`, a tier
    /// ladder); native previews read ``segmentColumns(asOf:)``.
    func snapshot() throws -> Population {
        var members: [Member] = [], orders: [Order] = []
        for start in stride(from: 0, to: count, by: Self.recordChunk) {
            for w in try wholeRecords(Array(start..<min(count, start + Self.recordChunk))) {
                members.append(w.member)
                orders += w.orders
            }
        }
        return Population(members: members, orders: orders)
    }

    /// Rebuilds the RFM scale when the day changed (recency moves with it: every member is
    /// folded again) or it is an hour old (the kept metrics are current: only the sort).
    func refreshReference(asOf: Day, now: Timestamp) {
        if asOf != referenceAsOf {
            metrics = DerivedColumns.compute(columns, asOf: asOf)
            referenceAsOf = asOf
            // The loaded columns do not hold what arrived since start: those members again.
            for i in Set(applied.keys).union(replaced) { refold(i) }
        } else if now.seconds - referenceBuiltAt.seconds < Self.referenceMaxAge {
            return
        }
        rebuildScale(now: now)
    }

    /// Member `i`'s metrics on `asOf` (the kept ones, folded afresh for another day), scored on the scale.
    private func scoredMetrics(_ i: Int, asOf: Day) -> MemberMetrics {
        var mm = asOf == referenceAsOf ? metrics.metrics(at: i) : DerivedViews.metrics(of: history(i)[...], asOf: asOf)
        (mm.r, mm.f, mm.m) = reference.scores(mm)
        return mm
    }

    /// Re-derives member `i` from their history on the kept day.
    private func refold(_ i: Int) {
        metrics.set(DerivedViews.metrics(of: history(i)[...], asOf: referenceAsOf), at: i)
    }

    /// Member `i`'s orders as the metrics count them, in time order: their loaded slice (time,
    /// amount and units are all a fold reads) and what arrived since.
    private func history(_ i: Int) -> [Order] {
        var out: [Order] = []
        if !replaced.contains(i) {
            let id = columns.memberId[i]
            for k in columns.orderStart[i]..<columns.orderStart[i + 1] {
                out.append(Order(id: 0, memberId: id, time: Timestamp(seconds: columns.orderSeconds[k]),
                                 amount: Money(minorUnits: columns.orderAmount[k]), quantity: Int(columns.orderQuantity[k])))
            }
        }
        guard let later = applied[i] else { return out }
        out += later.filter { !inColumns.contains($0.id) }
        out.sort { $0.time < $1.time }
        return out
    }

    /// Rows' whole records: the member as the engine last applied them (else as stored), and
    /// their stored orders with those applied since start.
    private func wholeRecords(_ rows: [Int]) throws -> [(member: Member, orders: [Order])] {
        let unread = Set(rows.filter { !replaced.contains($0) && readLately[$0] == nil }).sorted()
        if !unread.isEmpty {
            let stored = try records.records(ids: unread.map { columns.memberId[$0] })
            recordsRead += unread.count
            if readLately.count + unread.count > Self.readLatelyLimit { readLately.removeAll(keepingCapacity: true) }
            for i in unread {
                let k = stored.index(ofMember: columns.memberId[i])
                readLately[i] = (k.map { stored.members[$0] }, k.map { Array(stored.orders(ofMemberAt: $0)) } ?? [])
            }
        }
        return rows.map { i in
            let stored = replaced.contains(i) ? nil : readLately[i]
            let member = changed[i] ?? stored?.member ?? columnMember(i)
            var orders = stored?.orders ?? []
            if let later = applied[i] {
                let known = Set(orders.map(\.id))
                orders += later.filter { !known.contains($0.id) }
                orders.sort { ($0.time, $0.id) < ($1.time, $1.id) }
            }
            return (member, orders)
        }
    }

    /// Member `i` from the columns alone (no name, contact details or attributes), for a row
    /// the records no longer hold (deleted from the store behind the engine's back).
    private func columnMember(_ i: Int) -> Member {
        let c = columns
        func text(_ code: Int32, _ table: StringCodes) -> String? { code == ColumnarPopulation.noCode ? nil : table.name(code) }
        return Member(id: c.memberId[i], gender: text(c.gender[i], c.genders),
                      birthday: c.birthDay[i] == ColumnarPopulation.noDay ? nil : Day(index: c.birthDay[i]),
                      city: text(c.city[i], c.cities), joinDate: Day(index: c.joinDay[i]), tier: c.tiers.name(c.tier[i]),
                      pointsBalance: c.points[i], tags: c.tagCodes(ofMemberAt: i).map { c.tags.name($0) },
                      consent: Set(c.consentNames(ofMemberAt: i)), utcOffsetMinutes: Int(c.utcOffsetMinutes[i]))
    }
}

extension DerivedColumns {
    /// Sets row `i` to a member's metrics (scores are not kept: the live scale scores them).
    mutating func set(_ mm: MemberMetrics, at i: Int) {
        lifecycle[i] = mm.lifecycle.ordinal
        recencyDays[i] = mm.recencyDays.map { Int32(clamping: $0) } ?? Self.noRecency
        frequency[i] = Int32(clamping: mm.frequency)
        monetary[i] = mm.monetary.minorUnits
        orderCount[i] = Int32(clamping: mm.orderCount)
        totalSpend[i] = mm.totalSpend.minorUnits
        aov[i] = mm.aov.minorUnits
        units[i] = Int32(clamping: mm.units)
        firstOrderDay[i] = mm.firstOrder?.index ?? ColumnarPopulation.noDay
        lastOrderDay[i] = mm.lastOrder?.index ?? ColumnarPopulation.noDay
    }

    /// Adds a row for a member who arrived after the columns were derived.
    mutating func append(_ mm: MemberMetrics) {
        recencyDays.append(Self.noRecency); frequency.append(0); monetary.append(0)
        r.append(0); f.append(0); m.append(0); lifecycle.append(0)
        orderCount.append(0); totalSpend.append(0); aov.append(0); units.append(0)
        firstOrderDay.append(ColumnarPopulation.noDay); lastOrderDay.append(ColumnarPopulation.noDay)
        set(mm, at: count - 1)
    }
}
