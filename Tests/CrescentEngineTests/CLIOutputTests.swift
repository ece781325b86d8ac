import CrescentTestSupport
import Foundation
import Testing

/// The CLI as a user runs it: `check` catching the measured typo, and `--format json` on
/// `check`, `stats`, `segment preview` and `dryrun` giving JSON a program can read.
@Suite struct CLIOutputTests {
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescent-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// scripts/activate_first_order.lua with `min_spend = 89` misspelt, in a branch no member of
    /// the CDNOW sample reaches.
    static func brokenActivation() throws -> (path: String, line: Int) {
        let source = try String(contentsOf: repoRoot.appendingPathComponent("scripts/activate_first_order.lua"), encoding: .utf8)
        let broken = source.replacingOccurrences(of: "min_spend = 89", with: "min_spent = 89")
        let path = try scratch().appendingPathComponent("activate.lua").path
        try broken.write(toFile: path, atomically: true, encoding: .utf8)
        let line = broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("min_spent") }! + 1
        return (path, line)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    @Test func checkFailsOnATypoInAnUnreachedBranchWithAndWithoutData() throws {
        let (path, line) = try Self.brokenActivation()
        let expected = "\(path):\(line): coupon: unknown field `min_spent`, did you mean `min_spend`? [validation]"
        for extra in [[], ["--data", cdnowPath]] {
            let run = try BuiltCLI.run(["check", path] + extra)
            #expect(run.status == 1, "\(extra): \(run.stdout)")
            #expect(run.stderr.contains(expected), "\(extra): \(run.stderr)")
        }
    }

    @Test func checkAsJSONGivesLineColumnAndField() throws {
        let (path, line) = try Self.brokenActivation()
        let failed = try BuiltCLI.run(["check", path, "--format", "json"])
        #expect(failed.status == 1)
        let report = try Self.object(failed.stdout)
        let problems = try #require(report["problems"] as? [[String: Any]])
        #expect(problems.count == 1)
        #expect(problems.first?["line"] as? Int == line)
        #expect(problems.first?["field"] as? String == "min_spent")
        #expect((problems.first?["column"] as? Int ?? 0) > 1)
        #expect(problems.first?["kind"] as? String == "validation")

        let clean = try BuiltCLI.run(["check", repoRoot.appendingPathComponent("scripts/winback_silent.lua").path, "--format", "json"])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect((try Self.object(clean.stdout)["problems"] as? [Any])?.isEmpty == true)
    }

    @Test func statsAsJSONCountsEveryMemberOnceByLifecycleAndTier() throws {
        let run = try BuiltCLI.run(["stats", "--data", cdnowPath, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let stats = try Self.object(run.stdout)
        #expect(stats["members"] as? Int == 2357)
        #expect(stats["orders"] as? Int == 6919)
        let lifecycle = try #require(stats["lifecycle"] as? [String: Int])
        let tiers = try #require(stats["tiers"] as? [String: Int])
        #expect(lifecycle.values.reduce(0, +) == 2357)
        #expect(tiers.values.reduce(0, +) == 2357)
        #expect((stats["rfm"] as? [String: [Int]])?["r"]?.reduce(0, +) == 2357)
        #expect((stats["value"] as? [String: Any])?["revenue_minor"] as? Int ?? 0 > 0)
    }

    @Test func segmentPreviewAsJSONHasSizesAndASymmetricOverlap() throws {
        let script = repoRoot.appendingPathComponent("scripts/winback_silent.lua").path
        let run = try BuiltCLI.run(["segment", "preview", script, "--data", cdnowPath, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let preview = try Self.object(run.stdout)
        #expect(preview["population"] as? Int == 2357)
        let segments = try #require(preview["segments"] as? [[String: Any]])
        let sizes = Dictionary(uniqueKeysWithValues: segments.map { ($0["name"] as! String, $0["members"] as! Int) })
        let overlap = try #require(preview["overlap"] as? [String: [String: Int]])
        for (a, row) in overlap {
            #expect(row[a] == sizes[a])
            for (b, n) in row { #expect(overlap[b]?[a] == n) }
        }
    }

    @Test func dryrunAsJSONPrintsOneReportPerPlaybookAndNothingElse() throws {
        let out = try Self.scratch().path
        let script = repoRoot.appendingPathComponent("scripts/winback_silent.lua").path
        let run = try BuiltCLI.run(["dryrun", script, "--data", cdnowPath, "--runs", "20", "--out", out, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(reports.count == 1)
        let written = try String(contentsOfFile: out + "/winback_silent_high_value.json", encoding: .utf8)
        let writtenObject = try JSONSerialization.jsonObject(with: Data(written.utf8)) as? NSDictionary
        #expect(writtenObject == reports.first.map { $0 as NSDictionary })
    }

    @Test func dryrunTimingPrintsEveryPhaseWithTimeCPUAndPeakAndKeepsJSONClean() throws {
        let out = try Self.scratch().path
        let script = repoRoot.appendingPathComponent("scripts/winback_silent.lua").path
        let phases = ["load records, then columns", "derive (columns)", "candidates (native filters): ", "candidates' records",
                      "member views", "Lua sandboxes", "audience (segments)", "response model (BG/NBD fit)",
                      "journeys (simulated days)", "report (Monte-Carlo)", "write the reports"]
        let text = try BuiltCLI.run(["dryrun", script, "--data", cdnowPath, "--runs", "20", "--out", out, "--timing"])
        #expect(text.status == 0, "\(text.stderr)")
        let table = try #require(text.stdout.range(of: "phase ").map { String(text.stdout[$0.lowerBound...]) }, "\(text.stdout)")
        let rows = table.split(separator: "\n").map(String.init)
        for phase in phases {
            let row = try #require(rows.first { $0.hasPrefix(phase) }, "\(phase) missing in:\n\(table)")
            // time, peak RSS in MiB, then the phase's CPU time.
            let fields = row.dropFirst(phase.count).split(separator: " ")
            #expect(fields.count >= 5 && Double(fields[fields.count - 5]) != nil && Int(fields[fields.count - 4]) != nil
                    && fields[fields.count - 3] == "cpu" && Double(fields[fields.count - 2]) != nil, "\(row)")
        }
        // With --format json, stdout stays one JSON array and the table goes to stderr.
        let json = try BuiltCLI.run(["dryrun", script, "--data", cdnowPath, "--runs", "20", "--out", out, "--format", "json", "--timing"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) is [[String: Any]])
        #expect(json.stderr.contains("response model (BG/NBD fit)") && !json.stdout.contains("peak RSS"))
    }

    @Test func theABExampleShowsOneLinePerVariantInTheSummaryAndTheReports() throws {
        let out = try Self.scratch().path
        let script = repoRoot.appendingPathComponent("scripts/winback_ab_test.lua").path
        let run = try BuiltCLI.run(["dryrun", script, "--data", cdnowPath, "--runs", "20", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        for name in ["small", "big"] {
            #expect(lines.contains { $0.hasPrefix("  variant \(name) ") && $0.contains("incr. revenue") && $0.contains("incr. ROI") },
                    "no line for variant \(name) in:\n\(run.stdout)")
        }
        #expect(lines.contains { $0.hasPrefix("  variants     detect a redemption-rate difference of ") })
        let json = try Self.object(try String(contentsOfFile: out + "/winback_ab.json", encoding: .utf8))
        let rows = try #require(json["variants"] as? [[String: Any]])
        #expect(rows.compactMap { $0["name"] as? String } == ["small", "big"])
        let html = try String(contentsOfFile: out + "/winback_ab.html", encoding: .utf8)
        #expect(html.contains("<h2>A/B variants</h2>"))
    }
}
