/// One line of a member's points history.
public struct PointsEntry: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable { case earn, spend, expire }

    public var kind: Kind
    /// Always positive; the kind gives the direction.
    public var points: Int64
    public var day: Day
    /// The first day the points involved are no longer usable; nil = never expire.
    public var expiresOn: Day?
    /// Why: `order:123`, `login`, … for earns and spends; nil for expiry.
    public var reason: String?

    public init(kind: Kind, points: Int64, day: Day, expiresOn: Day?, reason: String? = nil) {
        self.kind = kind; self.points = points; self.day = day
        self.expiresOn = expiresOn; self.reason = reason
    }
}

/// Why points could not be spent.
public enum PointsError: Error, Hashable, Sendable, CustomStringConvertible {
    case insufficient(need: Int64, have: Int64)
    case notPositive(Int64)

    public var description: String {
        switch self {
        case .insufficient(let need, let have): "insufficient points: need \(need), have \(have)"
        case .notPositive(let n): "points must be > 0, got \(n)"
        }
    }
}

/// A member's points as lots, spent oldest first and expired by date.
///
/// For example, 100 earned on day 1 and 50 on day 5, each expiring after 30 days;
/// spending 120 on day 10 takes all of the first lot and 20 of the second:
/// ```swift
/// var ledger = PointsLedger()
/// ledger.earn(100, on: d1, expiresOn: d1.adding(days: 30))
/// ledger.earn(50, on: d5, expiresOn: d5.adding(days: 30))
/// let entries = try ledger.spend(120, on: d10)   // spend 100 (lot 1), spend 20 (lot 2)
/// ledger.balance                                  // 30
/// ```
public struct PointsLedger: Hashable, Sendable, Codable {
    /// Points earned together, sharing an expiry.
    public struct Lot: Hashable, Sendable, Codable {
        public var earnedOn: Day
        public var expiresOn: Day?
        public var remaining: Int64
    }

    /// Unspent, unexpired lots, oldest earned first.
    public private(set) var lots: [Lot] = []

    public init() {}

    public var balance: Int64 { lots.reduce(0) { $0 + $1.remaining } }

    /// Points usable on `day` (lots expiring on or before it excluded).
    public func balance(on day: Day) -> Int64 {
        var total: Int64 = 0
        for lot in lots where lot.expiresOn.map({ $0 > day }) ?? true { total += lot.remaining }
        return total
    }

    /// Adds a lot. Lots stay ordered by earn day, so spending stays first-in, first-out.
    @discardableResult
    public mutating func earn(_ points: Int64, on day: Day, expiresOn: Day?,
                              reason: String? = nil) -> PointsEntry {
        let entry = PointsEntry(kind: .earn, points: points, day: day, expiresOn: expiresOn, reason: reason)
        guard points > 0 else { return entry }
        let lot = Lot(earnedOn: day, expiresOn: expiresOn, remaining: points)
        let at = lots.lastIndex(where: { $0.earnedOn <= day }).map { $0 + 1 } ?? 0
        lots.insert(lot, at: at)
        return entry
    }

    /// Adds points under a rule's expiry (`day + expiryDays`).
    @discardableResult
    public mutating func earn(_ points: Int64, on day: Day, rule: PointsRule,
                              reason: String? = nil) -> PointsEntry {
        earn(points, on: day, expiresOn: rule.expiryDays.map { day.adding(days: $0) }, reason: reason)
    }

    /// Removes every lot whose expiry day is on or before `day`, one entry per lot.
    public mutating func expire(asOf day: Day) -> [PointsEntry] {
        var entries: [PointsEntry] = []
        lots.removeAll { lot in
            guard let e = lot.expiresOn, e <= day else { return false }
            entries.append(PointsEntry(kind: .expire, points: lot.remaining, day: day, expiresOn: e))
            return true
        }
        return entries
    }

    /// Expires what is due on `day`, then spends `points` from the oldest lots.
    ///
    /// Returns the expiry entries followed by one spend entry per lot touched.
    /// - throws: ``PointsError/insufficient(need:have:)`` (counting only points usable
    ///   on `day`), leaving the ledger unchanged.
    public mutating func spend(_ points: Int64, on day: Day,
                               reason: String? = nil) throws(PointsError) -> [PointsEntry] {
        guard points > 0 else { throw .notPositive(points) }
        let have = balance(on: day)
        guard have >= points else { throw .insufficient(need: points, have: have) }
        var entries = expire(asOf: day)
        var left = points
        var consumed = 0
        for i in lots.indices where left > 0 {
            let take = min(left, lots[i].remaining)
            lots[i].remaining -= take
            left -= take
            if lots[i].remaining == 0 { consumed += 1 }
            entries.append(PointsEntry(kind: .spend, points: take, day: day,
                                       expiresOn: lots[i].expiresOn, reason: reason))
        }
        lots.removeFirst(consumed)
        return entries
    }
}
