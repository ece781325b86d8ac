import Foundation

extension BGNBD {
    /// What a fit reads of its customers: their distinct (x, t_x, T) with counts, the pilot
    /// subset that picks the starting point, and the mean age. Built from `Customer` values or
    /// straight from columns in one pass (no per-member values kept); both give the same input
    /// for the same customers, so the same fit.
    public struct FitInput: Sendable {
        public let customers: Int
        public let repeatBuyers: Int
        /// Mean T over the customers, summed in customer order.
        let meanT: Double
        let full: CompressedSummaries
        /// Every k-th customer when there are more than `pilotSize` (k rounds up).
        let pilot: CompressedSummaries?

        public init(_ customers: [Customer]) {
            self.customers = customers.count
            repeatBuyers = customers.count { $0.x > 0 }
            meanT = customers.isEmpty ? 0 : customers.reduce(0) { $0 + $1.T } / Double(customers.count)
            full = CompressedSummaries(customers)
            pilot = Self.pilotPositions(customers.count).map { CompressedSummaries($0.map { customers[$0] }) }
        }

        /// The customers `calibrationRows(c, start:end:age:)` would give, in one pass over the
        /// columns: each member's summary is kept as three integers (repeat days, t_x and T in
        /// days) and compressed by sorting, so 10 M members cost 12 bytes each for a moment.
        public init(_ c: ColumnarPopulation, start: Day, end: Day, age: AgeConvention) {
            let horizon = age == .startOfLastDay ? end : end.adding(days: 1)
            var keys: [DaySummary] = []
            var sumT = 0.0
            for i in 0..<c.count {
                guard let span = PurchaseSpan(c, member: i, start: start, end: end) else { continue }
                let key = DaySummary(x: Int32(span.days - 1), tx: Int32(span.last.days(since: span.first)),
                                     T: Int32(horizon.days(since: span.first)))
                sumT += key.customer.T
                keys.append(key)
            }
            customers = keys.count
            repeatBuyers = keys.count { $0.x > 0 }
            meanT = keys.isEmpty ? 0 : sumT / Double(keys.count)
            pilot = Self.pilotPositions(keys.count).map { CompressedSummaries($0.map { keys[$0].customer }) }
            keys.sort()
            var distinct: [(Customer, Double)] = []
            var k = 0
            while k < keys.count {
                var next = k + 1
                while next < keys.count && keys[next] == keys[k] { next += 1 }
                distinct.append((keys[k].customer, Double(next - k)))
                k = next
            }
            full = CompressedSummaries(sortedDistinct: distinct)
        }

        /// Positions 0, k, 2k, … of an evenly spaced pilot; nil at or under `pilotSize`.
        private static func pilotPositions(_ count: Int) -> StrideTo<Int>? {
            guard count > pilotSize else { return nil }
            return stride(from: 0, to: count, by: (count + pilotSize - 1) / pilotSize)
        }
    }

    /// (x, t_x, T) in whole days: ordered as the customers' (x, t_x, T) in weeks are.
    private struct DaySummary: Comparable {
        var x: Int32, tx: Int32, T: Int32
        static func < (a: Self, b: Self) -> Bool { (a.x, a.tx, a.T) < (b.x, b.tx, b.T) }
        var customer: Customer { Customer(x: Double(x), tx: Double(tx) / 7, T: Double(T) / 7) }
    }
}

/// Customers grouped by distinct (x, t_x, T) with their counts, plus the distinct x, t_x
/// and T values each row points at, so one likelihood evaluation computes each log-gamma
/// once per distinct x and each log(α + t) once per distinct time.
///
/// The rows are summed in fixed blocks of `blockRows`, the blocks on every core and their
/// sums then added in block order: the likelihood is the same whatever the core count.
struct CompressedSummaries: Sendable {
    /// Per row (ascending (x, t_x, T)): indices into `xs`, `txs`, `Ts`, and the customers' count.
    private var rowX: [Int32] = [], rowTx: [Int32] = [], rowT: [Int32] = []
    private var rowCount: [Double] = []
    var xs: [Double] = [], txs: [Double] = [], Ts: [Double] = []
    static let blockRows = 32_768

    var count: Int { rowCount.count }

