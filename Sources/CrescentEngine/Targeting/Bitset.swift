import Foundation

/// A set of member indices as bits: set operations over a million members in microseconds.
public struct Bitset: Equatable, Sendable {
    public private(set) var words: [UInt64]
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = capacity
        words = [UInt64](repeating: 0, count: (capacity + 63) / 64)
    }

    public init<S: Sequence>(capacity: Int, indices: S) where S.Element == Int32 {
        self.init(capacity: capacity)
        for i in indices { insert(Int(i)) }
    }

    public static func full(_ capacity: Int) -> Bitset {
        var b = Bitset(capacity: capacity)
        for i in 0..<b.words.count { b.words[i] = ~0 }
        if capacity % 64 != 0, !b.words.isEmpty { b.words[b.words.count - 1] = (1 << UInt64(capacity % 64)) - 1 }
        return b
    }

    public mutating func insert(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }
    public func contains(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    public func union(_ o: Bitset) -> Bitset { combine(o) { $0 | $1 } }
    public func intersection(_ o: Bitset) -> Bitset { combine(o) { $0 & $1 } }
    public func subtracting(_ o: Bitset) -> Bitset { combine(o) { $0 & ~$1 } }

    public func intersectionCount(_ o: Bitset) -> Int {
        var n = 0
        for i in 0..<words.count { n += (words[i] & o.words[i]).nonzeroBitCount }
        return n
    }

    private func combine(_ o: Bitset, _ f: (UInt64, UInt64) -> UInt64) -> Bitset {
        var out = self
        for i in 0..<words.count { out.words[i] = f(words[i], o.words[i]) }
        return out
    }

    /// Members in ascending index order.
    public var indices: [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(count)
        for (w, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                out.append(Int32(w * 64 + bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
        return out
    }

    /// Keeps the members for which `keep` holds, 64 at a time: one word of results per word of
    /// members, and words with no member left are skipped. From `parallelFrom` members on, the
    /// words are split into one contiguous range per core (`cores` of them): each word is
    /// decided by one worker, so the result is the same bits whatever the split.
    @inline(__always)
    mutating func refine(cores: Int = Bitset.cores, _ keep: (Int) -> Bool) {
        let capacity = self.capacity
        let parts = capacity >= Self.parallelFrom ? max(1, cores) : 1
        words.withUnsafeMutableBufferPointer { w in
            guard parts > 1 else { return Self.refine(w, 0..<w.count, capacity: capacity, keep) }
            let size = (w.count + parts - 1) / parts
            withoutActuallyEscaping(keep) { keep in
                // Each worker writes its own words only and `keep` reads columns: shared, never raced.
                let shared = UnsafeSendable((words: w, keep: keep))
                DispatchQueue.concurrentPerform(iterations: parts) { p in
                    let (w, keep) = shared.value
                    Self.refine(w, min(w.count, p * size)..<min(w.count, (p + 1) * size), capacity: capacity, keep)
                }
            }
        }
    }

    @inline(__always)
    private static func refine(_ w: UnsafeMutableBufferPointer<UInt64>, _ range: Range<Int>, capacity: Int,
                               _ keep: (Int) -> Bool) {
        for k in range where w[k] != 0 {
            let base = k << 6
            var bits: UInt64 = 0
            for j in 0..<min(64, capacity - base) where keep(base + j) { bits |= 1 << UInt64(j) }
            w[k] &= bits
        }
    }

    /// Below this many members one core decides faster than threads start.
    static let parallelFrom = 1 << 20
    public static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The lowest member for which `match` holds.
    func first(where match: (Int) -> Bool) -> Int? {
        for (k, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                let i = k << 6 + bits.trailingZeroBitCount
                if match(i) { return i }
                bits &= bits - 1
            }
        }
        return nil
    }
}
