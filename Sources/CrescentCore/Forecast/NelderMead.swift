/// A deterministic Nelder–Mead simplex minimiser with restarts.
///
/// Small, derivative-free and robust on the smooth, low-dimensional likelihoods the
/// forecast fits (four log-parameters for BG/NBD). Non-finite objective values count
/// as +∞, so the search simply backs away from regions where a model is undefined.
/// Restarting from the best vertex with a fresh simplex guards against the simplex
/// collapsing early onto a ridge — the classic failure of the method.
///
/// For example:
/// ```swift
/// let best = NelderMead().minimize(start: [0, 0]) { p in (p[0] - 1) * (p[0] - 1) + p[1] * p[1] }
/// best.point   // ≈ [1, 0]
/// ```
public struct NelderMead: Sendable {
    /// Initial step of the simplex along each axis.
    public var step: Double = 0.5
    /// Stop when the spread of objective values over the simplex falls below this.
    public var functionTolerance: Double = 1e-10
    /// …and the simplex is smaller than this along every axis.
    public var pointTolerance: Double = 1e-8
    /// Iteration cap for one simplex run.
    public var maxIterations: Int = 10_000
    /// Fresh simplices started from the best point found so far.
    public var restarts: Int = 3

    public init() {}

    /// A minimum found, the objective there, and how many evaluations it cost.
    public struct Result: Sendable {
        public var point: [Double]
        public var value: Double
        public var evaluations: Int
        /// False when some run hit `maxIterations` before meeting the tolerances.
        public var converged: Bool
    }

    public func minimize(start: [Double], _ f: ([Double]) -> Double) -> Result {
        var evaluations = 0
        var best = run(from: start, f, &evaluations)
        for _ in 0..<restarts {
            let next = run(from: best.point, f, &evaluations)
            let improved = next.value < best.value - functionTolerance
            if next.value <= best.value { best = next }
            if !improved { break }
        }
        best.evaluations = evaluations
        return best
    }

    private func run(from start: [Double], _ objective: ([Double]) -> Double,
                     _ evaluations: inout Int) -> Result {
        var count = 0
        func f(_ p: [Double]) -> Double {
            count += 1
            let v = objective(p)
            return v.isFinite ? v : .infinity
        }
        defer { evaluations += count }
        let n = start.count
        var simplex = [start]
        for i in 0..<n {
            var p = start
            p[i] += step
            simplex.append(p)
        }
        var values = simplex.map(f)
        for _ in 0..<maxIterations {
            // Order vertices best to worst; ties broken by index keeps it deterministic.
            let order = (0...n).sorted { (values[$0], $0) < (values[$1], $1) }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if converged(simplex, values) {
                return Result(point: simplex[0], value: values[0], evaluations: 0, converged: true)
            }
            var centroid = [Double](repeating: 0, count: n)
            for v in simplex.dropLast() { for i in 0..<n { centroid[i] += v[i] / Double(n) } }
            let worst = simplex[n]
            func toward(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (worst[$0] - centroid[$0]) } }

            let reflected = toward(-1), fr = f(reflected)
            if fr < values[0] {
                let expanded = toward(-2), fe = f(expanded)
                if fe < fr { simplex[n] = expanded; values[n] = fe } else { simplex[n] = reflected; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = reflected; values[n] = fr
            } else {
                let outside = fr < values[n]
                let contracted = toward(outside ? -0.5 : 0.5), fc = f(contracted)
                if fc < (outside ? fr : values[n]) {
                    simplex[n] = contracted; values[n] = fc
                } else {
                    // Shrink everything towards the best vertex.
                    for k in 1...n {
                        simplex[k] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[k][$0] - simplex[0][$0]) }
                        values[k] = f(simplex[k])
                    }
                }
            }
        }
        let i = values.indices.min { (values[$0], $0) < (values[$1], $1) }!
        return Result(point: simplex[i], value: values[i], evaluations: 0, converged: false)
    }

    private func converged(_ simplex: [[Double]], _ values: [Double]) -> Bool {
        guard values[0].isFinite, values.last!.isFinite else { return false }
        guard abs(values.last! - values[0]) <= functionTolerance * (1 + abs(values[0])) else { return false }
        for v in simplex.dropFirst() {
            for i in v.indices where abs(v[i] - simplex[0][i]) > pointTolerance * (1 + abs(simplex[0][i])) {
                return false
            }
        }
        return true
    }
}
