import CrescentCore
import Dispatch

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

    /// The model of the context's whole population, with summaries for the members it holds
    /// (the one started with the context when it has one, see ``EarlyResponseFit``).
    static func fit(_ context: CampaignContext) throws -> BaselineResponse? {
        guard let scope = context.scope else { return try fit(context.population, asOf: context.asOf) }
        if let early = scope.earlyFit { return try early.value() }
        return try fit(columns: scope.columns, members: scope.members, asOf: context.asOf)
    }

    /// Everyone's summaries straight from the columns, compressed; per-member ones only for `members`.
    static func fit(columns: ColumnarPopulation, members: [Int], asOf: Day) throws -> BaselineResponse? {
        try fit(BaselineResponse.fitInput(columns, asOf: asOf)).map {
            BaselineResponse(fit: $0, asOf: asOf, summaries: BaselineResponse.summaries(columns, asOf: asOf, members: members))
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

/// The response model of an audience-first context, fitted on another thread from the
/// moment its candidates are known, so the fit (columns only) runs while their records are
/// read and loaded into Lua (one core each) instead of after. The fit is the same as
/// `ResponseFit.fit(columns:members:asOf:)` called later: it reads nothing the context
/// changes, and its likelihood sums are the same on any number of cores.
public final class EarlyResponseFit: @unchecked Sendable {
    private let done = DispatchGroup()
    // Written once on the fitting thread before `done` is left; read only after waiting on it.
    private var result: Result<BaselineResponse?, Error> = .success(nil)

    init(columns: ColumnarPopulation, members: [Int], asOf: Day) {
        done.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = Result { try ResponseFit.fit(columns: columns, members: members, asOf: asOf) }
            done.leave()
        }
    }

    /// The fit, once it is done (nil when nobody has made a repeat purchase).
    func value() throws -> BaselineResponse? {
        done.wait()
        return try result.get()
    }
}
