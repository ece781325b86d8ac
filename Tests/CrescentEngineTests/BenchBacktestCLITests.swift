import CrescentTestSupport
import Foundation
import Testing

/// `crescent bench backtest` run as a process: campaign rows and the summary next to the textbook peer.
@Suite struct BenchBacktestCLITests {
    func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let binary = try #require(BuiltCLI.path, "build the CLI first: swift build")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["bench", "backtest"] + arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func printsCampaignsAndSummaryLinesNextToTheTextbook() throws {
        let r = try run(["--data", cdnowPath, "--as-of", "1998-02-01", "--audience", "everyone", "high_value",
                         "--min-spend", "30", "100", "--windows", "30", "--runs", "20"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("4 campaigns on"))
        let rows = r.out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains { Array($0.prefix(5)) == ["1998-02-01", "everyone", "100", "30", "2357"] })
        for method in ["crescent (MBG/NBD)", "textbook BG/NBD"] {
            #expect(r.out.contains("\(method) redemptions MAPE"))
            #expect(r.out.contains("\(method) revenue"))
        }
        #expect(r.out.contains("90% coverage"))
    }

    @Test func anUnknownAudienceIsNamedWithASuggestion() throws {
        let r = try run(["--data", cdnowPath, "--audience", "one_tme"])
        #expect(r.status != 0)
        #expect(r.err.contains("unknown audience \"one_tme\", did you mean \"one_time\"?"))
        let bad = try run(["--data", cdnowPath, "--as-of", "1998-13-01"])
        #expect(bad.status != 0 && bad.err.contains("--as-of \"1998-13-01\" is not a date"))
    }
}
