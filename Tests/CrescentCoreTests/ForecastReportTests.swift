import Foundation
import Testing
@testable import CrescentCore

@Suite struct ForecastReportTests {
    @Test func rendersTheSameBytesTwice() throws {
        let a = try ForecastSampleReport.make(), b = try ForecastSampleReport.make()
        #expect(a.html() == b.html())
        #expect(try a.jsonString() == b.jsonString())
        // Opt-in: CRESCENT_REPORT_OUT=/tmp/report.html swift test … writes the page to look at.
        if let path = ProcessInfo.processInfo.environment["CRESCENT_REPORT_OUT"] {
            try a.html().write(toFile: path, atomically: true, encoding: .utf8)
            try a.jsonString().write(toFile: path + ".json", atomically: true, encoding: .utf8)
        }
    }

    @Test func theSameReportAlwaysRendersTheSameBytes() throws {
        let report = try ForecastSampleReport.make(runs: 50)
        #expect(report.html() == report.html())
        let json = try report.jsonString()
        #expect(try ForecastReport(json: json).jsonString() == json)
    }

    @Test func pageIsSelfContained() throws {
        let html = try ForecastSampleReport.make(runs: 50).html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count - 1
                == html.components(separatedBy: "http://www.w3.org/2000/svg").count - 1)
        #expect(!html.contains("https://") && !html.contains("<link") && !html.contains("<img"))
        #expect(html.contains("<svg") && html.contains("winback_q4"))
    }

    @Test func scriptProvidedNamesAreEscaped() throws {
        let evil = "<script>alert('x')</script> & \"co\""
        var report = try ForecastSampleReport.make(extraSegment: evil, runs: 20)
        report.header.playbook = "<b>bold</b>"
        report.suppressions.append(.init(reason: "<img src=x onerror=alert(1)>", count: 1))
        let html = report.html()
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<b>bold</b>"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"))
        #expect(html.contains("&lt;b&gt;bold&lt;/b&gt;"))
    }

    @Test func jsonHasSortedKeysAndRoundedNumbers() throws {
        let estimate = Estimate(mean: 1.0 / 3, low: 0.1 + 0.2, high: 2)
        let figures = ForecastFigures(candidates: 1, silentCandidates: 0, redemptions: estimate, revenue: estimate,
                                      merchantCost: estimate, platformCost: estimate, cost: estimate,
                                      profit: estimate, roi: nil, averageOrderValue: nil, discountDepth: nil,
                                      redemptionRate: nil, silentRecallRate: nil)
        let report = ForecastReport(
            header: .init(playbook: "p", seed: 7, dataSource: "d", asOf: Day(year: 2026, month: 12, day: 1),
                          windowDays: 14, runs: 10),
            total: .init(name: "all", targeted: 1, deliverable: 1, figures: figures))
        let json = try report.jsonString()
        #expect(json.contains("\"mean\" : 0.3333"))
        #expect(json.contains("\"low\" : 0.3,"))
        #expect(!json.contains("generatedAt") && !json.contains("roi"))
        #expect(json.range(of: "\"backtest\"") == nil)
        let keys = json.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == keys.sorted())
    }

    @Test func numbersFormatTheSameEverywhere() {
        #expect(ReportText.fixed(1_234_567.895, 2) == "1,234,567.90")
        #expect(ReportText.fixed(-0.004, 2) == "0.00")
        #expect(ReportText.fixed(-12.5, 0) == "−13")
        #expect(ReportText.integer(-1_000) == "−1,000")
        #expect(ReportText.percent(0.1234) == "12.3%")
        #expect(ReportText.money(-5, currency: "CNY") == "−¥5.00")
        #expect(ReportText.money(12.345, currency: "CHF") == "CHF 12.35")
        #expect(ReportText.compact(12_345) == "12.3k" && ReportText.compact(2_500_000) == "2.5M")
        #expect(SVGChart.niceStep(9_700) == 2_000)
    }
}
