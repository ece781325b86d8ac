import CrescentCore
import GRDB
import Testing
@testable import CrescentStore

/// `loadColumnar` reads the same population `loadPopulation` does, as columns.
@Suite struct ColumnarLoadTests {
    let asOf = Day("2026-01-01")!

    @Test func aGeneratedStoreLoadsAsTheSameColumns() throws {
        let pop = SyntheticPopulation.generate(members: 1_200, seed: 3, asOf: asOf)
        // In memory (one connection) and a WAL file (members and orders read at once).
        let files = try TestFiles()
        for store in [try CrescentStore(), try CrescentStore(path: files.dir + "/crm.sqlite")] {
            try store.insert(population: pop)
            let columns = try store.loadColumnar()
            #expect(columns == (try ColumnarPopulation(try store.loadPopulation())))
            #expect(columns == (try ColumnarPopulation(pop)))
        }
    }

    /// Order ids that do not follow members, ties on time, and orders of unknown members
    /// (before, between and after the known ones) end up where `Population` puts them.
    @Test func unsortedOrdersAndOrphansArePlacedAsPopulationPlacesThem() throws {
        let members = [4, 9, 12].map { Member(id: Int64($0), joinDate: asOf.adding(days: -400), tags: ["a"], consent: ["sms"]) }
        let t = Timestamp(day: asOf.adding(days: -20)).seconds
        func order(_ id: Int64, _ member: Int64, _ seconds: Int64) -> Order {
            Order(id: id, memberId: member, time: Timestamp(seconds: seconds), amount: Money(minorUnits: id * 100), quantity: 1)
        }
        let orders = [order(1, 12, t), order(2, 4, t + 50), order(3, 4, t), order(4, 1, t), order(5, 9, t),
                      order(6, 10, t), order(7, 4, t), order(8, 99, t), order(9, 12, t - 86_400)]
        for subset in [orders, orders.filter { $0.memberId != 1 && $0.memberId != 10 }, orders.filter { [4, 99].contains($0.memberId) }] {
            let store = try CrescentStore()
            try store.insert(members: members, orders: subset)
            let columns = try store.loadColumnar()
            #expect(columns == (try ColumnarPopulation(try store.loadPopulation())))
        }
        let store = try CrescentStore()
        try store.insert(members: members, orders: orders)
        let c = try store.loadColumnar()
        #expect(c.orderStart == [0, 3, 4, 6])
        #expect(c.orderAmount == [300, 700, 200, 500, 900, 100])
    }

    /// A file store reads orders in two id ranges at once: text order ids (negative stand-ins),
    /// ids far apart, unsorted members and orphans still come out as `Population` has them.
    @Test func orderIdRangesReadOnTwoConnectionsLoseAndRepeatNothing() throws {
        let members = (1...40).map { Member(id: Int64($0 * 3), joinDate: asOf.adding(days: -400)) }
        let t = Timestamp(day: asOf.adding(days: -20)).seconds
        var rng = SeededGenerator(seed: 5)
        var orders: [Order] = []
        for k in 0..<400 {
            let id: Int64 = k % 3 == 0 ? OrderIdentity.standIn(for: "SO-\(k)") : k % 3 == 1 ? Int64(k) : Int64.max - Int64(k)
            orders.append(Order(id: id, memberId: Int64(rng.next() % 130), time: Timestamp(seconds: t - Int64(rng.next() % 9) * 3_600),
                                amount: Money(minorUnits: Int64(k)), quantity: 1))
        }
        for subset in [orders, Array(orders.prefix(1)), []] {
            let store = try CrescentStore(path: try TestFiles().dir + "/crm.sqlite")
            try store.insert(members: members, orders: subset)
            #expect(try store.loadColumnar() == (try ColumnarPopulation(try store.loadPopulation())))
        }
    }

    @Test func anOrderOutsideTheCalendarIsRefusedWithItsId() throws {
        let store = try CrescentStore(path: try TestFiles().dir + "/crm.sqlite")
        try store.insert(members: [Member(id: 1, joinDate: asOf)], orders: [])
        try store.writer.write { db in
            try db.execute(sql: "INSERT INTO orders (id, member_id, time, amount, quantity) VALUES (77, 1, ?, 100, 1)",
                           arguments: [Int64.max / 2])
        }
        #expect(throws: StoredRowError.self) { try store.loadColumnar() }
        do { _ = try store.loadColumnar() } catch let e as StoredRowError { #expect(e.table == "orders" && e.id == "77") }
    }

    @Test func tooManyConsentChannelsAreRefusedNamingTheMember() throws {
        let store = try CrescentStore()
        let members = (1...65).map { Member(id: Int64($0), joinDate: asOf, consent: ["c\($0)"]) }
        try store.insert(members: members, orders: [])
        #expect(throws: ColumnarPopulationError.self) { try store.loadColumnar() }
        do { _ = try store.loadColumnar() } catch let e as ColumnarPopulationError { #expect(e.memberId == 65) }
    }
}
