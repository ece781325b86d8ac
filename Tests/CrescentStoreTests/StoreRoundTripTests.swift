import CrescentCore
import CrescentTestSupport
import Testing
@testable import CrescentStore

@Suite struct StoreRoundTripTests {
    let asOf = Day("2026-01-01")!

    @Test(arguments: TestStoreKind.all)
    func populationSurvivesTheStore(kind: TestStoreKind) throws {
        let pop = SyntheticPopulation.generate(members: 300, seed: 5, asOf: asOf)
        let events = [BehaviorEvent(id: "e1", memberId: 3, kind: "view", time: Timestamp("2025-12-01 10:00")!,
                                    attributes: ["sku": "FM-01", "note": "quote \" and \\ ok"])]
        try kind.withStore { store in
            try store.insert(members: pop.members, orders: pop.orders, events: events)
            let back = try store.loadPopulation()
            #expect(back.members == pop.members)
            #expect(back.orders == pop.orders)
            #expect(back.events == events)
        }
    }

    /// SQLite only by nature: WAL is SQLite's journal mode (PostgreSQL's tables: StoreContractTests).
    @Test func fileStoreUsesWAL() throws {
        let files = try TestFiles()
        let store = try CrescentStore(path: files.dir + "/crm.sqlite")
        let mode = try store.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let tables = try store.writer.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name") }
        for t in ["coupon_ledger", "deliveries", "events", "members", "order_items", "orders", "points_ledger", "tier_changes"] {
            #expect(tables.contains(t), "missing table \(t)")
        }
    }

    @Test func generatorCSVIsByteIdenticalPerSeedAndReimports() throws {
        func csv(_ seed: UInt64) -> (String, String) {
            let p = SyntheticPopulation.generate(members: 400, seed: seed, asOf: asOf)
            return (CSVExporter.members(p.members), CSVExporter.orders(p.orders))
        }
        let a = csv(11), b = csv(11), c = csv(12)
        #expect(a.0 == b.0 && a.1 == b.1)
        #expect(a.0 != c.0 && a.1 != c.1)
        let files = try TestFiles()
        _ = try files.write("pop.csv", a.0)
        _ = try files.write("pop.orders.csv", a.1)
        let loaded = try PopulationLoader.load(path: files.dir + "/pop.csv")
        let original = SyntheticPopulation.generate(members: 400, seed: 11, asOf: asOf)
        #expect(loaded.members == original.members)
        #expect(loaded.orders == original.orders)
    }
}
