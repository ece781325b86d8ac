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
        return try fit(summaries).map { BaselineResponse(fit: $0, asOf: asOf, summaries: summaries) }
    }

    /// The model of the context's whole population, with summaries for the members it holds.
    static func fit(_ context: CampaignContext) throws -> BaselineResponse? {
        guard let scope = context.scope else { return try fit(context.population, asOf: context.asOf) }
        // Everyone's summaries straight from the columns, compressed; per-member ones only for those held.
        return try fit(BaselineResponse.fitInput(scope.columns, asOf: context.asOf)).map {
            BaselineResponse(fit: $0, asOf: context.asOf,
                             summaries: BaselineResponse.summaries(scope.columns, asOf: context.asOf, members: scope.members))
        }
    }

    private static func fit(_ summaries: [BGNBD.Customer?]) throws -> BGNBD.Fit? {
        try fit(BGNBD.FitInput(summaries.compactMap { $0 }))
    }

    private static func fit(_ input: BGNBD.FitInput) throws -> BGNBD.Fit? {
        guard input.repeatBuyers > 0 else { return nil }
        return try BGNBD.fit(input, variant: variant)
    }
}
