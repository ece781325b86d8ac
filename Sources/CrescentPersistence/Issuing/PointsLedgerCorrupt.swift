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
