import CrescentCore
import Testing
@testable import CrescentStore

/// Good files in each format load with every field in place.
@Suite struct ImportFormatsTests {
    let files: TestFiles
    init() throws { files = try TestFiles() }

    @Test func jsonObjectOfArraysLoadsAsAPopulation() throws {
        let path = try files.write("pop.json", """
            {"members": [{"id": 7, "name": "Li Na", "join_date": "2025-01-01", "consent": ["sms", "push"],
                          "tags": ["vip"], "attributes": {"income": "10k-20k"}, "utc_offset_minutes": 540}],
             "orders": [{"id": 1, "member_id": 7, "time": "2025-02-01 09:30", "amount": 29.33,
                         "items": [{"sku": "FM-01", "category": "face_mask", "quantity": 2, "amount": "29.33"}]}],
             "events": [{"id": "e-1", "member_id": 7, "kind": "view", "time": 1738400000, "attributes": {"sku": "FM-01"}}]}
            """)
        let pop = try PopulationLoader.load(path: path)
        let m = try #require(pop.members.first)
        #expect(m.id == 7 && m.name == "Li Na" && m.consent == ["sms", "push"] && m.tags == ["vip"])
        #expect(m.attributes == ["income": "10k-20k"] && m.utcOffsetMinutes == 540)
        let o = try #require(pop.orders.first)
        #expect(o.amount.minorUnits == 2933 && o.quantity == 2 && o.time == Timestamp("2025-02-01 09:30"))
        #expect(o.items == [OrderItem(sku: "FM-01", category: "face_mask", quantity: 2, amount: Money(minorUnits: 2933))])
        #expect(pop.events.first?.time.seconds == 1_738_400_000 && pop.events.first?.attributes["sku"] == "FM-01")
    }

    @Test func csvEventsImportAndDuplicateIdsAreNamed() throws {
        let store = try CrescentStore()
        let good = try files.write("events.csv", "id,member_id,kind,time,attributes\na,1,visit,2025-03-01 10:00,page=home\n")
        try Importer.importFile(good, into: store)
        #expect(try store.counts().events == 1)
        let dup = try files.write("dup.csv", "id,member_id,kind,time\nb,1,view,2025-03-01\nb,2,pay,2025-03-02\n")
        #expect(throws: ImportError(file: "dup.csv", line: 3, location: "column \"id\"", message: "duplicate event id \"b\"")) {
            try Importer.importFile(dup, into: store)
        }
        #expect(try store.counts().events == 1)
    }

    @Test func csvWithByteOrderMarkAndCRLF() throws {
        let bytes = [UInt8]([0xEF, 0xBB, 0xBF]) + Array("id,join_date,tags\r\n1,2025-01-01,a;b\r\n".utf8)
        let batch = try CSVImporter.parse(bytes: bytes, file: "m.csv")
        #expect(batch.members.map(\.tags) == [["a", "b"]])
    }

    @Test func ordersOnlyCSVGetsMembersFromTheOrders() throws {
        let path = try files.write("orders.csv", "id,member_id,time,amount\n1,5,2025-01-03,10\n2,5,2025-01-01,4.5\n3,9,2025-02-01,1\n")
        let pop = try PopulationLoader.load(path: path)
        #expect(pop.members.map(\.id) == [5, 9])
        #expect(pop.members[0].joinDate == Day("2025-01-01"))
        #expect(pop.orders(ofMemberAt: 0).map(\.id) == [2, 1])   // sorted by time
    }
}
