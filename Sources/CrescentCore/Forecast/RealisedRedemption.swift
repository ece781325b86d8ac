/// What actually happened after an as-of day: the first order of a member that meets a
/// minimum spend inside a window. A backtest's "actual", for the dry-run's backtest and
/// for `crescent bench backtest` alike.
public enum RealisedRedemption {
    /// The first order in `from ..< to` worth at least `minSpend`, if any (orders are
    /// sorted by time within a member).
    public static func firstQualifyingOrder(in orders: ArraySlice<Order>, minSpend: Money,
                                            from: Timestamp, to: Timestamp) -> Order? {
        orders.first { $0.time >= from && $0.time < to && $0.amount >= minSpend }
    }
}
