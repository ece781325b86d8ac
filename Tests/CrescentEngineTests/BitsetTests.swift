@testable import CrescentEngine
import Testing

@Suite struct BitsetTests {
    /// Past `parallelFrom` members, `refine` splits the words between cores: the bits must be
    /// those a plain loop keeps, including the partial last word and words already empty.
    @Test func refineOverAMillionMembersKeepsExactlyWhatALoopKeeps() {
        let n = Bitset.parallelFrom + 77
        #expect(n > Bitset.parallelFrom)
        var set = Bitset.full(n)
        set.refine { $0 % 3 != 0 }                       // words left partly full
        set.refine { ($0 &* 2_654_435_761) >> 7 & 1 == 0 } // a scattered second condition
        let expected = (0..<n).filter { $0 % 3 != 0 && ($0 &* 2_654_435_761) >> 7 & 1 == 0 }
        #expect(set.count == expected.count)
        #expect(set.indices.map(Int.init) == expected)
        #expect(!set.contains(n - 1) || expected.last == n - 1)
        // Every member dropped: every word empty, and a further refine keeps nothing.
        set.refine { _ in false }
        set.refine { _ in true }
        #expect(set.count == 0)
    }

    @Test func refineBelowTheThresholdAndSetOperations() {
        var a = Bitset.full(130)
        a.refine { $0.isMultiple(of: 2) }
        let b = Bitset(capacity: 130, indices: [0, 1, 2, 3, 129])
        #expect(a.count == 65)
        #expect(a.intersection(b).indices == [0, 2])
        #expect(b.subtracting(a).indices == [1, 3, 129])
        #expect(a.union(b).count == 68)
        #expect(a.intersectionCount(b) == 2)
    }
}
