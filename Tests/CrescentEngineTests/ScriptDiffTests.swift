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

    /// A condition that changed meaning is flagged even when the CDNOW members do not move,
    /// and shows in text, JSON and Markdown.
    @Test func aChangedConditionIsFlaggedWhenNoMemberMoves() throws {
        let new = Self.edited([("rfm         = { m = \">= 4\" },", "rfm         = { m = \">= 4\", f = \">= 0\" },"),
                               ("budget        = { total = 20000, platform_share = 0.05 }", "budget = { total = 25000, platform_share = 0.05 }")])
        let diff = try ScriptDiff.compare(old: Self.context(Self.original, "old.lua"), new: Self.context(new, "new.lua"),
                                          seed: 7, runs: 10, sources: (Self.original, new))
        #expect(diff.segments.isEmpty, "no member moved: \(diff.segments)")
        #expect(diff.meaning == [
            MeaningChange(kind: "segment", name: "high_value", field: "rfm", old: "{ m = \">= 4\" }", new: "{ m = \">= 4\", f = \">= 0\" }"),
            MeaningChange(kind: "playbook", name: "winback_silent_high_value", field: "budget",
                          old: "{ total = 20000, platform_share = 0.05 }", new: "{ total = 25000, platform_share = 0.05 }"),
        ])
        #expect(diff.text.contains("declarations that changed meaning:\n  segment \"high_value\": rfm { m = \">= 4\" } → { m = \">= 4\", f = \">= 0\" }"))
        #expect(diff.markdown.contains("| segment `high_value` | `rfm` | `{ m = \">= 4\" }` | `{ m = \">= 4\", f = \">= 0\" }` |"))
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(diff)) as? [String: Any])
        let meaning = try #require(json["meaning"] as? [[String: Any]])
        #expect(meaning.count == 2 && meaning[1]["field"] as? String == "budget")
        // Without the sources nothing is flagged (the library call of old).
        let bare = try ScriptDiff.compare(old: Self.context(Self.original, "old.lua"), new: Self.context(new, "new.lua"), seed: 7, runs: 10)
        #expect(bare.meaning.isEmpty)
    }

    @Test func meaningChangesComeFromTheSourceNotItsLayout() {
        let old = """
        segment "recent" { recency_days = "<= 90", description = "bought lately" }
        segment "vip" { where = function(m) return m.total_spend > 300 end }
        playbook "p" {
          goal = "retain", audience = "recent", channels = { "sms" },
          quiet_hours = "defer", reentry = "never",
          offer = coupon { off = 5 }, message = "Hi",
        }
        tier_ladder "club" { tiers = { { name = "basic", entry = { registration = true } } } }
        """
        let same = """
        -- only comments, layout and the description differ
        segment "recent" {
          recency_days = "<= 90",   -- three months
          description  = "bought in the last three months",
        }
        segment "vip" { where = function(m)
          return m.total_spend > 300
        end }
        playbook "p" { goal = "retain", audience = "recent", channels = { "sms" }, quiet_hours = "defer",
                       reentry = "never", offer = coupon { off = 5 }, message = "Hi" }
        tier_ladder "club" { tiers = { { name = "basic", entry = { registration = true } } } }
        """
        #expect(MeaningChange.compare(old: old, new: same).isEmpty)

        let changed = """
        segment "recent" { recency_days = "<= 120", description = "bought lately" }
        segment "vip" { where = function(m) return m.total_spend > 500 end }
        playbook "p" {
          goal = "retain", audience = "recent", channels = { "sms", "push" },
          quiet_hours = "skip", holdout = 0.1,
          offer = coupon { off = 8 }, message = "Hello",
        }
        tier_ladder "club" { tiers = { { name = "basic", entry = { registration = true } }, { name = "silver", entry = { spend = 1000 } } } }
        """
        let flagged = MeaningChange.compare(old: old, new: changed)
        #expect(flagged.map { "\($0.kind) \($0.name).\($0.field)" } == [
            "segment recent.recency_days", "segment vip.where",
            "playbook p.channels", "playbook p.holdout", "playbook p.quiet_hours", "playbook p.reentry",
            "tier_ladder club.tiers",
        ], "offers and messages are compared per member, not here")
        #expect(flagged[0].text == "segment \"recent\": recency_days \"<= 90\" → \"<= 120\"")
        #expect(flagged[1].new == "function(m) return m.total_spend > 500 end")
        #expect(flagged[3].old == nil && flagged[3].new == "0.1")
        #expect(flagged[5].old == "\"never\"" && flagged[5].new == nil)
    }
}
