import CrescentCore
import PostgresNIO

/// Reserved stock and budget per campaign (`campaign_reservations`), moved only by
/// conditional updates: the check and the consumption are one statement, so any number of
/// nodes reserving at once never take more than the limits allow.
struct PostgresReservations: Sendable {
    let pool: PostgresSessionPool

    /// Takes one unit of stock and `value` of budget from `campaign` when both stay within
    /// their limits (nil: unlimited), in its own transaction.
    public func reserve(campaign: String, stock: Int?, budget: Money?, value: Money) throws -> ReserveOutcome {
        try pool.withSession { try Self.reserve($0, campaign: campaign, stock: stock, budget: budget, value: value) }
    }

    /// Gives back one unit and `value` (an issue that turned out to be a replay).
    public func release(campaign: String, value: Money) throws {
        try pool.withSession { try Self.release($0, campaign: campaign, value: value) }
    }

    /// What `campaign` has reserved so far.
    public func reserved(campaign: String) throws -> (stock: Int, budget: Money) {
        try pool.withSession { s in
            guard let row = try s.query("SELECT stock, budget_minor FROM campaign_reservations WHERE campaign = \(campaign)").first
            else { return (0, .zero) }
            let (stock, budget) = try row.decode((Int64, Int64).self)
            return (Int(stock), Money(minorUnits: budget))
        }
    }

    static func reserve(_ s: PostgresSession, campaign: String, stock: Int?, budget: Money?,
                        value: Money) throws -> ReserveOutcome {
        try s.execute("INSERT INTO campaign_reservations(campaign) VALUES (\(campaign)) ON CONFLICT (campaign) DO NOTHING")
        let stockLimit = stock.map(Int64.init)
        let budgetLimit = budget?.minorUnits
        let taken = try s.execute("""
            UPDATE campaign_reservations SET stock = stock + 1, budget_minor = budget_minor + \(value.minorUnits)
            WHERE campaign = \(campaign)
              AND (\(stockLimit)::BIGINT IS NULL OR stock + 1 <= \(stockLimit))
              AND (\(budgetLimit)::BIGINT IS NULL OR budget_minor + \(value.minorUnits) <= \(budgetLimit))
            """)
        if taken == 1 { return .reserved }
        // Refused: say which limit, as the in-memory guard does (stock first).
        let (held, _) = try s.query("SELECT stock, budget_minor FROM campaign_reservations WHERE campaign = \(campaign)")[0]
            .decode((Int64, Int64).self)
        if let stockLimit, held + 1 > stockLimit { return .outOfStock }
        return .budgetExhausted
    }

    static func release(_ s: PostgresSession, campaign: String, value: Money) throws {
        try s.execute("""
            UPDATE campaign_reservations SET stock = stock - 1, budget_minor = budget_minor - \(value.minorUnits)
            WHERE campaign = \(campaign) AND stock >= 1 AND budget_minor >= \(value.minorUnits)
            """)
    }
}
