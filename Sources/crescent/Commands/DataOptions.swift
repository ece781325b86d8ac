import ArgumentParser
import CrescentCore
import CrescentEngine
import Foundation

/// Where the population comes from and which day scripts see as today.
struct DataOptions: ParsableArguments {
    @Option(help: "Population: a store (.sqlite), a file (.csv, .json, CDNOW .txt) or synthetic:N.")
    var data: String = "data/cdnow_sample.txt"

    @Option(help: "Seed for synthetic data, sampling and the forecast (same seed, same bytes).")
    var seed: UInt64 = 42

    @Option(name: .customLong("as-of"), help: "Only history before this day (YYYY-MM-DD) is visible; later history is used to backtest.")
    var asOf: String?

    func asOfDay() throws -> Day? {
        guard let asOf else { return nil }
        guard let day = Day(asOf) else { throw UsageError(message: "--as-of \"\(asOf)\" is not a date; use YYYY-MM-DD") }
        return day
    }

    func context(script file: String) throws -> CampaignContext {
        let source = try readScript(file)
        let progress = Progress.shared
        progress.step("loading \(data) and \(file)")
        return try CampaignContext(script: source, chunkName: file, data: data, seed: seed, asOf: try asOfDay())
    }

    /// A Lua preview's context: only the members some segment's declarative conditions leave
    /// (candidates chosen over columns; only their records are read and loaded into Lua), or
    /// every member when the script declares a tier ladder.
    func previewContext(script file: String) throws -> CampaignContext {
        try audienceFirstContext(script: file, step: "loading \(data) as columns, then the segments' candidates",
                                 playbooks: [], everySegment: true)
    }

    /// A dry-run's context: only the members `playbooks` can reach (candidates chosen over
    /// columns), or every member when the script declares a tier ladder.
    /// `phaseEnded` is called with each set-up phase's name as it ends (`dryrun --timing`).
    func dryRunContext(script file: String, playbooks: [String]?,
                       phaseEnded: ((String) -> Void)? = nil) throws -> CampaignContext {
        try audienceFirstContext(script: file, step: "loading \(data) and \(file)", playbooks: playbooks,
                                 fitResponseEarly: true, phaseEnded: phaseEnded)
    }

    /// The audience-first context (`CampaignContext.audienceFirst`), or every member's records
    /// when the script declares a tier ladder.
    private func audienceFirstContext(script file: String, step: String, playbooks: [String]?, everySegment: Bool = false,
                                      fitResponseEarly: Bool = false,
                                      phaseEnded: ((String) -> Void)? = nil) throws -> CampaignContext {
        let source = try readScript(file)
        Progress.shared.step(step)
        let day = try asOfDay()
        if let context = try CampaignContext.audienceFirst(script: source, chunkName: file, data: data, seed: seed, asOf: day,
                                                           playbooks: playbooks, everySegment: everySegment,
                                                           fitResponseEarly: fitResponseEarly, phaseEnded: phaseEnded) {
            return context
        }
        let context = try CampaignContext(script: source, chunkName: file, data: data, seed: seed, asOf: day)
        phaseEnded?("set-up: every member's records, views and Lua (the script declares a tier ladder)")
        return context
    }
}

/// Phase messages on a terminal, nothing otherwise (CI logs stay clean).
final class Progress: @unchecked Sendable {
    static let shared = Progress()
    let enabled = isatty(STDERR_FILENO) != 0
    private let started = Date()

    func step(_ message: String) {
        guard enabled else { return }
        let t = String(format: "%6.2fs", Date().timeIntervalSince(started))
        FileHandle.standardError.write(Data("\u{1B}[2K\r[\(t)] \(message)…".utf8))
    }

    func done() { if enabled { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) } }
}


