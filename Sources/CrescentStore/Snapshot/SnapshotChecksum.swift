/// A 64-bit checksum of a snapshot section, fast enough not to slow a read from the page cache.
///
/// xxHash64's stripe loop (four independent lanes of multiply–rotate over 32-byte stripes, so
/// the CPU overlaps them) with a simpler tail and merge: not byte-compatible with XXH64, and
/// not meant to be; it only has to notice a damaged or truncated file.
enum SnapshotChecksum {
    private static let p1: UInt64 = 11_400_714_785_074_694_791
    private static let p2: UInt64 = 14_029_467_366_897_019_727
    private static let p3: UInt64 = 1_609_587_929_392_839_161
    private static let p4: UInt64 = 9_650_029_242_287_828_579
    private static let p5: UInt64 = 2_870_177_450_012_600_261

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        var h: UInt64
        var i = 0
        if n >= 32, let base = bytes.baseAddress {
            var v1 = p1 &+ p2, v2 = p2, v3: UInt64 = 0, v4 = 0 &- p1
            while i + 32 <= n {
                v1 = round(v1, base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                v2 = round(v2, base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
                v3 = round(v3, base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
                v4 = round(v4, base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
                i += 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
        } else {
            h = p5
        }
        h &+= UInt64(n)
        while i + 8 <= n {
            h ^= round(0, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = rotl(h, 27) &* p1 &+ p4
            i += 8
        }
        while i < n {
            h ^= UInt64(bytes[i]) &* p5
            h = rotl(h, 11) &* p1
            i += 1
        }
        h ^= h >> 33; h &*= p2; h ^= h >> 29; h &*= p3; h ^= h >> 32
        return h
    }
}
