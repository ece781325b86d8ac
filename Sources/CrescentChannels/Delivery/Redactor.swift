import Foundation

/// Replaces every secret value in text with `[redacted]` before it leaves the channel layer:
/// ledger reasons, printed output, error messages.
///
/// A secret rarely appears only as itself: a gateway echoes it inside JSON (`\"` and `\\`
/// escaped), a query string percent-encodes it, Basic auth base64-encodes it. So each secret is
/// redacted in every encoding the host prints (``SecretEncodings``), not just raw.
public struct Redactor: Sendable {
    public private(set) var secrets: [String]
    /// Every form of every secret to replace, longest first.
    private let forms: [String]

    public init(secrets: [String] = []) {
        // Very short values would redact ordinary words, so they are skipped.
        self.secrets = Array(Set(secrets.filter { $0.count >= 4 })).sorted { $0.count > $1.count }
        // Longest first, so a form that contains another is removed whole.
        forms = Array(Set(self.secrets.flatMap(SecretEncodings.forms(of:)))).sorted {
            $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1
        }
    }

    public func callAsFunction(_ text: String) -> String {
        var out = text
        for s in forms where out.contains(s) { out = out.replacingOccurrences(of: s, with: "[redacted]") }
        return out
    }

    /// Also redacts values derived from secrets that a transport may print, e.g. `Bearer <key>`.
    public func adding(_ more: [String]) -> Redactor { Redactor(secrets: secrets + more) }
}

/// The encodings of a secret that may show up in printed text.
enum SecretEncodings {
    /// Shortest base64 core worth redacting: shorter runs match unrelated base64 by chance.
    static let minimumBase64Core = 6

    static func forms(of secret: String) -> [String] {
        ([secret] + jsonEscaped(secret) + percentEncoded(secret) + base64Cores(secret)).filter { !$0.isEmpty }
    }

    /// As `JSONEncoder` (slashes escaped or not) and the plugins' `json.encode` write it.
    static func jsonEscaped(_ s: String) -> [String] {
        var plain = "", withUnicode = ""
        for scalar in s.unicodeScalars {
            let escaped: String
            switch scalar {
            case "\"": escaped = "\\\""
            case "\\": escaped = "\\\\"
            case "\n": escaped = "\\n"
            case "\r": escaped = "\\r"
            case "\t": escaped = "\\t"
            case _ where scalar.value < 0x20: escaped = String(format: "\\u%04x", scalar.value)
            default: escaped = String(scalar)
            }
            plain += escaped
            withUnicode += scalar.value < 0x80 ? escaped : scalar.utf16.map { String(format: "\\u%04x", $0) }.joined()
        }
        let slashes = plain.replacingOccurrences(of: "/", with: "\\/")
        return [plain, slashes, withUnicode, withUnicode.replacingOccurrences(of: "/", with: "\\/")]
    }

    /// Percent-encoded as in a path or query (RFC 3986 unreserved kept), upper- and lowercase
    /// hex, and as a form value (space as `+`).
    static func percentEncoded(_ s: String) -> [String] {
        var unreserved = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        unreserved.insert(charactersIn: "-._~")
        guard let upper = s.addingPercentEncoding(withAllowedCharacters: unreserved) else { return [] }
        var lower = ""
        var rest = Substring(upper)
        while let percent = rest.firstIndex(of: "%") {
            lower += rest[..<percent]
            let hex = rest[percent...].prefix(3)
            lower += hex.lowercased()
            rest = rest[hex.endIndex...]
        }
        lower += rest
        let form = upper.replacingOccurrences(of: "%20", with: "+")
        let query = s.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? upper
        return [upper, lower, form, query]
    }

    /// The part of the base64 text that depends only on the secret's bytes, for each of the three
    /// alignments the secret can have inside a longer value (e.g. `user:secret` in Basic auth),
    /// in the standard and the URL-safe alphabet.
    static func base64Cores(_ s: String) -> [String] {
        let bytes = Array(s.utf8)
        var cores: [String] = []
        for offset in 0..<3 {
            let encoded = Array((Data(repeating: 0, count: offset) + Data(bytes)).base64EncodedString().utf8)
            // Character i covers bits 6i..<6i+6; keep those that lie wholly inside the secret.
            let first = (8 * offset + 5) / 6, end = (8 * (offset + bytes.count)) / 6
            guard end - first >= minimumBase64Core else { continue }
            let core = String(decoding: encoded[first..<end], as: UTF8.self)
            cores.append(core)
            cores.append(core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        }
        return cores
    }
}
