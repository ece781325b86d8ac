import CrescentCore

/// Suggests the closest known name for a misspelt key, so a manifest error can say what was meant.
enum DidYouMean {
    /// `unknown key; did you mean "x"?` or just `unknown key`.
    static func unknownKey(_ key: String, among candidates: [String]) -> String {
        if let s = closest(to: key, in: candidates) { return "unknown key; did you mean \"\(s)\"?" }
        return "unknown key; expected one of: " + candidates.sorted().joined(separator: ", ")
    }
}
