import CrescentCore
import Testing
@testable import CrescentStore

/// Text order ids ("SO-2026-0001") in the CSV and JSON importers and the store.
@Suite struct OrderReferenceTests {
    let files: TestFiles
    init() throws { files = try TestFiles() }

    @Test func numbersStayNumbersAndTextGetsAStableNegativeStandIn() throws {
        #expect(OrderIdentity.parse("17")! == (17, nil))
        let (id, reference) = try #require(OrderIdentity.parse("SO-2026-0001"))
        #expect(reference == "SO-2026-0001" && id < 0)
        #expect(OrderIdentity.parse("SO-2026-0001")!.id == id)
        #expect(OrderIdentity.parse("SO-2026-0002")!.id != id)
        for bad in ["", "SO 1", "a\tb", String(repeating: "x", count: OrderIdentity.maxReferenceBytes + 1)] {
            #expect(OrderIdentity.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func csvAndJSONImportTextIdsAndTheStoreKeepsTheText() throws {
        let store = try CrescentStore()
        try store.insert(members: [5, 6].map { Member(id: $0, name: "m\($0)", joinDate: Day(year: 2025, month: 1, day: 1)) })
        let csv = try files.write("orders.csv", "id,member_id,time,amount\nSO-2026-0001,5,2025-01-03,10\n42,5,2025-01-04,4\n")
        let json = try files.write("more.json", #"{"orders": [{"id": "SO-2026-0002", "member_id": 6, "time": "2025-02-01", "amount": 3}]}"#)
        try Importer.importFile(csv, into: store)
        try Importer.importFile(json, into: store)
        let orders = try store.loadPopulation().orders
        #expect(Set(orders.map(\.displayId)) == ["SO-2026-0001", "42", "SO-2026-0002"])
        let text = try #require(orders.first { $0.reference == "SO-2026-0001" })
        #expect(text.id == OrderIdentity.standIn(for: "SO-2026-0001") && text.amount == Money(major: 10))
        #expect(orders.first { $0.displayId == "42" }?.reference == nil)
    }

    @Test func aDuplicateOrUnusableTextIdIsNamedAndNothingIsWritten() throws {
        let store = try CrescentStore()
        let dup = try files.write("dup.csv", "id,member_id,time,amount\nSO-1,5,2025-01-03,10\nSO-1,6,2025-01-04,4\n")
        #expect(throws: ImportError(file: "dup.csv", line: 3, location: "column \"id\"", message: "duplicate order id SO-1")) {
            try Importer.importFile(dup, into: store)
        }
        let spaced = try files.write("spaced.csv", "id,member_id,time,amount\nSO 1,5,2025-01-03,10\n")
        #expect(throws: ImportError.self) { try Importer.importFile(spaced, into: store) }
        #expect(try store.counts().orders == 0)
        // The same text id imported twice (two files) is refused by the store.
        let one = try files.write("one.csv", "id,member_id,time,amount\nSO-9,5,2025-01-03,10\n")
        try Importer.importFile(one, into: store)
        #expect(throws: (any Error).self) { try Importer.importFile(one, into: store) }
        #expect(try store.counts().orders == 1)
    }
}
