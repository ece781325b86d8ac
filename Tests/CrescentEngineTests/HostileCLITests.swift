import CrescentStore
import CrescentTestSupport
import Foundation
import Testing

/// Hostile names and numbers through the built CLI: a clear refusal or a safe result, never
/// a trap (a signal) or a file outside `--out`.
@Suite(.serialized) struct HostileCLITests {
    static func run(_ arguments: [String]) throws -> (status: Int32, reason: Process.TerminationReason, output: String) {
        let r = try BuiltCLI.run(arguments)
        return (r.status, r.reason, r.output)
    }

    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescent-hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/work/out", withIntermediateDirectories: true)
        return dir
    }

    static let playbooks = """
    segment "everyone" { where = function(m) return true end }
    local function pb(name)
      playbook(name) { goal = "retain", audience = "everyone", channels = "sms",
                       when = { at = "2026-12-01 10:00" }, offer = coupon { off = 5 } }
    end
    pb("../escaped") pb("a/b") pb("a:b") pb("..")
    """

    @Test(.timeLimit(.minutes(1))) func reportFilesFromHostileNamesStayInsideOut() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.playbooks.write(toFile: dir + "/work/names.lua", atomically: true, encoding: .utf8)
        let r = try Self.run(["dryrun", dir + "/work/names.lua", "--data", "synthetic:200", "--runs", "20", "--out", dir + "/work/out"])
        #expect(r.reason == .exit && r.status == 0, "\(r.output)")
        let written = try FileManager.default.contentsOfDirectory(atPath: dir + "/work/out").sorted()
        #expect(written == ["_escaped.html", "_escaped.json", "a_b-2.html", "a_b-2.json", "a_b.html", "a_b.json",
                            "playbook.html", "playbook.json"], "\(written)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/work").sorted() == ["names.lua", "out"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["work"])
    }

    static let runaway = """
    segment "spin" { where = function(m) while true do end end }
    """

    @Test(.timeLimit(.minutes(1))) func checkDataHonoursTheInstructionBudget() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.runaway.write(toFile: dir + "/spin.lua", atomically: true, encoding: .utf8)
        let started = Date()
        let r = try Self.run(["check", dir + "/spin.lua", "--data", "synthetic:300", "--instructions", "100000", "--timeout", "20"])
        #expect(r.reason == .exit && r.status != 0)
        #expect(r.output.contains("[budget]"), "\(r.output)")
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test(.timeLimit(.minutes(1))) func checkDataHonoursTheTimeout() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.runaway.write(toFile: dir + "/spin.lua", atomically: true, encoding: .utf8)
        let started = Date()
        let r = try Self.run(["check", dir + "/spin.lua", "--data", "synthetic:300", "--instructions", "0", "--timeout", "1"])
        #expect(r.reason == .exit && r.status != 0)
        #expect(r.output.contains("[deadline]"), "\(r.output)")
        #expect(Date().timeIntervalSince(started) < 15, "the population default of 30 s was used")
    }

    @Test(.timeLimit(.minutes(1))) func checkDataHonoursTheMemoryCapBeyondTheMembers() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        local hoard = {}
        segment "hoard" { where = function(m) hoard[#hoard + 1] = string.rep("x", 100000) .. m.id return true end }
        """.write(toFile: dir + "/hoard.lua", atomically: true, encoding: .utf8)
        let r = try Self.run(["check", dir + "/hoard.lua", "--data", "synthetic:300", "--memory-mb", "8"])
        #expect(r.reason == .exit && r.status != 0)
        #expect(r.output.contains("[memory]"), "\(r.output)")
    }

    @Test func limitOptionsAreValidated() throws {
        let r = try Self.run(["check", "x.lua", "--timeout", "nan"])
        #expect(r.reason == .exit && r.status != 0)
        #expect(r.output.contains("--timeout must be a number of seconds"), "\(r.output)")
    }

    @Test(arguments: [
        (#"{"id": 1, "items": [{"sku": "a", "amount": 1e300}]}"#, "--order: items[1].amount must be at most 10000000000, got 1e+300"),
        (#"{"id": 1e300, "items": [{"sku": "a", "amount": 10}]}"#, "--order: id must be at most 1000000000000, got 1e+300"),
        (#"{"id": 1, "items": [{"sku": "a", "amount": 10, "quantity": 9223372036854775807}]}"#, "--order: items[1].quantity must be at most 1000000"),
        (#"{"id": 1, "amount": -5}"#, "--order: amount must be at least 0, got -5"),
        (#"{"id": 1, "shipping_fee": "free"}"#, "--order: shipping_fee must be a number"),
    ])
    func redeemRefusesNumbersItCannotHold(order: String, message: String) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try CrescentStore(path: dir + "/crm.sqlite")
        let r = try Self.run(["redeem", "--db", dir + "/crm.sqlite", "--coupon", "1", "--order", order])
        #expect(r.reason == .exit && r.status != 0)
        #expect(r.output.contains(message), "\(r.output)")
    }
}
