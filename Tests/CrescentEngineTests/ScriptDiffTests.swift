import CrescentCore
import CrescentEngine
import CrescentTestSupport
import Foundation
import Testing

/// `ScriptDiff` on two versions of scripts/winback_silent.lua over the CDNOW sample.
@Suite struct ScriptDiffTests {
    static let original = try! String(contentsOf: repoRoot.appendingPathComponent("scripts/winback_silent.lua"), encoding: .utf8)

    static func context(_ source: String, _ name: String) throws -> CampaignContext {
        try CampaignContext(script: source, chunkName: name, data: cdnowPath, seed: 7, asOf: nil)
    }

    static func edited(_ edits: [(String, String)]) -> String {
        var s = original
        for (from, to) in edits {
            precondition(s.contains(from), "the example no longer contains \(from)")
            s = s.replacingOccurrences(of: from, with: to)
        }
        return s
    }

    @Test func anIdenticalScriptChangesNothing() throws {
        let diff = try ScriptDiff.compare(old: Self.context(Self.original, "a.lua"), new: Self.context(Self.original, "b.lua"),
                                          seed: 7, runs: 20)
        #expect(diff.segments.isEmpty)
        #expect(diff.playbooks.map(\.status) == ["unchanged"])
        #expect(diff.playbooks[0].entering == 0 && diff.playbooks[0].leaving == 0 && diff.playbooks[0].offers.isEmpty)
    }

    /// min_spend 50 → 60 and "bought at least 3 times": members leave, offers move, money moves.
    @Test func membersAndOffersMoveWithTheirReasons() throws {
        let new = Self.edited([("min_spend = 50, valid_days", "min_spend = 60, valid_days"),
                               ("orders      = \">= 2\"", "orders      = \">= 3\"")])
        let diff = try ScriptDiff.compare(old: Self.context(Self.original, "old.lua"), new: Self.context(new, "new.lua"),
                                          seed: 7, runs: 20, sampleSize: 3)
        let lapsed = try #require(diff.segments.first { $0.name == "lapsed_buyers" })
        #expect(lapsed.gained == 0 && lapsed.lost > 0 && lapsed.new == lapsed.old.map { $0 - lapsed.lost })
        #expect(diff.segments.first { $0.name == "high_value" } == nil, "high_value did not change")

        let p = try #require(diff.playbooks.first)
        #expect(p.status == "changed")
        #expect(p.entering == 0 && p.leaving == p.oldAudience - p.newAudience && p.leaving > 0)
        #expect(p.leavingSample.count == 3)
        #expect(p.leavingSample.allSatisfy { $0.reason.contains("no longer in lapsed_buyers") })
        // Everyone who left lost their offer; of those who stayed, the 10-off ones got the new threshold.
        let lost = p.offers.filter { $0.to == ScriptDiff.noOffer }.map(\.members).reduce(0, +)
        #expect(lost == p.leaving)
        let moved = try #require(p.offers.first { $0.from.contains("min_spend=50") && $0.to.contains("min_spend=60") })
        #expect(moved.members > 0)
        #expect(!p.offers.contains { $0.from.contains("off=15") && $0.to != ScriptDiff.noOffer }, "the 15-off coupon did not change")
        let reach = try #require(p.figures.first { $0.metric == "reach" })
        #expect(reach.change == Double(p.newAudience - p.oldAudience))

        #expect(diff.text.contains("\(p.leaving) leaving"))
        #expect(diff.markdown.contains("| `lapsed_buyers` |"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(diff)) as? [String: Any]
        #expect((json?["playbooks"] as? [Any])?.count == 1)
    }

    @Test func anAddedPlaybookHasOnlyANewSide() throws {
        let new = Self.original + """

        playbook "extra" {
          goal = "retain", audience = "high_value", when = { at = "1998-07-01 10:00" }, channels = "sms",
          offer = coupon { off = 5 },
        }
        """
        let diff = try ScriptDiff.compare(old: Self.context(Self.original, "old.lua"), new: Self.context(new, "new.lua"),
                                          seed: 7, runs: 20)
        let extra = try #require(diff.playbooks.first { $0.name == "extra" })
        #expect(extra.status == "added" && extra.oldAudience == 0 && extra.entering == extra.newAudience)
        #expect(extra.figures.first { $0.metric == "cost" }?.old == nil)
        #expect(diff.playbooks.first { $0.name != "extra" }?.status == "unchanged")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: repoRoot.appendingPathComponent(".git").path)))
    func theCLIComparesAGitRevisionWithTheWorkingTree() throws {
        let file = repoRoot.appendingPathComponent("scripts/winback_silent.lua").path
        let run = try BuiltCLI.run(["diff", "--git", "HEAD", file, "--data", cdnowPath, "--runs", "10", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((json["old_script"] as? String)?.hasSuffix("@HEAD") == true)
        let bad = try BuiltCLI.run(["diff", "--git", "no-such-revision", file])
        #expect(bad.status == 2 && bad.stderr.contains("git show"), "\(bad.stderr)")
    }
}
