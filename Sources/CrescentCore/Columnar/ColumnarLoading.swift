/// What a store's column loader shares, whatever the store: member texts coded once per
/// distinct stored text, and orders read in id order placed by member as `Population` places them.

/// Tags and consent as stores keep them (comma-separated text) coded once per distinct text:
/// a store has few distinct texts, so each is split and interned once, not once per member.
public struct StoredMemberTexts {
    private var tagLists: [String: [Int32]] = ["": []]
    private var consentMasks: [String: UInt64] = ["": 0]

    public init() {}

    /// The tag codes of a stored tag list.
    public mutating func tags(_ text: String, in c: inout ColumnarPopulation) -> [Int32] {
        if let known = tagLists[text] { return known }
        let codes = text.split(separator: ",").map { c.tagCode(String($0)) }
        tagLists[text] = codes
        return codes
    }

    /// The consent bits of a stored consent list.
    /// - throws: `ColumnarPopulationError` naming `member` past `ColumnarPopulation.maxChannels` channels.
    public mutating func consent(_ text: String, member: Int64, in c: inout ColumnarPopulation) throws -> UInt64 {
        if let known = consentMasks[text] { return known }
        var bits: UInt64 = 0
        for name in text.split(separator: ",") {
            guard let bit = c.channelBit(String(name)) else {
                throw ColumnarPopulationError(memberId: member, message:
                    "consent channel \"\(name)\" is past the \(ColumnarPopulation.maxChannels) distinct channels columns hold")
            }
            bits |= bit
        }
        consentMasks[text] = bits
        return bits
    }
}

/// The orders table's columns as a loader reads them, in id order.
public struct ColumnarOrderRows: Sendable {
    public var ids: [Int64] = [], members: [Int64] = [], seconds: [Int64] = [], amounts: [Int64] = []
    public var quantities: [Int32] = []

    public init() {}

    public mutating func reserve(_ n: Int) {
        ids.reserveCapacity(n); members.reserveCapacity(n); seconds.reserveCapacity(n)
        amounts.reserveCapacity(n); quantities.reserveCapacity(n)
    }

    public mutating func append(id: Int64, member: Int64, seconds time: Int64, amount: Int64, quantity: Int64) {
        ids.append(id); members.append(member); seconds.append(time); amounts.append(amount)
        quantities.append(Int32(clamping: quantity))
    }

    /// The rows of a later id range after these.
    public mutating func append(_ next: ColumnarOrderRows) {
        ids += next.ids; members += next.members; seconds += next.seconds
        amounts += next.amounts; quantities += next.quantities
    }
}

extension ColumnarPopulation {
    /// Places orders read in table order by member (members ascend by id): orders written
    /// member by member are already in place; others are sorted once by (member, time, id).
    /// Orders of unknown members drop out, as `Population` drops them.
    public mutating func placeOrders(_ raw: ColumnarOrderRows) {
        var raw = raw
        let n = raw.members.count
        func before(_ a: Int, _ b: Int) -> Bool {
            (raw.members[a], raw.seconds[a], raw.ids[a]) < (raw.members[b], raw.seconds[b], raw.ids[b])
        }
        var sorted = true
        for k in 1..<max(1, n) where !before(k - 1, k) { sorted = false; break }
        let order: [Int] = sorted ? [] : (0..<n).sorted(by: before)
        var start = [Int](repeating: 0, count: count + 1)
        var kept: [Int] = []   // rows in member order, only when they are not simply 0..<placed
        var k = 0, placed = 0
        for i in 0..<count {
            let id = memberId[i]
            while k < n {
                let row = sorted ? k : order[k]
                if raw.members[row] > id { break }
                if raw.members[row] == id {
                    if !kept.isEmpty || !sorted || placed != k { if kept.isEmpty { kept = Array(0..<placed) }; kept.append(row) }
                    placed += 1
                }
                k += 1
            }
            start[i + 1] = placed
        }
        raw.ids = []; raw.members = []
        if kept.isEmpty && placed == n {
            setOrders(start: start, seconds: raw.seconds, amount: raw.amounts, quantity: raw.quantities)
        } else {
            // Sorted with orphans only after the last placed row: the placed rows are 0..<placed.
            let rows = kept.isEmpty ? Array(0..<placed) : kept
            setOrders(start: start, seconds: rows.map { raw.seconds[$0] }, amount: rows.map { raw.amounts[$0] },
                      quantity: rows.map { raw.quantities[$0] })
        }
    }
}
