/// Population value figures over the RFM window, and the annual-target decomposition.
///
/// The identity the operators plan with:
/// `revenue = valuePerCustomer × activeCustomers = AOV × frequency × (new + returning)`,
/// where AOV = revenue / orders, frequency = orders / active customers, and a customer is
/// active when they ordered in the window (new when their first order ever is in it).
public struct CustomerValueSummary: Sendable, Hashable {
    public var windowDays: Int
    public var orders: Int
    public var revenue: Money
    public var units: Int
    public var activeCustomers: Int
    public var newCustomers: Int
    public var returningCustomers: Int { activeCustomers - newCustomers }

    /// Average order value: revenue / orders, rounded half up.
    public var aov: Money { Money(minorUnits: averageMinor(revenue.minorUnits, orders)) }
    /// Units per transaction.
    public var upt: Double { orders > 0 ? Double(units) / Double(orders) : 0 }
    /// Average selling price per unit (ASPT = ASPU × UPT ≈ AOV).
    public var aspu: Money { Money(minorUnits: averageMinor(revenue.minorUnits, units)) }
    /// Orders per active customer in the window.
    public var purchaseFrequency: Double {
        activeCustomers > 0 ? Double(orders) / Double(activeCustomers) : 0
    }
    /// Revenue per active customer.
    public var valuePerCustomer: Money {
        Money(minorUnits: averageMinor(revenue.minorUnits, activeCustomers))
    }

    /// Revenue a plan yields: AOV × frequency × (new + returning), in minor units, rounded.
    public static func annualTarget(aov: Money, frequency: Double, newCustomers: Int,
                                    returningCustomers: Int) -> Money {
        let v = Double(aov.minorUnits) * frequency * Double(newCustomers + returningCustomers)
        return Money(minorUnits: Int64(v.rounded()))
    }
}

/// Running totals for `CustomerValueSummary` while `DerivedViews` walks the orders.
struct SummaryAccumulator {
    var orders = 0, units = 0, revenue: Int64 = 0, active = 0, new = 0

    @inline(__always)
    mutating func add(windowOrders: Int, spend: Int64, units u: Int, isNew: Bool) {
        guard windowOrders > 0 else { return }
        orders += windowOrders; revenue += spend; units += u; active += 1
        if isNew { new += 1 }
    }

    /// Adds the totals of another range of members.
    mutating func merge(_ o: SummaryAccumulator) {
        orders += o.orders; units += o.units; revenue += o.revenue; active += o.active; new += o.new
    }

    func summary(windowDays: Int) -> CustomerValueSummary {
        CustomerValueSummary(windowDays: windowDays, orders: orders, revenue: Money(minorUnits: revenue),
                             units: units, activeCustomers: active, newCustomers: new)
    }
}
