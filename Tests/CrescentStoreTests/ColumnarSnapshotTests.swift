import CrescentCore
import Foundation
import GRDB
import Testing
@testable import CrescentStore

/// The columnar snapshot beside a store file: equal to the SQL load, used only for the
/// store's current generation, and rebuilt (never trusted) when stale or damaged.
@Suite struct ColumnarSnapshotTests {
    let asOf = Day("2026-01-01")!

    /// A seeded population plus members whose text fields are odd: empty, non-ASCII, long,
    /// absent; many tags; several consent channels.
    func population() -> Population {
        var pop = SyntheticPopulation.generate(members: 600, seed: 11, asOf: asOf)
        let odd: [Member] = [
            Member(id: 900_001, name: "", gender: nil, birthday: nil, city: "Ürümqi 乌鲁木齐", joinDate: asOf.adding(days: -30),
                   tier: "платина", tags: ["😀", "vip", "a b", String(repeating: "x", count: 300)], consent: ["sms", "wechat", "e-mail"]),
            Member(id: 900_002, gender: "", city: "", joinDate: asOf.adding(days: -3000), tier: "basic",
                   pointsBalance: -5, tags: [], consent: [], utcOffsetMinutes: -600),
            Member(id: 900_003, joinDate: asOf, tags: ["vip"], consent: ["push"], utcOffsetMinutes: 345),
        ]
        let t = Timestamp(day: asOf.adding(days: -10)).seconds
        let orders = [Order(id: 9_000_001, memberId: 900_001, time: Timestamp(seconds: t), amount: Money(minorUnits: 1), quantity: 0),
                      Order(id: 9_000_002, memberId: 900_001, time: Timestamp(seconds: t), amount: Money(minorUnits: 0), quantity: 3)]
        pop = Population(members: pop.members + odd, orders: pop.orders + orders, events: [])
        return pop
    }

    func freshStore() throws -> (CrescentStore, TestFiles) {
        let files = try TestFiles()
        let store = try CrescentStore(path: files.dir + "/crm.sqlite")
        try store.insert(population: population())
        return (store, files)
    }

    @Test func theSnapshotRoundTripsToTheSQLLoad() throws {
        let (store, _) = try freshStore()
        let sql = try store.loadColumnar()
        let first = try store.loadColumnarUsingSnapshot()
        #expect(first.source == .sql(rejected: .missing))
        #expect(first.snapshotWriteFailure == nil)
        #expect(first.columns == sql)
        let second = try store.loadColumnarUsingSnapshot()
        #expect(second.source == .snapshot)
        #expect(second.columns == sql)
        #expect(second.columns == (try ColumnarPopulation(try store.loadPopulation())))
        #expect(second.columns.tags.names.contains("😀") && second.columns.cities.names.contains("Ürümqi 乌鲁木齐"))
    }

    @Test func anEmptyStoreRoundTrips() throws {
        let files = try TestFiles()
        let store = try CrescentStore(path: files.dir + "/empty.sqlite")
        #expect(try store.writeColumnarSnapshot() == nil)
        let load = try store.loadColumnarUsingSnapshot()
        #expect(load.source == .snapshot)
        #expect(load.columns == ColumnarPopulation())
    }

