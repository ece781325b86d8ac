import CrescentCore
import Foundation
import Testing
@testable import CrescentStore

/// The hostile files in `Fixtures/hostile-imports`: each must be refused with exactly the
/// error listed for it in `expected-errors.txt` (one line per file, the error as printed),
/// and must leave the store untouched.
struct HostileImport: CustomTestStringConvertible, Sendable {
    let file: String
    let expected: String
    var testDescription: String { file }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hostile-imports").path

    static let all: [HostileImport] = {
        let text = (try? String(contentsOfFile: directory + "/expected-errors.txt", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            HostileImport(file: String(line.prefix { $0 != ":" }), expected: String(line))
        }
    }()
}

@Suite struct HostileImportTests {
    @Test func everyFixtureHasAnExpectedErrorAndThereAreAtLeastThirty() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: HostileImport.directory)
            .filter { $0 != "expected-errors.txt" }
        #expect(Set(files) == Set(HostileImport.all.map(\.file)))
        #expect(HostileImport.all.count >= 30)
    }

    @Test(arguments: HostileImport.all)
    func isRefusedWithItsError(_ fixture: HostileImport) throws {
        let store = try CrescentStore()
        let path = HostileImport.directory + "/" + fixture.file
        do {
            try Importer.importFile(path, into: store)
            Issue.record("\(fixture.file) was imported")
        } catch let error as ImportError {
            #expect(error.description == fixture.expected)
        }
        let c = try store.counts()
        #expect(c.members == 0 && c.orders == 0 && c.events == 0)
    }

    @Test func aTwentyMegabyteFieldIsRefusedQuicklyWithoutEchoingIt() throws {
        let files = try TestFiles()
        let path = files.dir + "/orders.csv"
        var bytes = Array("id,member_id,time,amount\n1,7,2026-01-02,".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "9"), count: 20 << 20)
        FileManager.default.createFile(atPath: path, contents: Data(bytes + [10]))
        let started = ContinuousClock.now
        #expect(throws: ImportError(file: "orders.csv", line: 2, location: "column 4",
                                    message: "a field longer than 65536 bytes")) {
            try Importer.parse(path: path)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aLongBadValueIsEchoedShortened() throws {
        let files = try TestFiles()
        let path = try files.write("orders.csv", "id,member_id,time,amount\n1,7,2026-01-02," + String(repeating: "x", count: 5_000) + "\n")
        do { _ = try Importer.parse(path: path); Issue.record("imported") } catch let e as ImportError {
            #expect(e.message == "\"" + String(repeating: "x", count: 40) + "…\" is not an amount")
        }
    }

    @Test func a100000DeepJSONArrayIsRefusedWithItsPlace() throws {
        let files = try TestFiles()
        let path = try files.write("deep.json", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        #expect(throws: ImportError(file: "deep.json", line: 1, location: "column 33",
                                    message: "not valid JSON: nested deeper than 32 levels")) {
            try Importer.parse(path: path)
        }
    }

    @Test func aRefusedImportCreatesNoStoreFileAndLeavesAnExistingStoreAsItWas() throws {
        let files = try TestFiles()
        let bad = HostileImport.directory + "/orders-negative-amount.csv"
        let db = files.dir + "/new.sqlite"
        #expect(throws: ImportError.self) { try Importer.importFile(bad, intoStoreAt: db) }
        #expect(!FileManager.default.fileExists(atPath: db))

        // A refusal by the store (an id already there) after a good parse: same rule.
        let orders = try files.write("orders.csv", "id,member_id,time,amount\n1,7,2026-01-02,5\n")
        try Importer.importFile(orders, intoStoreAt: db)
        #expect(throws: ImportError.self) { try Importer.importFile(orders, intoStoreAt: db) }
        #expect(try CrescentStore(path: db).counts().orders == 1)
        let other = files.dir + "/other.sqlite"
        let members = try files.write("members.csv", "id,join_date\n1,2025-01-01\n1,2025-01-02\n")
        #expect(throws: ImportError.self) { try Importer.importFile(members, intoStoreAt: other) }
        #expect(!FileManager.default.fileExists(atPath: other))
    }

    @Test func validEdgeValuesStillImport() throws {
        let files = try TestFiles()
        let path = try files.write("orders.json", """
            [{"id": 9223372036854775807, "member_id": 0, "time": "9999-12-31 23:59:59", "amount": "999999999999999.99",
              "quantity": 1000000, "discount": 0},
             {"id": 2, "member_id": 1, "time": -62135596800, "amount": 0.5,
              "items": [{"sku": "a", "category": "cd", "quantity": 1000000, "amount": 0}]}]
            """)
        let batch = try Importer.parse(path: path)
        #expect(batch.orders.map(\.id) == [Int64.max, 2])
        #expect(batch.orders[0].amount.minorUnits == 99_999_999_999_999_999)
        #expect(batch.orders[1].time.description == "0001-01-01 00:00:00")
        #expect(batch.orders[1].quantity == 1_000_000)
    }
}

/// Rows written unchecked (by an older version, or by hand) must not crash a later load.
@Suite struct StoredHostileRowsTests {
    @Test func anOrderTimeOfInt64MaxIsRefusedByNameAndAnEventOutsideTheCalendarIsLeftOut() throws {
        let store = try CrescentStore()
        try store.insert(members: [Member(id: 1, joinDate: Day(year: 2025, month: 1, day: 1))])
        try store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO events (id, member_id, kind, time, attributes) VALUES
                  ('far', 1, 'visit', 9223372036854775807, '{}'), ('ok', 1, 'visit', 0, '{}')
                """)
        }
        #expect(try store.loadPopulation().events.map(\.id) == ["ok"])
        try store.writer.write { db in
            try db.execute(sql: "INSERT INTO orders (id, member_id, time, amount, quantity, discount) VALUES (5, 1, 9223372036854775807, 100, 1, 0)")
        }
        #expect(throws: StoredRowError(table: "orders", id: "5",
                                       message: "time 9223372036854775807 is outside 0001-01-01 ... 9999-12-31; fix or delete the row")) {
            try store.loadPopulation()
        }
    }
}
