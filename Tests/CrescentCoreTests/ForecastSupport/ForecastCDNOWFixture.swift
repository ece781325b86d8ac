import CrescentCore
import Foundation

/// Reads `data/cdnow_sample.txt` (customer id, sample id, YYYYMMDD, CDs, dollars) into a
/// Population. A test-only reader: the official importer lives in CrescentStore.
enum ForecastCDNOWFixture {
    /// The repository's `data/` folder, found from this file's path.
    static var path: String {
        // The file has CRLF line ends; "\r\n" is one Character, hence `isNewline`.
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4) // ForecastSupport/ForecastCDNOWFixture.swift, CrescentCoreTests, Tests
        return parts.joined(separator: "/") + "/data/cdnow_sample.txt"
    }

    static func load() throws -> Population {
        let text = try readFile(path)
        var members: [Member] = []
        var seen: Set<Int64> = []
        var orders: [Order] = []
        for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard f.count == 5, let id = Int64(f[0]), let ymd = Int(f[2]), let day = Day(yyyymmdd: ymd),
                  let cds = Int(f[3]), let amount = Money(parsing: f[4]) else {
                throw FixtureError.badLine(n + 1, String(line.prefix(80)))
            }
            if seen.insert(id).inserted { members.append(Member(id: id, joinDate: day)) }
            orders.append(Order(id: Int64(n), memberId: id, time: Timestamp(day: day),
                                amount: amount, quantity: cds))
        }
        return Population(members: members, orders: orders)
    }

    enum FixtureError: Error { case badLine(Int, String), unreadable(String) }

    private static func readFile(_ path: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch { throw FixtureError.unreadable(path) }
    }
}
