import CrescentTestSupport
import Foundation
import Testing

/// `--help` of every command, compared with the text stored in `Snapshots/help/`.
///
/// After changing help text on purpose, re-record and review the diff:
///
///     CRESCENT_RECORD_SNAPSHOTS=1 swift test --filter HelpSnapshotTests
@Suite struct HelpSnapshotTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots/help")
    static var recording: Bool { ProcessInfo.processInfo.environment["CRESCENT_RECORD_SNAPSHOTS"] == "1" }

    /// Walks the command tree from `crescent --help` through every SUBCOMMANDS list.
    @Test func everyCommandsHelpMatchesItsSnapshot() throws {
        var pending: [[String]] = [[]], seen: Set<String> = []
        while let command = pending.popLast() {
            let run = try BuiltCLI.run(command + ["--help"])
            let name = (["crescent"] + command).joined(separator: "-") + ".txt"
            seen.insert(name)
            #expect(run.status == 0, "\(name): \(run.stderr)")
            let file = Self.directory.appendingPathComponent(name)
            if Self.recording {
                try run.stdout.write(to: file, atomically: true, encoding: .utf8)
            } else {
                let stored = try? String(contentsOf: file, encoding: .utf8)
                #expect(stored == run.stdout, "\(name) differs from its snapshot; re-record if intended:\n\(run.stdout)")
            }
            pending += Self.subcommands(in: run.stdout).map { command + [$0] }
        }
        #expect(seen.count >= 14)
        let stored = Set(try FileManager.default.contentsOfDirectory(atPath: Self.directory.path))
        #expect(stored == seen, "snapshots for commands that no longer exist: \(stored.subtracting(seen).sorted())")
    }

    /// The names listed under SUBCOMMANDS (`name (default)   abstract`).
    static func subcommands(in help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        return lines[(start + 1)...].prefix { !$0.isEmpty }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }   // deeper indents continue an abstract
            .compactMap { $0.split(separator: " ").first.map(String.init) }
    }
}
