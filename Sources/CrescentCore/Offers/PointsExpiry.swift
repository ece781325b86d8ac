/// Points of one member that expire on one day, unless spent first: what the engine's
/// `points_expiring` date scene is generated from.
public struct PointsExpiry: Sendable, Equatable {
    public var member: Int64
    public var day: Day
    public var points: Int64

    public init(member: Int64, day: Day, points: Int64) { self.member = member; self.day = day; self.points = points }

    /// The member's unspent lots that expire, by expiry day.
    public static func of(_ ledger: PointsLedger, member: Int64) -> [PointsExpiry] {
        var byDay: [Day: Int64] = [:]
        for lot in ledger.lots { if let d = lot.expiresOn { byDay[d, default: 0] += lot.remaining } }
        return byDay.keys.sorted().map { PointsExpiry(member: member, day: $0, points: byDay[$0]!) }
    }
}

extension PointsLedger {
    /// Applies one stored row (`kind` as stored: earn, spend, expire; `delta` signed) in
    /// row order, so replaying a member's rows rebuilds their lots.
    /// - throws: ``PointsError`` when a spend is more than the lots hold.
    public mutating func replay(kind: String, delta: Int64, day: Day, expiresOn: Day?) throws(PointsError) {
        switch kind {
        case "earn": earn(delta, on: day, expiresOn: expiresOn)
        case "spend": _ = try spend(-delta, on: day)
        default: _ = expire(asOf: day)
        }
    }
}
