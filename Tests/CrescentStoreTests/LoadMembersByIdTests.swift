import CrescentCore
import CrescentPersistence
import Foundation
import Testing
@testable import CrescentStore

/// `loadPopulation(memberIds:)` reads a large share of the store in one pass per table and a
/// small one by lookups: both give the same records, in the same order.
@Suite struct LoadMembersByIdTests {
    let files: TestFiles
    init() throws { files = try TestFiles() }

    @Test func aLargeShareReadInOnePassEqualsTheSameMembersLookedUp() throws {
        let store = try CrescentStore(path: files.dir + "/s.sqlite")
        let population = SyntheticPopulation.generate(members: 400, seed: 8, asOf: Day(year: 2026, month: 1, day: 1))
        try store.insert(population: population)
        // Events with equal times, so their order within a member is decided by id.
        let someone = population.members[6].id, at = Timestamp(day: Day(year: 2025, month: 6, day: 1), hour: 9)
        try store.insert(events: ["b-2", "a-1", "c-3"].map { BehaviorEvent(id: $0, memberId: someone, kind: "app_open", time: at) })
        let all = try store.loadPopulation().members.map(\.id)
        let wanted = all.enumerated().filter { $0.offset % 3 != 1 }.map(\.element)
        #expect(wanted.count >= all.count / CrescentStore.denseShare)
        let dense = try store.loadPopulation(memberIds: wanted)
        // The same members a few at a time (under the dense share): lookups.
        var looked = Population(members: [], orders: [], events: [])
        var lots: [PointsExpiry] = []
        for start in stride(from: 0, to: wanted.count, by: 40) {
            let part = try store.loadPopulation(memberIds: Array(wanted[start..<min(wanted.count, start + 40)]))
            looked = Population(members: looked.members + part.members, orders: looked.orders + part.orders,
                                events: looked.events + part.events)
            lots += part.pointsExpiries
        }
        #expect(dense.members == looked.members)
        #expect(dense.orders == looked.orders)
        #expect(dense.events == looked.events)
        #expect(dense.events.filter { $0.memberId == someone && $0.time == at }.map(\.id) == ["a-1", "b-2", "c-3"])
        #expect(Set(dense.pointsExpiries.map(\.member)) == Set(lots.map(\.member)))
        #expect(dense.pointsExpiries.count == lots.count)
        #expect(dense.orders.contains { !$0.items.isEmpty })
        #expect(throws: StoredRowError.self) { try store.loadPopulation(memberIds: wanted + [9_999_999]) }
    }
}

/// Lookups split over several connections, and items read by one range scan per member when
/// the member's order ids lie close together (interleaved with another member's here), give
/// the records of the whole load.
@Suite struct LoadMembersInPartsTests {
    let files: TestFiles
    init() throws { files = try TestFiles() }

    @Test func partsAndItemRangesGiveTheWholeLoadsRecords() throws {
        let store = try CrescentStore(path: files.dir + "/p.sqlite")
        let generated = SyntheticPopulation.generate(members: 300, seed: 11, asOf: Day(year: 2026, month: 1, day: 1))
        // Members in pairs whose orders take alternating ids (a range scan of one passes over the
        // other's), every third pair's orders spread far apart (lookups per order).
        var orders: [Order] = []
        var nextId: Int64 = 1
        let members = generated.members
        for pair in stride(from: 0, to: members.count, by: 2) {
            let a = generated.orders(ofMemberAt: pair)
            let b = pair + 1 < members.count ? generated.orders(ofMemberAt: pair + 1) : []
            let spread: Int64 = (pair / 2) % 3 == 0 ? 1_000 : 1
            for k in 0..<max(a.count, b.count) {
                for o in [k < a.count ? a[a.startIndex + k] : nil, k < b.count ? b[b.startIndex + k] : nil].compactMap({ $0 }) {
                    var o = o
                    o.id = nextId
                    nextId += spread
                    orders.append(o)
                }
            }
        }
        try store.insert(population: Population(members: members, orders: orders))
        let whole = try store.loadPopulation()
        #expect(whole.orders.contains { !$0.items.isEmpty })
        // Under the dense share (a quarter of the store), so every member is looked up.
        let wanted = members.indices.filter { $0 % 10 == 0 || $0 % 10 == 1 }.map { members[$0].id }
        #expect(wanted.count < members.count / CrescentStore.denseShare)
        let expected = Population(members: whole.members.filter { wanted.contains($0.id) },
                                  orders: whole.orders.filter { wanted.contains($0.memberId) })
        for parts in [1, 3] {
            let read = try store.loadPopulation(memberIds: wanted, parts: parts)
            #expect(read.members == expected.members, "parts \(parts)")
            #expect(read.orders == expected.orders, "parts \(parts)")
            #expect(read.orders.reduce(0) { $0 + $1.items.count } == expected.orders.reduce(0) { $0 + $1.items.count })
        }
        #expect(throws: StoredRowError.self) { try store.loadPopulation(memberIds: wanted + [9_999_999], parts: 3) }
    }
}
