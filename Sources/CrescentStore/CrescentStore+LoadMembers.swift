import CrescentCore
import CrescentPersistence
import Dispatch
import Foundation
import GRDB

extension CrescentStore {
    /// The members with `ids` (ascending, as `loadColumnar` orders them) with their orders,
    /// items, events and points lots, as `loadPopulation` would give them, and nobody else.
    ///
    /// Why: a dry-run over millions of members picks its audience from columns first and needs
    /// whole records only for those members. Every read is an index lookup per member, so the
    /// cost follows the audience, not the store; from a quarter of the store on (`denseShare`),
    /// one pass per table in member order is cheaper and is taken. Lookups of many members are
    /// split into contiguous parts read at once on several connections of one snapshot
    /// (`lookupParts`), and the parts joined in id order: the same records as one reader's.
    /// - parameter expectedOrders: how many orders they are expected to have (the columns'
    ///   count): reserved up front, since growing an array of millions of orders by doubling
    ///   copies it and faults its pages in again each time (a third of the read at 1M).
    /// - parameter parts: how many connections look members up (nil: `lookupParts`); tests set it.
    /// - throws: `StoredRowError` naming the first id with no member row.
    public func loadPopulation(memberIds ids: [Int64], expectedOrders: Int = 0, parts: Int? = nil) throws -> Population {
        let wanted = Set(ids)
        let stored = try writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM members") ?? 0 }
        guard ids.count < stored / Self.denseShare else {
            return try writer.read { db in
                var population = try self.readInOnePass(db, ids, wanted: wanted, expectedOrders: expectedOrders)
                population.pointsExpiries = try loadPointsExpiries(db, of: wanted)
                return population
            }
        }
        let parts = min(ids.count, parts ?? Self.lookupParts(members: ids.count))
        let looked: [LookedUp], lots: [PointsExpiry]
        if parts > 1, let pool = writer as? DatabasePool {
            (looked, lots) = try lookUpAtOnce(pool, ids, parts: parts, wanted: wanted, expectedOrders: expectedOrders)
        } else {
            (looked, lots) = try writer.read { db in
                ([try Self.lookUp(db, ids[...], expectedOrders: expectedOrders)], try loadPointsExpiries(db, of: wanted))
            }
        }
        var population = Population(members: PartBuffer.joined(looked.map(\.members)),
                                    orders: PartBuffer.joined(looked.map(\.orders)),
                                    events: PartBuffer.joined(looked.map(\.events)))
        population.pointsExpiries = lots
        return population
    }

    /// Contiguous slices of `ids`, each looked up on its own connection, and the points ledger on
    /// one more, all from the state the writer's queue sees at this moment (GRDB's concurrent reads).
    private func lookUpAtOnce(_ pool: DatabasePool, _ ids: [Int64], parts: Int, wanted: Set<Int64>,
                              expectedOrders: Int) throws -> ([LookedUp], [PointsExpiry]) {
        let bounds = (0...parts).map { ids.count * $0 / parts }
        let slices = (0..<parts).map { ids[bounds[$0]..<bounds[$0 + 1]] }
        let results = slices.map { _ in ReadSlot<Result<LookedUp, any Error>>() }
        let lots = ReadSlot<Result<[PointsExpiry], any Error>>()
        let done = DispatchGroup()
        pool.writeWithoutTransaction { _ in
            for (slice, slot) in zip(slices, results) {
                done.enter()
                let share = expectedOrders * slice.count / max(1, ids.count)
                pool.asyncConcurrentRead { db in
                    slot.value = Result { try Self.lookUp(try db.get(), slice, expectedOrders: share) }
                    done.leave()
                }
            }
            done.enter()
            pool.asyncConcurrentRead { db in
                lots.value = Result { try self.loadPointsExpiries(try db.get(), of: wanted) }
                done.leave()
            }
        }
        done.wait()
        return (try results.map { try $0.value!.get() }, try lots.value!.get())
    }

    /// From one member in this many on, `loadPopulation(memberIds:)` reads whole tables in
    /// member order instead of looking each member up.
    static let denseShare = 4

    /// How many connections look `members` up at once: one per core from 20,000 members on
    /// (below that a second connection costs more than it saves), at most 4.
    static func lookupParts(members: Int) -> Int {
        members < 20_000 ? 1 : min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// A large share of the store: one pass over each table in member order, keeping the wanted
    /// members' rows, costs less than a lookup per member.
    private func readInOnePass(_ db: Database, _ ids: [Int64], wanted: Set<Int64>,
                                      expectedOrders: Int) throws -> Population {
        var shared = SharedMemberFields()
        var members: [Member] = []
        members.reserveCapacity(ids.count)
        let m = try RawStatement(db, "SELECT \(CrescentStore.memberColumns) FROM members ORDER BY id")
        while try m.step(db) {
            if wanted.contains(m.int(0)) { members.append(CrescentStore.member(at: m, sharing: &shared)) }
        }
        // `ids` ascend, as the scan does: the same members in the same order, unless one is gone.
        if members.count != ids.count {
            let found = Set(members.map(\.id))
            throw Self.missingMember(ids.first { !found.contains($0) } ?? ids[0])
        }
        let hasEvents = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events)") ?? false
        // Grouped by member (and each member's sorted) by `Population`, as the whole load is.
        return Population(members: members, orders: try loadOrders(db, of: wanted, reserving: expectedOrders),
                          events: hasEvents ? try loadEvents(db, of: wanted) : [])
    }

