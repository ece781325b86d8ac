/// Replaces every secret value in text with `[redacted]` before it leaves the channel layer:
/// ledger reasons, printed output, error messages.
public struct Redactor: Sendable {
    public private(set) var secrets: [String]

    public init(secrets: [String] = []) {
        // Longest first, so a secret that contains another is removed whole; very short
        // values would redact ordinary words, so they are skipped.
        self.secrets = Array(Set(secrets.filter { $0.count >= 4 })).sorted { $0.count > $1.count }
    }

    public func callAsFunction(_ text: String) -> String {
        var out = text
        for s in secrets where out.contains(s) { out = out.replacingOccurrences(of: s, with: "[redacted]") }
        return out
    }

    /// Also redacts values derived from secrets that a transport may print, e.g. `Bearer <key>`.
    public func adding(_ more: [String]) -> Redactor { Redactor(secrets: secrets + more) }
}

import Foundation
