/// One synthetic member's order history: a BG/NBD purchase process with lognormal-ish
/// baskets from the member's preferred categories.
enum SyntheticOrders {
    /// Appends the member's orders (ids continue from `idBase + orders.count + 1`, times increasing)
    /// and returns their spend in the 365 days before `asOf`, for the tier.
    static func append(for draft: inout SyntheticMemberDraft, alpha: Double, asOf: Day,
                       parameters: SyntheticPopulation.Parameters, rng: inout SeededGenerator,
                       into orders: inout [Order], idBase: Int64 = 0) -> Int64 {
        if rng.chance(parameters.prospectShare) { return 0 }
        let asOfDay = Double(asOf.index)
        let cutoff = Timestamp(day: asOf).seconds
        let lastYear = Int(asOf.index) - 365
        let start = max(Int(draft.member.joinDate.index), Int(asOf.index) - parameters.historyDays)
        let lambda = rng.nextGamma(shape: parameters.purchaseRateShape, rate: 1) / alpha
        let dropout = rng.nextBeta(parameters.dropoutA, parameters.dropoutB)
        let offsetSeconds = Int64(draft.member.utcOffsetMinutes * 60)
        let city = SyntheticCatalogue.cities[draft.cityIndex].code
        let homeStore = "\(city)-\(pad(1 + rng.nextInt(below: 12), 2))"
        var t = Double(start) + rng.nextExponential(rate: 0.1)
        var lastTime = Int64.min
        var spentLastYear: Int64 = 0
        var emitted = 0
        while t < asOfDay && emitted < 2_000 {
            let day = Int(t)
            // Shop hours 09:00–21:59 local, expressed in UTC.
            let local = Int64(9 * 3600 + rng.nextInt(below: 13 * 3600))
            var seconds = Int64(day) * 86_400 + local - offsetSeconds
            seconds = max(seconds, lastTime + 60)
            if seconds >= cutoff { break }
            lastTime = seconds
            let store = rng.chance(0.8) ? homeStore : "\(city)-\(pad(1 + rng.nextInt(below: 12), 2))"
            var order = basket(draft: draft, rng: &rng, keepItems: parameters.includeItems)
            order.id = idBase + Int64(orders.count + 1)
            order.memberId = draft.member.id
            order.time = Timestamp(seconds: seconds)
            order.store = store
            if day >= lastYear { spentLastYear += order.amount.minorUnits }
            orders.append(order)
            emitted += 1
            if rng.chance(dropout) { break }
            t += rng.nextExponential(rate: max(lambda, 1e-9))
        }
        return spentLastYear
    }

    /// Items, quantity, discount and paid amount of one order (id, member, time set by caller).
    static func basket(draft: SyntheticMemberDraft, rng: inout SeededGenerator,
                       keepItems: Bool) -> Order {
        var lines = 1
        if rng.chance(0.35) { lines += 1 }
        if rng.chance(0.10) { lines += 1 }
        var items: [OrderItem] = []
        if keepItems { items.reserveCapacity(lines) }
        var list: Int64 = 0, quantity = 0
        for _ in 0..<lines {
            let category = SyntheticCatalogue.categories[rng.pick(draft.preferred)]
            let product = rng.pick(category.products)
            let q = rng.chance(0.8) ? 1 : 2 + rng.nextInt(below: 2)
            let jitter = rng.nextLogNormal(mu: 0, sigma: 0.12)
            let unit = Int64((Double(product.price) * draft.priceFactor * jitter).rounded())
            let amount = max(unit, 100) * Int64(q)
            list += amount; quantity += q
            if keepItems {
                items.append(OrderItem(sku: product.sku, category: category.name, quantity: q,
                                       amount: Money(minorUnits: amount)))
            }
        }
        var discount: Int64 = 0
        if rng.chance(0.15) { discount = list * Int64(5 + rng.nextInt(below: 16)) / 100 }
        return Order(id: 0, memberId: 0, time: Timestamp(seconds: 0), amount: Money(minorUnits: list - discount),
                     quantity: quantity, items: items, discount: Money(minorUnits: discount))
    }
}
