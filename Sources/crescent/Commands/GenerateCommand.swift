import ArgumentParser
import CrescentCore
import CrescentStore
import Foundation

/// `crescent generate`: a deterministic synthetic population, as CSV files or a store.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a synthetic member base with order histories (same seed, same bytes).",
        discussion: """
        --out pop.csv       writes pop.csv (members) and pop.orders.csv (orders, items inline)
        --out crm.sqlite    writes a store (the file must not exist yet)
        Both load with --data FILE; `--data synthetic:N --seed S` generates on the fly instead.
        """)

    @Option(help: "Number of members.") var members: Int = 10_000
    @Option(help: "Seed; the same seed always gives the same population.") var seed: UInt64 = 1
    @Option(help: "Output file: .csv or .sqlite/.db.") var out: String
    @Option(help: "Orders are generated strictly before this day (YYYY-MM-DD).") var asOf: String = "2026-01-01"
    @Option(help: "Target mean orders per buying member.") var ordersPerMember: Double = 5

    func run() throws {
        guard members >= 0 else { throw ValidationError("--members must not be negative") }
        guard let day = Day(asOf) else { throw ValidationError("--as-of: \"\(asOf)\" is not a date YYYY-MM-DD") }
        var parameters = SyntheticPopulation.Parameters()
        parameters.meanOrdersPerMember = ordersPerMember
        let clock = ContinuousClock()
        var population: Population!
        let generation = clock.measure {
            population = SyntheticPopulation.generate(members: members, seed: seed, asOf: day, parameters: parameters)
        }
        let writing = try clock.measure { try write(population) }
        print("generated \(population.members.count) members, \(population.orders.count) orders "
              + "(seed \(seed), as of \(day)) in \(generation.timingText) s; wrote \(out) in \(writing.timingText) s")
    }

    private func write(_ population: Population) throws {
        let ext = (out as NSString).pathExtension.lowercased()
        switch ext {
        case "csv":
            let ordersPath = (out as NSString).deletingPathExtension + ".orders.csv"
            try CSVExporter.members(population.members).write(toFile: out, atomically: true, encoding: .utf8)
            try CSVExporter.orders(population.orders).write(toFile: ordersPath, atomically: true, encoding: .utf8)
        case "sqlite", "sqlite3", "db":
            guard !FileManager.default.fileExists(atPath: out) else {
                throw ValidationError("\(out) exists; generate writes a fresh store")
            }
            let store = try CrescentStore(path: out)
            try store.insert(population: population)
            if let failure = try store.writeColumnarSnapshot() { print("columnar snapshot not written: \(failure)") }
        default:
            throw ValidationError("--out must end in .csv, .sqlite or .db; got \"\(out)\"")
        }
    }
}

extension Duration {
    /// Seconds with millisecond precision, for timing lines.
    var timingText: String {
        let ms = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        return "\(ms / 1000).\(String(repeating: "0", count: 3 - String(ms % 1000).count))\(ms % 1000)"
    }
}
