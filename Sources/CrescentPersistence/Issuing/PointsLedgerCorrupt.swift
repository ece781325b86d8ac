import CrescentCore

/// A member's stored points rows that do not add up: a spend the earlier rows cannot cover.
public struct PointsLedgerCorrupt: Error, CustomStringConvertible, Equatable {
    public var member: Int64
    /// The `points_ledger` row id of the spend.
    public var row: Int64
    public var problem: String
    public init(member: Int64, row: Int64, problem: String) { self.member = member; self.row = row; self.problem = problem }
    public var description: String {
        "member \(member): points ledger row \(row) is a spend the earlier rows cannot cover (\(problem)); fix the ledger before issuing or redeeming points"
    }
}

/// One stored `points_ledger` row, as every store keeps it (`delta` signed: earn +, spend and expire −).
public struct StoredPointsRow: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var delta: Int64
    public var time: Timestamp
    public var expiresOn: Day?
    public init(id: Int64, kind: String, delta: Int64, time: Timestamp, expiresOn: Day?) {
        self.id = id; self.kind = kind; self.delta = delta; self.time = time; self.expiresOn = expiresOn
    }
}

extension PointsLedger {
    /// Earns, spends and expiries in row order: FIFO spends per lot reproduce the lots.
    /// - throws: ``PointsLedgerCorrupt`` when a stored spend cannot be replayed (more points
    ///   than the lots held): the balance the next action depends on is unknown, so the
    ///   action stops instead of building on a ledger that silently dropped the spend.
    public static func replay(_ rows: [StoredPointsRow], member: Int64) throws -> PointsLedger {
        var ledger = PointsLedger()
        for row in rows {
            do { try ledger.replay(kind: row.kind, delta: row.delta, day: row.time.day, expiresOn: row.expiresOn) }
            catch { throw PointsLedgerCorrupt(member: member, row: row.id, problem: "\(error)") }
        }
        return ledger
    }
}

/// Every member's points lots that will expire, from points rows read in (member, row) order:
/// what a store's `loadPointsExpiries` returns, the same on every store.
public struct PointsExpiryReplay {
    private var out: [PointsExpiry] = []
    private var member: Int64?
    private var ledger = PointsLedger()

    public init() {}

    /// Adds one stored row; rows of one member must come together, in row order.
    public mutating func add(member id: Int64, kind: String, delta: Int64, day: Day, expiresOn: Day?) {
        if id != member {
            if let m = member { out += PointsExpiry.of(ledger, member: m) }
            member = id; ledger = PointsLedger()
        }
        do { try ledger.replay(kind: kind, delta: delta, day: day, expiresOn: expiresOn) } catch {
            // A spend larger than the lots: nothing the member holds is left to expire.
            // (Issuing and redeeming refuse such a ledger with `PointsLedgerCorrupt`.)
            ledger = PointsLedger()
        }
    }

    public func finish() -> [PointsExpiry] {
        guard let m = member else { return out }
        return out + PointsExpiry.of(ledger, member: m)
    }
}
