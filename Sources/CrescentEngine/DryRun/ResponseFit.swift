import CrescentCore

/// Fits the BG/NBD response model to the population's history before the as-of day.
///
/// Large populations are fitted on a seeded sample of 20,000 customers: the likelihood
/// surface is smooth and the parameters are stable well below that size, while a fit on a
/// million rows would dominate a dry-run's time.
enum ResponseFit {
    static let sampleSize = 20_000

    static func fit(_ population: Population, asOf: Day, seed: UInt64) throws -> BGNBD.Fit? {
        let end = asOf.adding(days: -1)
        var customers = BGNBD.summarize(population, start: Day(index: Int32.min), end: end)
        if customers.count > sampleSize {
            var rng = SeededGenerator(seed: seed ^ 0xB6)
            customers.shuffle(using: &rng)
            customers = Array(customers.prefix(sampleSize))
        }
        guard customers.contains(where: { $0.x > 0 }) else { return nil }
        return try BGNBD.fit(customers)
    }
}
