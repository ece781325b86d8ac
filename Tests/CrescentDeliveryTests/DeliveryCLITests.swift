import CrescentChannels
import CrescentPersistence
import CrescentTestSupport
import Foundation
import Testing

/// Runs the built `crescent` binary: `run-playbook --plugins`, then `deliver` to resume.
@Suite("DeliveryCLI")
struct DeliveryCLITests {
    typealias F = DeliveryFixtures

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let r = try BuiltCLI.run(arguments)
        return (r.status, r.output)
    }

    @Test("run-playbook --plugins sends the run's deliveries; deliver afterwards finds nothing pending",
          .timeLimit(.minutes(1)), arguments: TestStoreKind.all)
    func runPlaybookThenDeliver(kind: TestStoreKind) throws {
        try kind.withScratch { scratch in
        _ = try #require(BuiltCLI.path, "build the CLI first: swift build")
        let gateway = try FakeHTTPGateway.start()
        defer { gateway.shutdown() }
        let dir = scratch.dir
        // The shipped sms plugin, allowed to reach the loopback gateway.
        try FileManager.default.createDirectory(atPath: dir + "/plugins/sms", withIntermediateDirectories: true)
        let manifest = try String(contentsOfFile: F.repoRoot + "/plugins/sms/manifest.toml", encoding: .utf8)
            .replacingOccurrences(of: "[\"sms-gateway.example.com\"]", with: "[\"127.0.0.1\"]\nallowed_private_addresses = [\"127.0.0.1\"]")
        try manifest.write(toFile: dir + "/plugins/sms/manifest.toml", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: F.repoRoot + "/plugins/sms/plugin.lua", toPath: dir + "/plugins/sms/plugin.lua")
        try """
            [sms]
            gateway_url = "http://127.0.0.1:\(gateway.port)/v1/messages"
            api_key = "cli-test-key"
            """.write(toFile: dir + "/plugins.toml", atomically: true, encoding: .utf8)
        try F.script.write(toFile: dir + "/welcome.lua", atomically: true, encoding: .utf8)
        let db = scratch.db
        try scratch.open().insert(members: F.members(9))

        let plugins = ["--plugins", dir + "/plugins", "--plugin-config", dir + "/plugins.toml"]
        let issued = try Self.run(["run-playbook", dir + "/welcome.lua", "--db", db, "--run-id", F.runId,
                                           "--now", "2026-11-01 03:00"] + plugins)
        #expect(issued.status == 0, "\(issued.output)")
        #expect(issued.output.contains("issued 9 (sms 9)"))
        #expect(issued.output.contains("sms: 8 sent, 1 failed (first failure: member 4 has no phone for sms)"))
        #expect(!issued.output.contains("cli-test-key"))
        #expect(gateway.acceptedKeys.count == 8)
        #expect(Set(gateway.acceptedKeys).count == 8)

        let resumed = try Self.run(["deliver", dir + "/welcome.lua", "--db", db] + plugins)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("nothing pending to deliver"))
        #expect(gateway.requests.count == 8)
        let store = try scratch.open()
        #expect(try store.deliveryCount(state: .sent) == 8)
        #expect(try store.deliveryCount(state: .failed) == 1)

        let bad = try Self.run(["deliver", dir + "/welcome.lua", "--db", db])
        #expect(bad.status == 2)
        }
    }
}