    /// Every write through the store that changes a loaded column makes the snapshot stale;
    /// the next load reads SQL (seeing the change) and writes a snapshot that is valid again.
    @Test func writesThroughTheStoreMakeItStale() throws {
        let (store, _) = try freshStore()
        let t0 = Timestamp(day: asOf.adding(days: -2))
        let writes: [(String, () throws -> Void)] = [
            ("import one order", {
                try store.insert(orders: [Order(id: 9_100_000, memberId: 900_003, time: t0, amount: Money(minorUnits: 4_200), quantity: 1)])
            }),
            ("journal an order", {
                let o = Order(id: 9_100_001, memberId: 900_002, time: t0, amount: Money(minorUnits: 900), quantity: 2)
                _ = try store.journal([[.order(o)]], receivedAt: t0)
            }),
            ("upsert a member", {
                var m = Member(id: 900_003, joinDate: asOf)
                m.city = "Hangzhou"
                _ = try store.journal([[.member(MemberPatch(member: m, fields: ["id", "city"]))]], receivedAt: t0)
            }),
            ("add a member", { try store.insert(members: [Member(id: 900_010, joinDate: asOf, tags: ["new"])]) }),
            ("edit points by hand", {
                try store.writer.write { try $0.execute(sql: "UPDATE members SET points_balance = 77 WHERE id = 900001") }
            }),
            ("delete an order by hand", {
                try store.writer.write { try $0.execute(sql: "DELETE FROM orders WHERE id = 9000002") }
            }),
        ]
        _ = try store.writeColumnarSnapshot()
        for (what, write) in writes {
            #expect(try store.loadColumnarUsingSnapshot().source == .snapshot, "before: \(what)")
            try write()
            let after = try store.loadColumnarUsingSnapshot()
            guard case .sql(rejected: .stale(let snapshot, let current)?) = after.source else {
                Issue.record("\(what): \(after.source)"); continue
            }
            #expect(current > snapshot, "\(what)")
            #expect(after.columns == (try store.loadColumnar()), "\(what)")
            #expect(after.columns == (try ColumnarPopulation(try store.loadPopulation())), "\(what)")
        }
        let last = try store.loadColumnarUsingSnapshot()
        #expect(last.source == .snapshot)
        let i = try #require(last.columns.memberId.firstIndex(of: 900_003))
        #expect(last.columns.cities.name(last.columns.city[i]) == "Hangzhou")
        #expect(last.columns.points[last.columns.memberId.firstIndex(of: 900_001)!] == 77)
    }

    /// Several writes after one snapshot, and a write between two loads that both rebuild.
    @Test func everyWriteAfterASnapshotIsSeenNotOnlyTheFirst() throws {
        let (store, _) = try freshStore()
        _ = try store.writeColumnarSnapshot()
        let t0 = Timestamp(day: asOf.adding(days: -1))
        for k in 0..<3 {
            try store.insert(orders: [Order(id: 9_200_000 + Int64(k), memberId: 900_003, time: t0, amount: Money(minorUnits: 10), quantity: 1)])
        }
        let rebuilt = try store.loadColumnarUsingSnapshot()
        #expect(rebuilt.columns.orderCount == (try store.loadColumnar()).orderCount)
        try store.insert(orders: [Order(id: 9_200_009, memberId: 900_003, time: t0, amount: Money(minorUnits: 10), quantity: 1)])
        let again = try store.loadColumnarUsingSnapshot()
        #expect(again.source != .snapshot)
        #expect(again.columns.orderCount == rebuilt.columns.orderCount + 1)
    }

    @Test func editingAColumnTheLoadDoesNotReadKeepsTheSnapshot() throws {
        let (store, _) = try freshStore()
        _ = try store.writeColumnarSnapshot()
        try store.writer.write { try $0.execute(sql: "UPDATE members SET name = 'Renamed', phone = '1' WHERE id = 900001") }
        #expect(try store.loadColumnarUsingSnapshot().source == .snapshot)
    }

    /// A new store written at the same path (same generation number) never reads the old file.
    @Test func aSnapshotOfAnotherStoreAtThePathIsIgnored() throws {
        let (store, files) = try freshStore()
        _ = try store.writeColumnarSnapshot()
        let saved = try Data(contentsOf: URL(fileURLWithPath: store.columnarSnapshotPath!))
        let other = try CrescentStore(path: files.dir + "/other.sqlite")
        try other.insert(members: [Member(id: 1, joinDate: asOf)])
        _ = try other.writeColumnarSnapshot()
        try saved.write(to: URL(fileURLWithPath: other.columnarSnapshotPath!))
        let load = try other.loadColumnarUsingSnapshot()
        #expect(load.source == .sql(rejected: .otherStore))
        #expect(load.columns.count == 1)
    }

