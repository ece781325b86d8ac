import Foundation
import Testing

/// No module outside the store targets imports a database driver or writes SQL (issue 18).
@Suite("Store boundary")
struct StoreBoundaryTests {
    @Test("nothing under Sources/ outside the store targets imports GRDB or holds SQL in a string literal")
    func sourcesKeepSQLInTheStore() throws {
        let sources = TestFiles.repoRoot + "/Sources"
        #expect(FileManager.default.fileExists(atPath: sources + "/CrescentServer"), "Sources not found at \(sources)")
        let findings = try StoreBoundary.scan(sources: sources)
        #expect(findings.isEmpty, "move these into a store target:\n\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test("the scan names each driver import and SQL literal by file and line, and skips comments and prose")
    func scanFindsWhatItShould() throws {
        let path = TestFiles.repoRoot + "/Tests/CrescentStoreTests/Fixtures/store-boundary/Leaky.swift.txt"
        let findings = StoreBoundary.findings(in: try String(contentsOfFile: path, encoding: .utf8), file: "Leaky.swift")
        #expect(findings.map(\.description) == [
            "Leaky.swift:2: imports GRDB",
            "Leaky.swift:8: SQL in a string literal: SELECT count(*) FROM",
            "Leaky.swift:10: SQL in a string literal: UPDATE deliveries\n        SET",
            "Leaky.swift:14: SQL in a string literal: INSERT OR IGNORE INTO",
            "Leaky.swift:15: SQL in a string literal: DELETE FROM",
        ])
    }

    @Test("the scan walks every target: without the exemption it finds the store's own SQL and GRDB imports")
    func scanWalksTheStoreToo() throws {
        let all = try StoreBoundary.scan(sources: TestFiles.repoRoot + "/Sources", exempt: [])
        #expect(all.contains { $0.file == "Sources/CrescentStore/CrescentStore.swift" && $0.what == "imports GRDB" })
        #expect(all.contains { $0.file.hasPrefix("Sources/CrescentStore/Schema/") && $0.what.contains("CREATE TABLE") })
        #expect(all.contains { $0.file.hasPrefix("Sources/CrescentPostgres/") && $0.what == "imports PostgresNIO" })
        let outside = all.filter { !$0.file.hasPrefix("Sources/CrescentStore/") && !$0.file.hasPrefix("Sources/CrescentPostgres/") }
        #expect(outside.isEmpty, "\(outside)")
    }
}