    /// One slice of members' records, read by lookups.
    private struct LookedUp: Sendable {
        var members: PartBuffer<Member>, orders: PartBuffer<Order>, events = PartBuffer<BehaviorEvent>(capacity: 0)
    }

    /// The members of `ids` (ascending) with their orders (each member's by time, then id),
    /// items and events, one index lookup per member.
    private static func lookUp(_ db: Database, _ ids: ArraySlice<Int64>, expectedOrders: Int) throws -> LookedUp {
        let hasItems = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM order_items)") ?? false
        let hasEvents = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events)") ?? false
        let m = try RawStatement(db, "SELECT \(CrescentStore.memberColumns) FROM members WHERE id = ?")
        let o = try RawStatement(db, "SELECT \(CrescentStore.orderColumns) FROM orders WHERE member_id = ? ORDER BY time, id")
        let e = try RawStatement(db, """
            SELECT id, member_id, kind, time, attributes FROM events
            WHERE member_id = ? AND time BETWEEN ? AND ? ORDER BY time, id
            """)
        var items = try MemberItemsReader(db)
        var shared = SharedMemberFields()
        let out = LookedUp(members: PartBuffer(capacity: ids.count), orders: PartBuffer(capacity: expectedOrders))
        for id in ids {
            m.bind(1, id)
            guard try m.step(db) else { throw missingMember(id) }
            out.members.append(CrescentStore.member(at: m, sharing: &shared))
            while try m.step(db) {}
            o.bind(1, id)
            let first = out.orders.count
            while try o.step(db) { out.orders.append(try CrescentStore.order(at: o)) }
            if hasItems { try out.orders.withTail(from: first) { try items.fill(db, &$0) } }
            if hasEvents {
                e.bind(1, id); e.bind(2, Timestamp.validSeconds.lowerBound); e.bind(3, Timestamp.validSeconds.upperBound)
                while try e.step(db) { out.events.append(CrescentStore.event(at: e)) }
            }
        }
        return out
    }

    private static func missingMember(_ id: Int64) -> StoredRowError {
        StoredRowError(table: "members", id: String(id), message: "no such member (the store changed while it was read?)")
    }
}

/// One member's order items, read by one range scan of `order_items` when the member's order
/// ids lie close together (a store written member by member: a seek, then the rows in key
/// order), else one lookup per order (ids spread out, e.g. orders imported in time order).
private struct MemberItemsReader {
    private let byOrder: RawStatement
    private let byRange: RawStatement
    /// Scratch: the member's orders as (id, position), sorted by id.
    private var sortedIds: [(id: Int64, at: Int)] = []

    init(_ db: Database) throws {
        byOrder = try RawStatement(db, "SELECT sku, category, quantity, amount FROM order_items WHERE order_id = ? ORDER BY line")
        byRange = try RawStatement(db, """
            SELECT order_id, sku, category, quantity, amount FROM order_items
            WHERE order_id BETWEEN ? AND ? ORDER BY order_id, line
            """)
    }

    /// Appends their items to `orders` (one member's, without items yet).
    mutating func fill(_ db: Database, _ orders: inout UnsafeMutableBufferPointer<Order>) throws {
        guard !orders.isEmpty else { return }
        var low = Int64.max, high = Int64.min
        for order in orders { low = min(low, order.id); high = max(high, order.id) }
        // A span a few times the count: the rows of other members' orders scanned past stay few.
        let span = high.subtractingReportingOverflow(low)
        guard orders.count > 1, !span.overflow, span.partialValue < Int64(orders.count) * 4 else {
            for k in orders.indices {
                byOrder.bind(1, orders[k].id)
                while try byOrder.step(db) { orders[k].items.append(CrescentStore.item(at: byOrder, from: 0)) }
            }
            return
        }
        sortedIds.removeAll(keepingCapacity: true)
        for k in orders.indices { sortedIds.append((orders[k].id, k)) }
        sortedIds.sort { $0.id < $1.id }
        byRange.bind(1, low); byRange.bind(2, high)
        var next = 0
        // Merge: both sides ascend by order id; rows of orders not the member's are passed over.
        while try byRange.step(db) {
            let id = byRange.int(0)
            while next < sortedIds.count && sortedIds[next].id < id { next += 1 }
            guard next < sortedIds.count, sortedIds[next].id == id else { continue }
            orders[sortedIds[next].at].items.append(CrescentStore.item(at: byRange, from: 1))
        }
    }
}

/// One result handed back from a concurrent read.
private final class ReadSlot<T>: @unchecked Sendable {
    var value: T?
}
