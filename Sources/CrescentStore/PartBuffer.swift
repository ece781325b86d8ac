/// Elements one reader appends while other readers fill their own parts, joined afterwards
/// into one array by moving them: a bitwise copy, no retain and release per element.
///
/// Why not `[T]` parts joined with `+=`: at 10M members the parts hold millions of members
/// and orders, and copying them retained every string and array inside, then releasing the
/// parts released them all again (about 10 CPU-seconds and a second copy's page faults).
final class PartBuffer<T>: @unchecked Sendable {
    private var base: UnsafeMutablePointer<T>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func append(_ element: T) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    /// The elements from `start` on, to change in place (e.g. one member's orders).
    func withTail<R>(from start: Int, _ body: (inout UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
        var tail = UnsafeMutableBufferPointer(start: base + start, count: count - start)
        return try body(&tail)
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// The parts' elements in order, moved out: each part is left empty.
    static func joined(_ parts: [PartBuffer<T>]) -> [T] {
        let total = parts.reduce(0) { $0 + $1.count }
        return [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            for part in parts {
                (buffer.baseAddress! + initialized).moveInitialize(from: part.base, count: part.count)
                initialized += part.count
                part.count = 0
            }
        }
    }
}
