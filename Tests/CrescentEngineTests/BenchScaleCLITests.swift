import CrescentCore
import CrescentStore
import CrescentTestSupport
import Foundation
import Testing

/// `crescent bench scale --store` run as a process on an existing store: every phase after the
/// load is measured, the store's members and orders are left as they were, and its columnar
/// snapshot is read, never rewritten.
@Suite struct BenchScaleCLITests {
    @Test func measuresAnExistingStoreWithoutWritingToIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescent-scale-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/base.sqlite"
        let generated = try BuiltCLI.run(["generate", "--members", "3000", "--seed", "3", "--out", db])
        #expect(generated.status == 0, "\(generated.stderr)")
        // One more order makes the snapshot stale: the bench must load from SQL and leave it so.
        try CrescentStore(path: db).insert(orders: [Order(id: 999_999, memberId: 1, time: Timestamp(day: Day(year: 2025, month: 12, day: 1), hour: 12),
                                                          amount: Money(major: 42), quantity: 1)])
        let snapshot = db + ".columns"
        func written() throws -> Date? { try FileManager.default.attributesOfItem(atPath: snapshot)[.modificationDate] as? Date }
        func counts() throws -> [Int] { let c = try CrescentStore(path: db).counts(); return [c.members, c.orders, c.events] }
        let before = try (written(), counts())

        let r = try BuiltCLI.run(["bench", "scale", "--store", db, "--records-limit", "0",
                                  "--scripts", repoRoot.appendingPathComponent("scripts").path,
                                  "--script", repoRoot.appendingPathComponent("scripts/winback_silent.lua").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("existing store: generate and write skipped"))
        #expect(r.stdout.contains("3000 members"), "\(r.stdout)")
        #expect(r.stdout.contains("from SQL") && r.stdout.contains("not rewritten: the caller reads only"), "\(r.stdout)")
        for phase in ["derive (RFM, scores, lifecycle)", "SQLite GROUP BY", "3 declarative conditions (native, 1 core)"] {
            #expect(r.stdout.contains(phase), "\(phase) missing")
        }
        #expect(r.stdout.contains("sums agree"))
        #expect(!r.stdout.contains("generate (columns)"))
        #expect(r.stdout.contains("issue: run-playbook's launch") && r.stdout.contains("skipped: --store is measured without writing to it"))
        let after = try (written(), counts())
        #expect(before.0 != nil && before.0 == after.0, "the snapshot was rewritten")
        #expect(before.1[0] == 3000 && before.1 == after.1, "the store's rows changed: \(before.1) → \(after.1)")

        let missing = try BuiltCLI.run(["bench", "scale", "--store", dir + "/nope.sqlite"])
        #expect(missing.status != 0 && missing.stderr.contains("nope.sqlite: no such file"), "\(missing.stderr)")
    }
}
