import CrescentCore

/// Fits the baseline response model to everyone's history before the as-of day (exact
/// full-data maximum likelihood: buyers are compressed to their distinct (x, t_x, T)).
enum ResponseFit {
    /// MBG/NBD: the backtests preferred it (docs/FORECAST.md), chiefly because a
    /// long-silent one-time buyer is no longer certainly alive.
    static let variant = BGNBD.Variant.modified

    /// Nil when nobody has made a repeat purchase (the model is then unidentifiable).
    static func fit(_ population: Population, asOf: Day) throws -> BaselineResponse? {
        let summaries = BaselineResponse.summaries(population, asOf: asOf)
        guard summaries.contains(where: { ($0?.x ?? 0) > 0 }) else { return nil }
        return BaselineResponse(fit: try BGNBD.fit(summaries.compactMap { $0 }, variant: variant), asOf: asOf,
                                summaries: summaries)
    }
}
