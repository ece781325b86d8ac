import CrescentCore

/// The campaign's expected redemptions under a drawn model, the sum the forecast's parameter
/// scenarios are scaled by, priced once per distinct candidate.
///
/// Why: every parameter draw (40 by default) re-prices every candidate, and a candidate's price
/// depends only on their (x, t_x, T), their qualifying share and their lift; candidates sharing
/// those are many (a few thousand distinct among hundreds of thousands). Each distinct one is
/// priced once per draw and the candidates' prices are then added in candidate order: the same
/// additions of the same numbers as pricing each candidate, so the same sum to the last bit.
struct ScenarioChances {
    private struct Key: Hashable { var summary: BGNBD.Customer?; var share: Double; var lift: Double }
    private let model: BaselineResponse
    private let windowDays: Int
    /// One representative candidate per distinct key.
    private var distinct: [(member: Int, spend: QualifyingSpend, lift: Double)] = []
    /// Each candidate's index into `distinct`, in candidate order.
    private var slots: [Int32] = []

    init(model: BaselineResponse, windowDays: Int, candidates: [(member: Int, spend: QualifyingSpend, lift: Double)]) {
        self.model = model
        self.windowDays = windowDays
        var index: [Key: Int32] = [:]
        slots.reserveCapacity(candidates.count)
        for c in candidates {
            let key = Key(summary: model.summaries[c.member], share: c.spend.share[c.member], lift: c.lift)
            if let k = index[key] { slots.append(k); continue }
            index[key] = Int32(distinct.count)
            slots.append(Int32(distinct.count))
            distinct.append(c)
        }
    }

    /// Σ min(1, lift × P(qualifying purchase)) over the candidates, under `drawn` (nil: the fit).
    func expected(_ drawn: BGNBD?) -> Double {
        let price = distinct.map { c in
            min(1, c.lift * model.probability(member: c.member, windowDays: windowDays, spend: c.spend, model: drawn))
        }
        return slots.reduce(0.0) { $0 + price[Int($1)] }
    }
}