    /// Damage of every kind is noticed, named, rebuilt from SQL, and the rebuilt file is good.
    @Test(arguments: Damage.allCases)
    func aDamagedSnapshotIsRebuiltNeverTrusted(damage: Damage) throws {
        let (store, _) = try freshStore()
        _ = try store.writeColumnarSnapshot()
        let path = store.columnarSnapshotPath!
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        damage.apply(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let load = try store.loadColumnarUsingSnapshot()
        guard case .sql(rejected: let rejection?) = load.source else {
            Issue.record("\(damage): the damaged snapshot was used"); return
        }
        #expect(damage.expected(rejection), "\(damage): \(rejection)")
        #expect(load.columns == (try store.loadColumnar()))
        #expect(try store.loadColumnarUsingSnapshot().source == .snapshot, "\(damage): not rebuilt")
    }

    enum Damage: CaseIterable {
        case empty, cutInHeader, cutInSection, cutLastByte, longer, badMagic, newerVersion, otherByteOrder
        case headerBit, memberIdBit, orderQuantityBit, sectionCountInHeader, stringTableLength

        func apply(_ b: inout [UInt8]) {
            switch self {
            case .empty: b = []
            case .cutInHeader: b = Array(b.prefix(40))
            case .cutInSection: b = Array(b.prefix(b.count / 2))
            case .cutLastByte: b.removeLast()
            case .longer: b += [0, 0, 0, 0, 0, 0, 0, 0]
            case .badMagic: b[0] = UInt8(ascii: "X")
            case .newerVersion: b[8] = 99
            case .otherByteOrder: b.replaceSubrange(12..<16, with: [1, 2, 3, 4])
            case .headerBit: b[50] ^= 0x10   // inside the generation, under the header checksum
            case .memberIdBit: b[ColumnarSnapshot.headerSize + ColumnarSnapshot.sectionHeaderSize + 3] ^= 1
            case .orderQuantityBit: b[b.count - 9] ^= 0x80
            case .sectionCountInHeader: b[56] = 3
            case .stringTableLength:
                // The first section after the member columns is the gender lengths: claim more.
                var at = ColumnarSnapshot.headerSize
                for _ in 0..<11 { at += ColumnarSnapshot.sectionHeaderSize + ColumnarSnapshot.padded(Self.count(b, at) * Self.stride(b, at)) }
                b[at + 8] &+= 1
            }
        }

        static func count(_ b: [UInt8], _ at: Int) -> Int {
            (0..<8).reduce(0) { $0 | Int(b[at + 8 + $1]) << (8 * $1) }
        }

        static func stride(_ b: [UInt8], _ at: Int) -> Int { Int(b[at + 4]) }

        func expected(_ r: ColumnarSnapshotRejection) -> Bool {
            switch (self, r) {
            case (.empty, .truncated), (.cutInHeader, .truncated), (.cutInSection, .truncated), (.cutLastByte, .truncated),
                 (.longer, .damaged), (.badMagic, .badMagic), (.newerVersion, .unsupportedVersion(99)),
                 (.otherByteOrder, .otherByteOrder), (.headerBit, .damaged(section: "header")),
                 (.memberIdBit, .damaged(section: "memberId")), (.orderQuantityBit, .damaged(section: "orderQuantity")),
                 (.sectionCountInHeader, .damaged(section: "header")), (.stringTableLength, .damaged), (.stringTableLength, .truncated):
                return true
            default:
                return false
            }
        }
    }

    @Test func anInMemoryStoreHasNoSnapshot() throws {
        let store = try CrescentStore()
        try store.insert(members: [Member(id: 1, joinDate: asOf)])
        #expect(store.columnarSnapshotPath == nil)
        #expect(try store.loadColumnarUsingSnapshot().source == .sql(rejected: nil))
    }

    @Test func anUnwritableDirectoryLeavesTheLoadCorrectAndSaysWhy() throws {
        let (store, files) = try freshStore()
        // A directory where the snapshot's temporary file should go makes the write fail.
        try FileManager.default.createDirectory(atPath: store.columnarSnapshotPath!, withIntermediateDirectories: true)
        let load = try store.loadColumnarUsingSnapshot()
        #expect(load.snapshotWriteFailure != nil)
        #expect(load.columns == (try store.loadColumnar()))
        _ = files
    }
}
