extension ForecastReport {
    /// The response model behind a forecast as numbers: the fitted repeat-buying
    /// parameters with their standard errors, what they were fitted on, and the
    /// uncertainty the intervals carry beyond the simulation (docs/FORECAST.md).
    public struct ResponseModel: Hashable, Sendable, Codable {
        /// `BG/NBD` or `MBG/NBD`.
        public var family: String
        public var parameters: Parameters
        /// Nil when the likelihood was not curved at the optimum (no interval claimed).
        public var standardErrors: Parameters?
        public var logLikelihood: Double
        /// Buyers the model was fitted on (everyone with an order before the as-of day).
        public var customers: Int
        /// Distinct (x, t_x, T) summaries the likelihood was evaluated on.
        public var distinctSummaries: Int
        /// Chance that a member with no order buys in a window.
        public var prospectProbability: Double
        public var uncertainty: ForecastUncertainty

        public struct Parameters: Hashable, Sendable, Codable {
            public var r: Double
            public var alpha: Double
            public var a: Double
            public var b: Double
            public init(_ m: BGNBD) { r = m.r; alpha = m.alpha; a = m.a; b = m.b }
        }

        public init(_ baseline: BaselineResponse, uncertainty: ForecastUncertainty) {
            let fit = baseline.fit
            family = fit.model.variant == .modified ? "MBG/NBD" : "BG/NBD"
            parameters = Parameters(fit.model)
            standardErrors = fit.standardErrors.map(Parameters.init)
            logLikelihood = fit.logLikelihood
            customers = fit.customers
            distinctSummaries = fit.distinctSummaries
            prospectProbability = baseline.prospectProbability
            self.uncertainty = uncertainty
        }

        /// One line for people, e.g. `MBG/NBD r=0.243±0.013 α=4.41±0.38 …`.
        public var summary: String {
            func f(_ v: Double, _ se: Double?) -> String {
                let text = (v * 1000).rounded() / 1000
                return se.map { "\(text)±\(($0 * 1000).rounded() / 1000)" } ?? "\(text)"
            }
            let p = parameters, s = standardErrors
            return "\(family) r=\(f(p.r, s?.r)) α=\(f(p.alpha, s?.alpha)) a=\(f(p.a, s?.a)) b=\(f(p.b, s?.b))"
                + " on \(customers) buyers"
        }
    }
}
