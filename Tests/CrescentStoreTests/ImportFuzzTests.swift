import CrescentCore
import CrescentTestSupport
import Foundation
import Testing
@testable import CrescentStore

/// Seeded, bounded fuzzing of the three importers. The property: no crash, and either an
/// `ImportError` that names a line (or the file) without echoing a long input, or a batch
/// whose values are in range and that round-trips through the store and the CSV exporter.
@Suite struct ImportFuzzTests {
    static let rounds = 400

    static let seeds: [(name: String, text: String)] = [
        ("members.csv", """
            id,name,gender,birthday,phone,email,city,join_date,tier,points_balance,tags,consent,attributes,utc_offset_minutes
            1,Wang Fang,F,1990-02-03,13800000001,w@example.com,Shanghai,2025-01-01,gold,120,vip;new,sms;email,income=high,480
            2,"Li, Na",,,,,,2025-02-01,basic,0,,push,,-300
            """),
        ("orders.csv", """
            id,member_id,time,store,amount,quantity,discount,items
            1,1,2026-01-02 10:00,SH01,29.33,2,1.00,a1|cd|1|10.00;a2|dvd|1|19.33
            2,2,2026-01-03T09:30:05Z,,5,1,,
            """),
        ("data.json", """
            {"members": [{"id": 1, "join_date": "2025-01-01", "consent": ["sms"], "attributes": {"city": "SH"}}],
             "orders": [{"id": 1, "member_id": 1, "time": "2026-01-02 10:00", "amount": 29.33,
                         "items": [{"sku": "a", "category": "cd", "quantity": 2, "amount": "29.33"}]}],
             "events": [{"id": "e1", "member_id": 1, "kind": "app_open", "time": 1767225600}]}
            """),
        ("cdnow.txt", "00001 19970101 1 29.33\n00002 19970102 2 12.00\n00001 19970315 3 40.50\n"),
    ]

    @Test(arguments: seeds.indices)
    func mutatedInputIsRefusedClearlyOrRoundTrips(_ seed: Int) throws {
        var mutator = InputMutator(seed: UInt64(seed) * 7_919 + 1)
        let (name, text) = Self.seeds[seed]
        var refused = 0
        for round in 0..<Self.rounds {
            let input = mutator.mutate(Array(text.utf8))
            let batch: ImportBatch
            do {
                batch = try Self.parse(input, file: name)
            } catch let error as ImportError {
                refused += 1
                #expect(error.file == name && !error.message.isEmpty, "round \(round)")
                #expect(error.description.utf8.count < 400, "round \(round): the error echoes too much: \(error)")
                continue
            }
            try Self.expectInRange(batch, round: round)
            try Self.expectRoundTrip(batch, round: round)
        }
        // The mutations must actually exercise both paths.
        #expect(refused > 0 && refused < Self.rounds)
    }

    static func parse(_ bytes: [UInt8], file: String) throws -> ImportBatch {
        if file.hasSuffix(".json") { return try JSONImporter.parse(data: Data(bytes), file: file) }
        if file.hasSuffix(".txt") { return try CDNOWImporter.parse(bytes: bytes, file: file) }
        return try CSVImporter.parse(bytes: bytes, file: file)
    }

    static func expectInRange(_ batch: ImportBatch, round: Int) throws {
        for o in batch.orders {
            #expect(Timestamp(checkedSeconds: o.time.seconds) != nil, "round \(round)")
            #expect(FieldLimits.quantity.contains(Int64(o.quantity)) && o.amount >= .zero && o.discount >= .zero, "round \(round)")
            #expect(o.items.allSatisfy { FieldLimits.quantity.contains(Int64($0.quantity)) && $0.amount >= .zero }, "round \(round)")
        }
        for e in batch.events { #expect(Timestamp(checkedSeconds: e.time.seconds) != nil, "round \(round)") }
        for m in batch.members { #expect(FieldLimits.points.contains(m.pointsBalance), "round \(round)") }
    }

    /// Stored and loaded back, then exported and re-imported: the same records.
    static func expectRoundTrip(_ batch: ImportBatch, round: Int) throws {
        let store = try CrescentStore()
        let members = batch.members.isEmpty ? CDNOWImporter.membersFromOrders(batch.orders) : batch.members
        do {
            try store.insert(members: members, orders: batch.orders, events: batch.events)
        } catch let refusal as StoreInsertError {
            // The store may refuse (e.g. an id imported twice across kinds); it must say so.
            #expect(!refusal.message.isEmpty, "round \(round)")
            return
        }
        let loaded = try store.loadPopulation()
        #expect(loaded.members.sorted { $0.id < $1.id } == members.sorted { $0.id < $1.id }, "round \(round)")
        #expect(loaded.orders.sorted { $0.id < $1.id } == batch.orders.sorted { $0.id < $1.id }, "round \(round)")
        let again = try CSVImporter.parse(bytes: Array(CSVExporter.orders(batch.orders).utf8), file: "o.csv", kind: .orders)
        #expect(again.orders == batch.orders, "round \(round)")
    }
}
