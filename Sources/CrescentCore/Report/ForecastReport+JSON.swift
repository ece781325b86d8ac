#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ForecastReport {
    /// The report as pretty-printed JSON with sorted keys and every estimate rounded to
    /// four decimals, so the same data always gives the same bytes (diffable, snapshot-able).
    ///
    /// - throws: `EncodingError` if a figure is not finite (JSON has no NaN or ∞).
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Decodes a report written by `jsonString()`.
    public init(json: String) throws {
        self = try JSONDecoder().decode(ForecastReport.self, from: Data(json.utf8))
    }
}

extension Estimate {
    /// Four decimals: a hundredth of a cent, a hundredth of a percent point. Enough for
    /// any reader, and it hides last-bit floating-point noise from byte comparisons.
    public static let reportedPlaces = 4

    private enum CodingKeys: String, CodingKey { case mean, low, high }

    public func encode(to encoder: Encoder) throws {
        let r = rounded(toPlaces: Self.reportedPlaces)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(r.mean, forKey: .mean)
        try c.encode(r.low, forKey: .low)
        try c.encode(r.high, forKey: .high)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(mean: try c.decode(Double.self, forKey: .mean), low: try c.decode(Double.self, forKey: .low),
                  high: try c.decode(Double.self, forKey: .high))
    }
}
