/// Rank-based 1–5 scores with a tie rule that never splits equal values.
///
/// For a value `v` among `n` ranked values, `score = 1 + floor(5 × below / n)` where
/// `below` counts the values strictly worse than `v`. Equal values therefore always get
/// the same score, and the best value gets 5 only if enough values are worse: with heavy
/// ties (e.g. 60% of CDNOW customers bought once) some scores may be unused. For F and M
/// "worse" is smaller; for R (recency in days) "worse" is larger.
///
/// For example, frequencies `[1, 1, 1, 2, 5]` score `[1, 1, 1, 4, 5]`.
public enum QuintileScores {
    /// Scores for `values`, higher value better. O(n log n).
    public static func higherIsBetter(_ values: [Int64]) -> [UInt8] {
        scores(values, negate: false)
    }

    /// Scores for `values`, lower value better (recency).
    public static func lowerIsBetter(_ values: [Int64]) -> [UInt8] {
        scores(values, negate: true)
    }

    private static func scores(_ values: [Int64], negate: Bool) -> [UInt8] {
        let n = values.count
        guard n > 0 else { return [] }
        // Rank on a key where larger is better, so "worse" is always "strictly smaller".
        let keys = negate ? values.map { 0 &- $0 } : values
        let sorted = keys.sorted()
        var out = [UInt8](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            sorted.withUnsafeBufferPointer { s in
                for i in 0..<n {
                    let below = lowerBound(s, keys[i])
                    o[i] = UInt8(1 + (5 * below) / n)
                }
            }
        }
        return out
    }

    /// The number of elements of sorted `s` strictly smaller than `key`.
    @inline(__always)
    static func lowerBound(_ s: UnsafeBufferPointer<Int64>, _ key: Int64) -> Int {
        var lo = 0, hi = s.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if s[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
