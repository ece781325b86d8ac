import Testing
@testable import CrescentCore

@Suite struct BGNBDFitTests {
    static let start = Day(year: 1997, month: 1, day: 1)
    static let end = Day(year: 1997, month: 9, day: 30)

    @Test func summaryMatchesHardiesPublishedRows() throws {
        let population = try ForecastCDNOWFixture.load()
        #expect(population.count == 2357)
        #expect(population.orders.count == 6919)
        let rows = BGNBD.calibrationRows(population, start: Self.start, end: Self.end)
        #expect(rows.count == 2357)
        // Customer 00004: 1997-01-01, 01-18, 08-02 in the window; 12-12 is after it.
        let four = rows.first { population.members[$0.memberIndex].id == 4 }!.customer
        #expect(four.x == 2)
        #expect(abs(four.tx - 30.428_571) < 1e-5)
        #expect(abs(four.T - 38.857_143) < 1e-5)
        let ended = BGNBD.calibrationRows(population, start: Self.start, end: Self.end, age: .endOfLastDay)
        #expect(abs(ended.first { population.members[$0.memberIndex].id == 4 }!.customer.T - 39) < 1e-9)
    }

    @Test func fitReproducesThePublishedCDNOWEstimates() throws {
        let population = try ForecastCDNOWFixture.load()
        // Published (Fader, Hardie & Lee 2005, table 1): r 0.243, α 4.414, a 0.793, b 2.426,
        // LL −9582.4. We get 0.2426, 4.4136, 0.7929, 2.4259, −9582.43 with T to the start
        // of 1997-09-30; T to its end (39 weeks for customer 4) gives a 0.814, b 2.477, LL −9589.9.
        let fit = try BGNBD.fit(BGNBD.summarize(population, start: Self.start, end: Self.end))
        #expect(fit.converged)
        #expect(close(fit.model.r, 0.243, tolerance: 0.002))
        #expect(close(fit.model.alpha, 4.414, tolerance: 0.002))
        #expect(close(fit.model.a, 0.793, tolerance: 0.002))
        #expect(close(fit.model.b, 2.426, tolerance: 0.002))
        #expect(close(fit.logLikelihood, -9582.4, tolerance: 1e-4))
    }

    @Test func endOfDayAgeIsTheWrongConventionForThePaper() throws {
        let population = try ForecastCDNOWFixture.load()
        let fit = try BGNBD.fit(BGNBD.summarize(population, start: Self.start, end: Self.end, age: .endOfLastDay))
        #expect(!close(fit.model.a, 0.793, tolerance: 0.01))
        #expect(fit.logLikelihood < -9585)
    }

    @Test func fitRejectsDataWithoutRepeatBuyers() {
        let once = [BGNBD.Customer(x: 0, tx: 0, T: 10), BGNBD.Customer(x: 0, tx: 0, T: 20)]
        #expect(throws: BGNBD.FitError.notEnoughData(customers: 2, repeatBuyers: 0)) { try BGNBD.fit(once) }
    }

    private func close(_ value: Double, _ published: Double, tolerance: Double = 0.01) -> Bool {
        abs(value - published) <= tolerance * abs(published)
    }
}
