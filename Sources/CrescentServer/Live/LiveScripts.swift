import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore
import Foundation

/// A script the live engine runs: the validated program and a runtime that events swap
/// one member into.
final class LiveScript {
    let file: String
    let source: String
    let runtime: PopulationRuntime
    let loadedAt: Timestamp
    /// Offers interned by this version's runs, so each event does not intern them again.
    let offerCache = OfferInternCache()
    var program: CRMProgram { runtime.program }

    /// This version's runtime holding `some` members, as the context the engine decides over
    /// (an event's members, a chunk of a run, due steps, pending deliveries).
    func context(over some: (population: Population, derived: DerivedViews, views: [MemberView])) -> CampaignContext {
        runtime.replaceMembers(some.views)
        return CampaignContext(population: some.population, derived: some.derived, views: some.views,
                               runtime: runtime, dataSource: "live")
    }

    /// The journey engine for this version over `context`, recording in `store`.
    func journeys(_ context: CampaignContext, store: any DataStore, clock: any CrescentCore.Clock) -> LiveJourneys {
        var live = LiveJourneys(context: context, store: store)
        live.offers = offerCache
        // Interned offers are per version: an edited formula must not reuse the old rows.
        live.offerKeyPrefix = "\(file)@\(loadedAt.seconds):"
        live.clock = clock
        return live
    }

    init(file: String, source: String, runtime: PopulationRuntime, loadedAt: Timestamp) {
        self.file = file; self.source = source; self.runtime = runtime; self.loadedAt = loadedAt
    }
}

/// What one reload of the scripts folder did.
public struct ReloadReport: Sendable, Equatable {
    public var loaded: [String] = []
    public var unchanged: [String] = []
    public var removed: [String] = []
    /// Files that failed to load, with every problem; the previous version (if any) keeps running.
    public var rejected: [String: String] = [:]
}

/// The scripts folder as the live engine runs it.
///
/// A changed file is loaded and validated in a fresh sandbox first; only when that works does
/// it replace the running version. A broken edit is reported (status endpoint, metrics, log)
/// and the old version keeps running, so a typo never stops a live campaign. Confined to
/// the engine thread.
final class LiveScripts {
    let folder: String
    private let clock: any CrescentCore.Clock
    private let seed: Int64
    private(set) var scripts: [String: LiveScript] = [:]
    /// The latest problem of each file whose newest version was rejected.
    private(set) var rejected: [String: String] = [:]

    init(folder: String, clock: any CrescentCore.Clock, seed: Int64) {
        self.folder = folder; self.clock = clock; self.seed = seed
    }

    /// Reads every `*.lua` file of the folder and loads those that changed.
    func reload() -> ReloadReport {
        var report = ReloadReport()
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".lua") }.sorted()
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file)
            guard let source = try? String(contentsOfFile: path, encoding: .utf8) else {
                rejected[file] = "\(path): cannot be read as UTF-8 text"
                report.rejected[file] = rejected[file]
                continue
            }
            if scripts[file]?.source == source { report.unchanged.append(file); continue }
            do {
                let runtime = try PopulationRuntime(source: source, chunkName: path, views: [], shards: 1,
                                                    seed: seed, clock: clock)
                scripts[file] = LiveScript(file: file, source: source, runtime: runtime, loadedAt: clock.now())
                rejected[file] = nil
                report.loaded.append(file)
            } catch {
                rejected[file] = error.description
                report.rejected[file] = error.description
            }
        }
        for gone in scripts.keys where !files.contains(gone) {
            scripts[gone] = nil
            report.removed.append(gone)
        }
        return report
    }

    /// Every playbook whose `when.trigger` is `scene`, in file then declaration order.
    func playbooks(triggeredBy scene: String) -> [(script: LiveScript, playbook: PlaybookDeclaration)] {
        scripts.keys.sorted().flatMap { file in
            scripts[file]!.program.playbooks.filter { $0.schedule.trigger == scene }.map { (scripts[file]!, $0) }
        }
    }

    /// Every playbook whose journeys listen for one of `kinds`: `exit_on`, or a `wait_for` step.
    func playbooks(listeningFor kinds: [String]) -> [(script: LiveScript, playbook: PlaybookDeclaration)] {
        scripts.keys.sorted().flatMap { file in
            scripts[file]!.program.playbooks.filter { p in
                kinds.contains { kind in p.journey.exitOn.contains(kind) || p.steps.contains { $0.wait?.answered(by: kind) ?? false } }
            }
                .map { (scripts[file]!, $0) }
        }
    }

    /// Every playbook entered on a date scene the engine generates (birthday, …).
    func datePlaybooks() -> [(script: LiveScript, playbook: PlaybookDeclaration)] {
        scripts.keys.sorted().flatMap { file in
            scripts[file]!.program.playbooks.filter { $0.schedule.trigger.map(DateScene.triggers.contains) ?? false }
                .map { (scripts[file]!, $0) }
        }
    }

    /// The running script that declares `playbook` (the first file, in name order).
    func script(declaring playbook: String) -> LiveScript? {
        scripts.keys.sorted().lazy.compactMap { self.scripts[$0] }.first { $0.program.playbook(playbook) != nil }
    }

    /// Every playbook with a schedule (`when.at`), in file then declaration order.
    func scheduledPlaybooks() -> [(script: LiveScript, playbook: PlaybookDeclaration)] {
        scripts.keys.sorted().flatMap { file in
            scripts[file]!.program.playbooks.filter { $0.schedule.at != nil && $0.schedule.trigger == nil }
                .map { (scripts[file]!, $0) }
        }
    }
}
