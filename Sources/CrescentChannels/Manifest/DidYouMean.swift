/// Suggests the closest known name for a misspelt key, so a manifest error can say what was meant.
enum DidYouMean {
    /// The candidate within edit distance 2 (or a third of the word) closest to `word`, if any.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
        return best.0
    }

    /// Levenshtein distance between two strings.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }

    /// `unknown key; did you mean "x"?` or just `unknown key`.
    static func unknownKey(_ key: String, among candidates: [String]) -> String {
        if let s = suggestion(for: key, among: candidates) { return "unknown key; did you mean \"\(s)\"?" }
        return "unknown key; expected one of: " + candidates.sorted().joined(separator: ", ")
    }
}
