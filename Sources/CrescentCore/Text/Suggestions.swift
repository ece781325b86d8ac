/// The candidate nearest to `word` by edit distance (case-insensitive), if near enough to be
/// a likely typo: within 2 edits, or a third of the word for long words.
///
/// For example:
/// ```swift
/// closest(to: "min_spent", in: ["min_spend", "off"])   // "min_spend"
/// ```
public func closest(to word: String, in candidates: [String]) -> String? {
    let w = word.lowercased()
    let scored = candidates.map { ($0, editDistance(w, $0.lowercased())) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
    guard let best = scored.first, best.1 <= max(2, word.count / 3) else { return nil }
    return best.0
}

/// Levenshtein distance between two strings.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