    init(_ customers: [BGNBD.Customer]) {
        var counts: [BGNBD.Customer: Double] = [:]
        for c in customers { counts[c, default: 0] += 1 }
        let unique = counts.keys.sorted { ($0.x, $0.tx, $0.T) < ($1.x, $1.tx, $1.T) }
        self.init(sortedDistinct: unique.map { ($0, counts[$0]!) })
    }

    /// - parameter sortedDistinct: distinct customers in ascending (x, t_x, T), with counts.
    init(sortedDistinct rows: [(BGNBD.Customer, Double)]) {
        xs = Array(Set(rows.map(\.0.x))).sorted()
        txs = Array(Set(rows.map(\.0.tx))).sorted()
        Ts = Array(Set(rows.map(\.0.T))).sorted()
        let xIndex = Dictionary(uniqueKeysWithValues: xs.enumerated().map { ($1, Int32($0)) })
        let txIndex = Dictionary(uniqueKeysWithValues: txs.enumerated().map { ($1, Int32($0)) })
        let TIndex = Dictionary(uniqueKeysWithValues: Ts.enumerated().map { ($1, Int32($0)) })
        rowX = rows.map { xIndex[$0.0.x]! }
        rowTx = rows.map { txIndex[$0.0.tx]! }
        rowT = rows.map { TIndex[$0.0.T]! }
        rowCount = rows.map(\.1)
    }

    /// −log L at log-parameters p = (log r, log α, log a, log b); +∞ in meaningless corners.
    /// - parameter workers: blocks summed at once (every core by default; tests vary it).
    func negativeLogLikelihood(_ p: [Double], variant: BGNBD.Variant,
                               workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> Double {
        guard p.count == 4, p.allSatisfy({ abs($0) < 30 }) else { return .infinity }
        let r = exp(p[0]), alpha = exp(p[1]), a = exp(p[2]), b = exp(p[3])
        let extra: Double = variant == .modified ? 1 : 0
        // Per distinct x: the constant part a1 + a2 and the log-odds head log(a/(b+s−1)).
        var head = [Double](repeating: 0, count: xs.count)
        var oddsHead = [Double](repeating: -.infinity, count: xs.count)
        let common = -lgamma(r) + r * log(alpha) + lgamma(a + b) - lgamma(b)
        for (k, x) in xs.enumerated() {
            let s = x + extra
            head[k] = common + lgamma(r + x) + lgamma(b + s) - lgamma(a + b + s)
            if s > 0 { oddsHead[k] = log(a) - log(b + s - 1) }
        }
        let terms = Terms(r: r, head: head, oddsHead: oddsHead,
                          logTx: txs.map { log(alpha + $0) }, logT: Ts.map { log(alpha + $0) })
        let blocks = (count + Self.blockRows - 1) / Self.blockRows
        var total = 0.0
        if blocks <= 1 {
            total = sum(0..<count, terms)
        } else {
            let sums = Slots<Double>(blocks)
            let workers = max(1, min(blocks, workers))
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for k in stride(from: w, to: blocks, by: workers) {
                    sums[k] = sum(k * Self.blockRows..<min(count, (k + 1) * Self.blockRows), terms)
                }
            }
            for s in sums.values { total += s }
        }
        return total.isFinite ? -total : .infinity
    }

    /// The parameter-dependent values shared by the rows of one evaluation.
    private struct Terms: Sendable {
        var r: Double
        var head: [Double], oddsHead: [Double], logTx: [Double], logT: [Double]
    }

    /// Σ count · log-likelihood over `rows`, in row order.
    private func sum(_ rows: Range<Int>, _ t: Terms) -> Double {
        var total = 0.0
        for row in rows {
            let x = Int(rowX[row])
            let rx = t.r + xs[x]
            let a3 = -rx * t.logT[Int(rowT[row])]
            var ll = t.head[x] + a3
            let lo = t.oddsHead[x]
            if lo > -.infinity {
                // log(e^a3 + e^a4) = a3 + log(1 + e^(a4 − a3)), computed stably.
                let d = lo - rx * t.logTx[Int(rowTx[row])] - a3
                ll += d > 0 ? d + log1p(exp(-d)) : log1p(exp(d))
            }
            total += rowCount[row] * ll
        }
        return total
    }
}
