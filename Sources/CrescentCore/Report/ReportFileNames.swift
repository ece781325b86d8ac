/// File names for per-playbook reports, derived from names a script chose.
///
/// A playbook may be called `../escaped`, `a/b` or `双十一 VIP`: the file name keeps what
/// is readable (letters in any script, digits, `-`, `_`, `.`), turns everything else into
/// `_`, never starts with a dot (so never `..`), stays short, and is unique within one run.
///
/// For example:
/// ```swift
/// var names = ReportFileNames()
/// names.stem(for: "../escaped")   // "_escaped"
/// names.stem(for: "a/b")          // "a_b"
/// names.stem(for: "a:b")          // "a_b-2"
/// ```
public struct ReportFileNames: Sendable {
    public static let maxLength = 80
    private var used: Set<String> = []

    public init() {}

    /// A file name stem (no extension, no directory) for `name`, distinct from earlier ones.
    public mutating func stem(for name: String) -> String {
        let base = Self.sanitized(name)
        var candidate = base, n = 1
        while used.contains(candidate.lowercased()) {
            n += 1
            candidate = "\(base)-\(n)"
        }
        used.insert(candidate.lowercased())
        return candidate
    }

    static func sanitized(_ name: String) -> String {
        var out = ""
        var lastWasReplacement = false
        for ch in name {
            // Judged per scalar too: a "/" with a combining mark is one Character.
            let keep = (ch.isLetter || ch.isNumber || ch == "-" || ch == "_" || ch == ".")
                && !ch.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0 == ":" || $0.value < 0x20 }
            if keep {
                out.append(ch)
                lastWasReplacement = false
            } else if !lastWasReplacement {
                out.append("_")
                lastWasReplacement = true
            }
            if out.count >= maxLength { break }
        }
        while out.first == "." { out.removeFirst() }
        if out.isEmpty || out.allSatisfy({ $0 == "_" }) { out = "playbook" + out }
        return out
    }
}
