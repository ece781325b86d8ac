import CrescentStore
import CrescentTestSupport
import Foundation
import Testing

/// `--db` and `CRESCENT_DB` through the built CLI, the same for every command that opens a store.
@Suite struct StoreOptionCLITests {
    /// Nothing listens on port 1: the store cannot be reached.
    static let postgres = "postgres://crm:s3cret@127.0.0.1:1/crm"

    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescent-db-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "id,join_date\n1,2024-01-01\n2,2024-02-01\n".write(toFile: dir + "/members.csv", atomically: true, encoding: .utf8)
        try #"segment "all" { where = function(m) return true end }"#.write(toFile: dir + "/s.lua", atomically: true, encoding: .utf8)
        return dir
    }

    @Test("every command with --db, the benchmarks too, reports a PostgreSQL store it cannot reach with one clear message, exit 2, no password shown",
          arguments: [["import", "members.csv"], ["run-playbook", "s.lua", "--run-id", "r1"], ["deliver", "s.lua", "--plugins", "."],
                      ["redeem", "--coupon", "1", "--order", "{}"], ["explain", "s.lua", "--member", "1"],
                      ["serve", "--scripts", "."], ["bench", "issue", "--members", "10"], ["bench", "journeys"],
                      ["bench", "serve", "--members", "10", "--nodes", "2"]])
    func postgresUnreachable(command: [String]) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = command.map { $0.hasSuffix(".csv") || $0.hasSuffix(".lua") || $0 == "." ? dir + "/" + $0 : $0 }
        let r = try BuiltCLI.run(args + ["--db", Self.postgres])
        #expect(r.reason == .exit && r.status == 2, "\(command[0]): \(r.output)")
        #expect(r.stderr.contains("cannot open postgres://crm@127.0.0.1:1/crm"), "\(command[0]): \(r.output)")
        #expect(!r.output.contains("s3cret"), "\(command[0]) printed the password")
    }

    @Test("without --db the store comes from CRESCENT_DB; with neither, the error says how to name one")
    func environment() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let imported = try BuiltCLI.run(["import", dir + "/members.csv"], environment: ["CRESCENT_DB": dir + "/env.sqlite"])
        #expect(imported.status == 0, "\(imported.output)")
        #expect(try CrescentStore(path: dir + "/env.sqlite").counts().members == 2)

        let viaOption = try BuiltCLI.run(["import", dir + "/members.csv", "--db", dir + "/opt.sqlite"],
                                         environment: ["CRESCENT_DB": dir + "/env.sqlite"])
        #expect(viaOption.status == 0, "\(viaOption.output)")
        #expect(try CrescentStore(path: dir + "/opt.sqlite").counts().members == 2, "--db wins over CRESCENT_DB")

        // (Only checkable when this process itself runs without CRESCENT_DB.)
        if ProcessInfo.processInfo.environment["CRESCENT_DB"] == nil {
            let none = try BuiltCLI.run(["redeem", "--coupon", "1", "--order", "{}"])
            #expect(none.status == 2)
            #expect(none.stderr.contains("no store given") && none.stderr.contains("CRESCENT_DB"), "\(none.output)")
        }
    }

    @Test("a malformed --db names the value and what is wrong")
    func malformed() throws {
        let r = try BuiltCLI.run(["import", "x.csv", "--db", "mysql://u@h/db"])
        #expect(r.status == 2)
        #expect(r.stderr.contains(#"--db "mysql://u@h/db" has scheme "mysql""#), "\(r.output)")
    }
}
