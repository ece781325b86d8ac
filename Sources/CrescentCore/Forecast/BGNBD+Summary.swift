extension BGNBD {
    /// Where a customer's age T stops inside the last calibration day.
    public enum AgeConvention: String, Sendable, Codable, CaseIterable {
        /// T = (calibration end − first purchase day) / 7: the age at the *start* of the
        /// last day. This is the convention of Hardie's published CDNOW summary
        /// (customer 4: first purchase 1997-01-01, T = 38.86 = 272 / 7 with the period
        /// ending 1997-09-30) and the one that reproduces the paper's estimates.
        case startOfLastDay
        /// T = (day after calibration end − first purchase day) / 7: the age at the end
        /// of the last day, so a purchase on the last day is strictly inside (0, T].
        case endOfLastDay
    }

    /// One member's BG/NBD summary, tied back to the population row it came from.
    public struct CalibrationRow: Hashable, Sendable {
        /// Index into `Population.members`.
        public var memberIndex: Int
        public var customer: Customer
        /// The first purchase day in the window (day 0 of the customer's clock).
        public var firstPurchase: Day
    }

    /// Builds (x, t_x, T) in weeks for every member who bought inside the calibration
    /// window `start...end` (both days inclusive).
    ///
    /// - x counts distinct repeat purchase **days**: several orders on one day are one
    ///   transaction, and the first purchase day is not a repeat.
    /// - t_x is the weeks from the first to the last purchase day in the window.
    /// - T is the weeks from the first purchase day to the end of the window, per `age`.
    ///
    /// Orders before `start` or after `end` are ignored; members whose first purchase in
    /// the window is after `end` (or who never bought) are left out.
    public static func calibrationRows(_ population: Population, start: Day, end: Day,
                                       age: AgeConvention = .startOfLastDay) -> [CalibrationRow] {
        let horizon = age == .startOfLastDay ? end : end.adding(days: 1)
        return (0..<population.count).compactMap { i in
            let span = PurchaseSpan(start: start, end: end) { visit in
                for order in population.orders(ofMemberAt: i) { visit(order.day) }
            }
            return span.map { CalibrationRow(memberIndex: i, customer: $0.customer(horizon: horizon), firstPurchase: $0.first) }
        }
    }

    /// The same from columns (member `i` is population member `i`).
    public static func calibrationRows(_ c: ColumnarPopulation, start: Day, end: Day,
                                       age: AgeConvention = .startOfLastDay) -> [CalibrationRow] {
        let horizon = age == .startOfLastDay ? end : end.adding(days: 1)
        return (0..<c.count).compactMap { i in
            PurchaseSpan(c, member: i, start: start, end: end).map {
                CalibrationRow(memberIndex: i, customer: $0.customer(horizon: horizon), firstPurchase: $0.first)
            }
        }
    }

    /// A member's distinct purchase days inside a calibration window, in whole days: what
    /// (x, t_x, T) is made of, kept as integers so equal summaries compare exactly.
    struct PurchaseSpan: Sendable {
        var first: Day, last: Day
        /// Distinct purchase days.
        var days: Int

        /// Nil when the member bought nothing inside `start...end`.
        /// - parameter days: calls `visit(day)` for each of the member's orders, in time order.
        init?(start: Day, end: Day, days: ((Day) -> Void) -> Void) {
            var first: Day?
            var last: Day?
            var count = 0
            // Orders are sorted by time within a member, so distinct days are runs.
            days { d in
                guard d >= start, d <= end else { return }
                if first == nil { first = d }
                if last != d { count += 1; last = d }
            }
            guard let first, let last else { return nil }
            self.first = first; self.last = last; self.days = count
        }

        /// Member `i`'s span from columns.
        init?(_ c: ColumnarPopulation, member i: Int, start: Day, end: Day) {
            self.init(start: start, end: end) { visit in
                for k in c.orderStart[i]..<c.orderStart[i + 1] { visit(Timestamp(seconds: c.orderSeconds[k]).day) }
            }
        }

        /// (x, t_x, T) in weeks, T up to `horizon`.
        func customer(horizon: Day) -> Customer {
            Customer(x: Double(days - 1), tx: Double(last.days(since: first)) / 7, T: Double(horizon.days(since: first)) / 7)
        }
    }

    /// The bare (x, t_x, T) summaries of `calibrationRows`, ready for `fit(_:)`.
    public static func summarize(_ population: Population, start: Day, end: Day,
                                 age: AgeConvention = .startOfLastDay) -> [Customer] {
        calibrationRows(population, start: start, end: end, age: age).map(\.customer)
    }
}
