import CrescentCore
import CrescentDelivery
import CrescentEngine
import CrescentLua
import CrescentPersistence
import CrescentStore
import Foundation

/// A script folder that did not load when the engine started.
public struct EngineStartError: Error, CustomStringConvertible {
    public var description: String
}

/// One segment's size in a preview.
public struct SegmentSize: Sendable, Codable, Equatable {
    public var name: String
    public var members: Int
    public var share: Double
}

/// What `GET /v1/playbooks` shows.
public struct PlaybookStatus: Sendable, Codable, Equatable {
    public var script: String
    public var name: String
    public var trigger: String?
    public var at: String?
    public var every: String?
    public var activity: PlaybookActivity
}

/// What `GET /v1/scripts` shows: the running version of each file, and rejected edits.
public struct ScriptStatus: Sendable, Codable, Equatable {
    public var file: String
    public var running: Bool
    public var loadedAt: String?
    public var playbooks: [String]
    public var rejected: String?
}

/// The live engine: members in memory, scripts, event processing and the scheduler.
///
/// Every piece of state that touches Lua or the in-memory members lives on one engine
/// thread (``SerialWorker``): events, scheduled runs, reloads and previews take turns, so
/// the HTTP threads never block on a script and scripts never race each other. The API
/// writes accepted events to the store's outbox (``JournalWriter``); this engine drains it.
///
/// For example:
/// ```swift
/// let engine = try await LiveEngine.open(ServerConfiguration(database: "crm.sqlite", scriptsFolder: "scripts"))
/// while try await engine.processPending() > 0 {}
/// ```
public final class LiveEngine: @unchecked Sendable {
    public let configuration: ServerConfiguration
    public let store: any DataStore
    public let metrics: ServerMetrics
    /// This node's shared work, added to the store's per-node tallies each tick.
    let work: NodeWorkTally
    let clock: any CrescentCore.Clock
    private let worker = SerialWorker(name: "crescent-engine")
    // Confined to the worker thread.
    private(set) var members: LiveMembers!
    private(set) var scripts: LiveScripts!
    private var processor: EventProcessor!
    private var previews: [String: (version: Int, source: String, sizes: [SegmentSize])] = [:]
    private var maintenance: (any StoreMaintenance)?
    /// On a store several nodes share: where this node last caught up with the others' writes.
    private var changeMark: MemberChangeMark?
    private let previewGate = BusyFlag()

    private init(configuration: ServerConfiguration, store: any DataStore, clock: any CrescentCore.Clock,
                 metrics: ServerMetrics) {
        self.configuration = configuration; self.store = store; self.clock = clock; self.metrics = metrics
        work = NodeWorkTally(node: configuration.lease.node)
    }

    /// Opens the store, loads members and every script.
    /// - throws: `EngineStartError` when a script does not load (at start-up there is no
    ///   older version to keep running), `DatabaseError` when the store cannot be opened.
    public static func open(_ configuration: ServerConfiguration, clock: any CrescentCore.Clock = SystemClock(),
                            metrics: ServerMetrics = ServerMetrics()) async throws -> LiveEngine {
        guard FileManager.default.fileExists(atPath: configuration.scriptsFolder) else {
            throw EngineStartError(description: "no scripts folder at \(configuration.scriptsFolder)")
        }
        let engine = LiveEngine(configuration: configuration, store: try configuration.store.open(),
                                clock: clock, metrics: metrics)
        let problem: String? = try await engine.onWorker { try engine.setUp() }
        if let problem { throw EngineStartError(description: problem) }
        engine.maintenance = try engine.store.startMaintenance()
        return engine
    }

    private func setUp() throws -> String? {
        // Columns, not records: whole records are read only for the members a batch touches.
        // The change mark and pending orders are read before the columns, so the columns hold
        // at least what they name.
        if store.sharedByNodes { changeMark = try store.memberChangeMark() }
        let load = try loadColumns()
        members = LiveMembers(columns: load.columns, records: StoredMemberRecords(store: store),
                              pendingOrders: load.pending, asOf: asOfToday, now: clock.now())
        scripts = LiveScripts(folder: configuration.scriptsFolder, clock: clock,
                              seed: Int64(truncatingIfNeeded: configuration.seed))
        let report = scripts.reload()
        report.loaded.forEach { _ in metrics.reload("loaded") }
        processor = EventProcessor(store: store, members: members, scripts: scripts, clock: clock)
        guard report.rejected.isEmpty else {
            return report.rejected.sorted { $0.key < $1.key }.map(\.value).joined(separator: "\n")
        }
        return nil
    }

    /// The store's members as columns, with the orders among them whose `payment` events are
    /// pending (read first, so that every order they name is in the columns).
    private func loadColumns() throws -> (columns: ColumnarPopulation, pending: Set<Int64>) {
        let pending = try pendingOrders()
        return (try store.loadColumns(), pending)
    }

    /// Ids of the orders whose `payment` events are pending (read before the columns, so that
    /// every order they name is in them): replayed after a restart, they must not count twice.
    private func pendingOrders() throws -> Set<Int64> {
        var ids: Set<Int64> = [], after: Int64 = 0
        while true {
            let page = try store.pendingEvents(after: after, limit: 1_000)
            guard let last = page.last else { return ids }
            for pending in page where pending.event.attributes[JournalKind.orderStoredBeforeAttribute] != "true" {
                if let order = pending.order { ids.insert(order.id) }
            }
            after = last.seq
        }
    }

    /// Processing attempts after which a row that keeps taking the process down is dead-lettered.
    static let maxAttempts = 3

    /// Processes up to `limit` accepted events, oldest first; returns how many.
    ///
    /// The failure boundary: every row ends `done` or `failed` (dead-lettered with its reason:
    /// a bad record, a script error), so one poison record never blocks the rows behind it.
    /// Each batch's attempt is committed before it runs; a row still pending with attempts
    /// after a restart was in flight when the process died, so it runs alone, and after
    /// `maxAttempts` it is dead-lettered instead of crashing every restart.
    @discardableResult
    public func processPending(limit: Int = 256) async throws -> Int {
        try await onWorker { [self] in
            let started = ContinuousClock.now
            let batch = try store.claimEvents(limit: limit, lease: configuration.lease)
            guard !batch.isEmpty else { return 0 }
            try readBack(batch.map(\.event.memberId))
            var tally = ProcessingTally()
            let finishes = try finish(batch, tally: &tally)
            try store.finishEvents(finishes)
            metrics.record(tally)
            work.add(.events, batch.count)
            metrics.processingSeconds.record(ContinuousClock.now - started)
            return batch.count
        }
    }

    /// Runs the batch's rows through the processor together, or dead-letters them: a bad
    /// record, a row that keeps taking the process down, an event a script failed on.
    private func finish(_ batch: [PendingEvent], tally: inout ProcessingTally) throws -> [EventFinish] {
        func failed(_ pending: PendingEvent, _ reason: String, _ outcome: String) -> EventFinish {
            metrics.failed(reason)
            return EventFinish(seq: pending.seq, succeeded: false, outcome: outcome)
        }
        var finishes = [EventFinish?](repeating: nil, count: batch.count)
        var runnable: [Int] = []
        for (i, pending) in batch.enumerated() {
            if let problem = pending.problem {
                finishes[i] = failed(pending, "bad_record", problem)
            } else if pending.attempts >= Self.maxAttempts {
                finishes[i] = failed(pending, "crashed",
                                     "processing was cut short \(pending.attempts) times (the engine stopped); dead-lettered")
            } else {
                runnable.append(i)
            }
        }
        let runs = runnable.map { batch[$0] }
        let firstAppOpens = try store.firstEvents(ofKind: "app_open", among: runs.filter { $0.event.kind == "app_open" })
        let results = try processor.process(runs, firstAppOpens: firstAppOpens, tally: &tally)
        for (i, result) in zip(runnable, results) {
            finishes[i] = result.scriptError ? failed(batch[i], "script_error", result.outcome)
                                             : EventFinish(seq: batch[i].seq, succeeded: true, outcome: result.outcome)
        }
        return finishes.map { $0! }
    }

    /// The scheduler's turn: reload changed scripts, run due scheduled playbooks and date
    /// scenes (a chunk of members per engine turn, accepted events processed in between), run
    /// due steps, and refresh the RFM scale when it is stale. Returns the reload report.
    @discardableResult
    public func tick() async throws -> ReloadReport {
        let report = await reloadScripts()
        try await onWorker { [self] in members.refreshReference(asOf: asOfToday, now: clock.now()) }
        try await runDueSchedules()
        try await runDateScenes()
        try await onWorker { [self] in try runDueSteps() }
        metrics.pendingEvents.set(Double(try store.pendingEventCount()))
        try work.flush(to: store, at: clock.now())
        return report
    }

    /// Loads changed scripts; a broken one is rejected and its running version kept.
    public func reloadScripts() async -> ReloadReport {
        await worker.run { [self] in
            let report = scripts.reload()
            report.loaded.forEach { _ in metrics.reload("loaded") }
            report.rejected.forEach { _ in metrics.reload("rejected") }
            return report
        }
    }

    /// Runs each scheduled playbook whose latest occurrence has not finished yet: its audience
    /// enters the journey (entry key = the occurrence's run id) and step 0 runs.
    private func runDueSchedules() async throws {
        let now = clock.now()
        let due: [(file: String, playbook: String, runId: String)] = try await onWorker { [self] in
            var due: [(file: String, playbook: String, runId: String)] = []
            for (script, playbook) in scripts.scheduledPlaybooks() {
                guard let at = ScheduleOccurrence.latest(playbook.schedule, now: now) else { continue }
                let runId = ScheduleOccurrence.runId(playbook: playbook.name, due: at)
                guard try store.beginScheduledRun(runId: runId, script: script.file, playbook: playbook.name,
                                                  due: at, at: now, lease: configuration.lease) else { continue }
                work.add(.scheduledRuns, 1)
                due.append((script.file, playbook.name, runId))
            }
            return due
        }
        for run in due {
            do {
                let candidates = try await onWorker { [self] in try audienceCandidates(run.file, run.playbook, days: []) }
                let runId = run.runId
                let result = try await inChunks(candidates, run.file, run.playbook) { live in
                    try live.launch(playbook: run.playbook, entryKey: runId, at: now)
                }
                record(result)
                try store.finishScheduledRun(runId: runId, state: .done, outcome: result.summary, at: clock.now())
                metrics.scheduledRun("done")
            } catch {
                try store.finishScheduledRun(runId: run.runId, state: .failed, outcome: "\(error)", at: clock.now())
                metrics.scheduledRun("failed")
                metrics.scriptErrors.increment()
            }
        }
    }

    /// Generates the date scenes (birthday, anniversaries, replenishment, holidays, becoming
    /// silent) of each local day of the script's time zone once per playbook: members whose
    /// scene falls on the day enter at the scene's time. Days missed while the engine was down
    /// are caught up, at most ``sceneCatchUpDays`` back. A day is marked done only after its
    /// entries are written, so a crash in between generates it again (entries are idempotent).
    private func runDateScenes() async throws {
        let now = clock.now()
        let due: [(file: String, playbook: String, days: [Day])] = try await onWorker { [self] in
            var due: [(file: String, playbook: String, days: [Day])] = []
            for (script, playbook) in scripts.datePlaybooks() {
                let today = DateSceneCalendar.localDay(now, utcOffsetSeconds: playbook.journey.utcOffsetSeconds)
                let earliest = today.adding(days: -Self.sceneCatchUpDays)
                var day = max(earliest, try store.lastSceneDay(playbook: playbook.name).map { $0.adding(days: 1) } ?? today)
                var days: [Day] = []
                while day <= today { days.append(day); day = day.adding(days: 1) }
                if !days.isEmpty { due.append((script.file, playbook.name, days)) }
            }
            return due
        }
        for scene in due {
            do {
                // Only members whose scene falls on one of the days are candidates at all.
                let candidates = try await onWorker { [self] in try audienceCandidates(scene.file, scene.playbook, days: scene.days) }
                for day in scene.days {
                    record(try await inChunks(candidates, scene.file, scene.playbook) { live in
                        try live.scenes(playbook: scene.playbook, day: day, at: now)
                    })
                    try store.markSceneDay(playbook: scene.playbook, day: day, at: now)
                }
            } catch {
                metrics.scriptErrors.increment()
            }
        }
    }

    /// Members a scheduled run or date scene will be decided for, in chunks: with native
    /// filters for every segment, the playbook's audience straight from the kept metrics (no
    /// member in Lua); otherwise everyone (each chunk's audience is then evaluated in Lua,
    /// which gives the same members: segment conditions and set operations are per member).
    /// For a date scene (`days` given), only those whose scene falls on one of the days.
    private func audienceCandidates(_ file: String, _ name: String, days: [Day]) throws -> Candidates {
        guard let script = scripts.scripts[file], let playbook = script.program.playbook(name) else {
            throw EngineStartError(description: "\(file): playbook \(name) is no longer loaded")
        }
        let asOf = asOfToday
        // A run over everyone on a shared store first reads back what other nodes changed.
        try catchUpWithOtherNodes()
        // Scored on the population's own quintiles, as fresh as they get.
        members.rebuildScale(now: clock.now())
        var ids: [Int64]
        if let columns = members.segmentColumns(asOf: asOf),
           let evaluator = ColumnarSegments.evaluator(program: script.program, columns: columns) {
            let audience = try evaluator.evaluateAudiences().audiences[name] ?? Bitset(capacity: columns.count)
            ids = audience.indices.map { columns.memberId[Int($0)] }
        } else {
            ids = members.ids
        }
        // Points lots change with every earn and spend: read them fresh for the scene.
        let expiries = playbook.schedule.trigger == "points_expiring" ? try store.loadPointsExpiries() : []
        if case .date(let sceneName) = JourneyPlan(playbook).entry, !days.isEmpty {
            let calendar = DateSceneCalendar(scene: sceneName, schedule: playbook.schedule, pointsExpiries: expiries)
            ids = try members.filter(ids, asOf: asOf, readingPurchases: calendar.readsPurchases) { view in
                days.contains { calendar.occurs(for: view, on: $0) }
            }
        }
        let wanted = Set(ids)
        return Candidates(ids: ids, pointsExpiries: Dictionary(grouping: expiries.filter { wanted.contains($0.member) }, by: \.member))
    }

    /// Who a run or scene is decided for, and their points lots.
    struct Candidates: Sendable {
        var ids: [Int64]
        var pointsExpiries: [Int64: [PointsExpiry]]
    }

    /// Members per engine turn of a scheduled run or a date scene: short turns keep events
    /// flowing (they are processed between chunks) and the API's group commits waiting
    /// milliseconds, not seconds; only the chunk's members are pushed into Lua.
    var runChunk = 2_000
    /// Claimed event batches processed between two chunks of a run at most (fewer when the
    /// outbox empties): events keep up with ingest while a run still always moves on.
    static let eventBatchesBetweenChunks = 8

    /// Runs `pass` over the candidates a chunk at a time, each chunk one engine turn on the
    /// script's small runtime, the accepted events processed between chunks; adds up the results.
    private func inChunks(_ candidates: Candidates, _ file: String, _ name: String,
                          _ pass: @escaping @Sendable (LiveJourneys) throws -> JourneyRunResult) async throws -> JourneyRunResult {
        var total: JourneyRunResult?
        for start in stride(from: 0, to: max(1, candidates.ids.count), by: runChunk) {
            // Events first: up to `eventBatchesBetweenChunks` claimed batches before the next chunk.
            if start > 0 {
                var batches = 0
                while batches < Self.eventBatchesBetweenChunks, try await processPending() > 0 { batches += 1 }
            }
            let chunk = Array(candidates.ids[start..<min(candidates.ids.count, start + runChunk)])
            let result = try await onWorker { [self] in
                guard let script = scripts.scripts[file], let playbook = script.program.playbook(name) else {
                    throw EngineStartError(description: "\(file) no longer declares playbook \(name)")
                }
                // No candidate: nothing to enter, and no member's steps to run here (due steps have their own pass).
                if chunk.isEmpty {
                    return JourneyRunResult(playbook: name, at: clock.now(), targeted: 0, entered: 0,
                                            log: JourneyLog(plan: JourneyPlan(playbook), rendersMessages: false))
                }
                var some = try members.subset(chunk, asOf: asOfToday)
                some.population.pointsExpiries = chunk.flatMap { candidates.pointsExpiries[$0] ?? [] }
                var live = script.journeys(script.context(over: some), store: store, clock: clock)
                live.batchSize = 500
                live.members = chunk
                return try pass(live)
            }
            if total == nil { total = result } else { total!.absorb(result) }
        }
        return total!
    }

    /// How many missed days of date scenes a restart still generates.
    static let sceneCatchUpDays = 7

    /// Runs every journey step due by now (reminders, deferred steps, scene entries whose time
    /// came), found through the journeys' due index, a batch of members at a time.
    private func runDueSteps() throws {
        let now = clock.now()
        var rounds = 0
        while rounds < 100 {
            rounds += 1
            let due = try store.claimDueJourneyMembers(now: now, limit: 2_000, lease: configuration.lease)
            guard !due.isEmpty else { return }
            var progressed = false
            for (name, ids) in due.sorted(by: { $0.key < $1.key }) {
                guard let script = scripts.script(declaring: name) else {
                    // The playbook's script was removed: its journeys end.
                    for id in ids { try store.exitJourney(playbook: name, member: id, reason: "playbook_removed", at: now) }
                    progressed = true
                    continue
                }
                work.add(.dueSteps, ids.count)
                try readBack(ids)
                let some = try members.subset(ids, asOf: asOfToday)
                var live = script.journeys(script.context(over: some), store: store, clock: clock)
                live.batchSize = 500
                do {
                    let result = try live.advance(playbook: name, at: now, members: ids)
                    record(result)
                    progressed = progressed || result.log.tally.issued + result.log.tally.suppressed + result.log.skipped
                        + result.log.deferred + result.log.exits.values.reduce(0, +) > 0
                } catch {
                    metrics.scriptErrors.increment()
                    // A script error must not leave the steps due forever: they end with the error.
                    for id in ids { try store.exitJourney(playbook: name, member: id, reason: "error: \(error)", at: now) }
                    progressed = true
                }
            }
            if !progressed { return }
        }
    }

    /// On a store several nodes share, reads back the members written since the last catch-up
    /// (signups, upserts, processed orders, tier changes of any node: ``MemberChangeFeed``),
    /// as a processed event would update them, before a run over everyone. Only after a bulk
    /// import (logged as "everyone") is the whole population read again.
    private func catchUpWithOtherNodes() throws {
        guard store.sharedByNodes, let mark = changeMark else { return }
        let changes = try store.memberChanges(since: mark)
        if changes.everyone {
            // As at start: columns, not every member's records kept for good. The mark was
            // taken before this load, so the columns hold at least what it names.
            let load = try loadColumns()
            members.restart(columns: load.columns, pendingOrders: load.pending, asOf: asOfToday, now: clock.now())
            metrics.caughtUp(everyone: true, members: members.count)
        } else {
            for start in stride(from: 0, to: changes.members.count, by: LiveMembers.recordChunk) {
                let chunk = Array(changes.members[start..<min(changes.members.count, start + LiveMembers.recordChunk)])
                try members.refresh(from: try store.loadMembers(ids: chunk))
            }
            metrics.caughtUp(everyone: false, members: changes.members.count)
        }
        changeMark = changes.mark
    }

    /// On a store several nodes share, reads back the members about to be acted on: another
    /// node may have accepted their signup, an upsert or an order, which this node's memory
    /// would otherwise miss ("unknown member", an order that does not count).
    private func readBack(_ ids: [Int64]) throws {
        guard store.sharedByNodes, !ids.isEmpty else { return }
        try members.refresh(from: try store.loadMembers(ids: Array(Set(ids)).sorted()))
    }

    /// This node's share of each kind of shared work, as the store's tallies have it now.
    public func workShares() throws -> [NodeWork: WorkShare] {
        let tallies = try work.tallies(from: store)
        metrics.nodeWork(this: work.node, tallies)
        return NodeWorkTally.shares(of: work.node, in: tallies)
    }

    /// Adds what this node did since the last tick to the store's tallies (at shutdown).
    func flushWork() throws { try work.flush(to: store, at: clock.now()) }

    private func record(_ result: JourneyRunResult) {
        metrics.issued.increment(by: Int64(result.issued))
        for (code, n) in result.suppressed { metrics.suppressed(code, by: n) }
    }

    private static func context(_ population: Population, source: String, chunkName: String, seed: UInt64,
                                clock: any CrescentCore.Clock, asOf: Day) throws -> CampaignContext {
        let derived = DerivedViews.compute(population, asOf: asOf)
        let views = MemberViews.build(population, derived)
        let runtime = try PopulationRuntime(source: source, chunkName: chunkName, views: views,
                                            seed: Int64(truncatingIfNeeded: seed), clock: clock)
        return CampaignContext(population: population, derived: derived, views: views, runtime: runtime,
                               dataSource: "live")
    }

    /// What a preview needs from the engine thread: a cached answer, or the inputs to compute one.
    private enum PreviewInput: Sendable {
        case cached([SegmentSize])
        /// Every segment native: the live columns (shared, not copied), filtered off the engine thread.
        case columns(LiveMembers.PreviewColumns, program: CRMProgram, source: String, version: Int)
        /// A `where`: only the members some segment's declarative conditions leave, their views
        /// taken on the engine thread, into Lua.
        case candidates(views: [MemberView], total: Int, source: String, chunkName: String, version: Int)
        /// A tier ladder: everyone's records, into Lua.
        case compute(population: Population, source: String, chunkName: String, version: Int)
    }

    /// Sizes of every segment of `script` over the live members today (cached until a member
    /// changes). Only the inputs are taken on the engine thread; the evaluation runs off it,
    /// one preview at a time, so events keep flowing. Native segments are filtered on the
    /// live columns, as `segment preview` does; a script with a `where` loads into a sandbox
    /// only the members some segment's declarative conditions leave (the others are in no
    /// segment); only a tier ladder needs everyone's records.
    /// - throws: `APIError` 503 while another preview is being computed.
    public func segmentSizes(script file: String) async throws -> [SegmentSize]? {
        let asOf = asOfToday
        let input: PreviewInput? = try await onWorker { [self] in
            guard let script = scripts.scripts[file] else { return nil }
            if let cached = previews[file], cached.version == members.version, cached.source == script.source {
                return .cached(cached.sizes)
            }
            members.refreshReference(asOf: asOf, now: clock.now())
            if ColumnarSegments.filters(script.program) != nil, let columns = members.previewColumns(asOf: asOf) {
                return .columns(columns, program: script.program, source: script.source, version: members.version)
            }
            if script.program.tierLadder == nil {
                // Scored on a scale sorted afresh, as a full derive (and the native preview) scores.
                members.rebuildScale(now: clock.now())
                if let columns = members.segmentColumns(asOf: asOf) {
                    let everySegment = script.program.segments.map(\.name)
                    let held = try AudienceCandidates.superset(ofSegments: everySegment, program: script.program, columns: columns)
                    let some = try members.subset(held.indices.map { columns.memberId[Int($0)] }, asOf: asOf)
                    return .candidates(views: some.views, total: members.count, source: script.source,
                                       chunkName: script.runtime.program.chunkName, version: members.version)
                }
            }
            return .compute(population: try members.snapshot(), source: script.source,
                            chunkName: script.runtime.program.chunkName, version: members.version)
        }
        guard let input else { return nil }
        if case .cached(let sizes) = input { return sizes }
        guard previewGate.enter() else {
            throw APIError(.serviceUnavailable, "preview_busy", "another segment preview is being computed; retry shortly")
        }
        defer { previewGate.leave() }
        let segments: [(name: String, members: Bitset)], total: Int, version: Int, source: String
        switch input {
        case .cached: return nil
        case let .columns(columns, program, scriptSource, at):
            let segmentColumns = columns.make()
            segments = try ColumnarSegments.evaluator(program: program, columns: segmentColumns)!.evaluateAll()
            (total, version, source) = (segmentColumns.count, at, scriptSource)
        case let .candidates(views, count, scriptSource, chunkName, at):
            let runtime = try PopulationRuntime(source: scriptSource, chunkName: chunkName, views: views,
                                                seed: Int64(truncatingIfNeeded: configuration.seed), clock: clock)
            segments = try SegmentEvaluator(runtime: runtime).evaluateAll().map { ($0.name, $0.members) }
            (total, version, source) = (count, at, scriptSource)
        case let .compute(population, scriptSource, chunkName, at):
            let context = try Self.context(population, source: scriptSource, chunkName: chunkName, seed: configuration.seed,
                                           clock: clock, asOf: asOf)
            segments = try SegmentEvaluator(runtime: context.runtime).evaluateAll().map { ($0.name, $0.members) }
            (total, version, source) = (context.views.count, at, scriptSource)
        }
        let sizes = segments.map {
            SegmentSize(name: $0.name, members: $0.members.count, share: Double($0.members.count) / Double(max(1, total)))
        }
        try await onWorker { [self] in previews[file] = (version, source, sizes) }
        return sizes
    }

    /// The running version of every script, in file order.
    func scriptsRunning() async -> [CRMProgram] {
        await worker.run { [self] in scripts.scripts.keys.sorted().map { scripts.scripts[$0]!.program } }
    }

    public func scriptStatus() async -> [ScriptStatus] {
        await worker.run { [self] in
            let files = Set(scripts.scripts.keys).union(scripts.rejected.keys).sorted()
            return files.map { file in
                let running = scripts.scripts[file]
                return ScriptStatus(file: file, running: running != nil, loadedAt: running?.loadedAt.description,
                                    playbooks: running?.program.playbooks.map(\.name) ?? [],
                                    rejected: scripts.rejected[file])
            }
        }
    }

    public func playbookStatus() async throws -> [PlaybookStatus] {
        let activity = try store.playbookActivity()
        return await worker.run { [self] in
            scripts.scripts.keys.sorted().flatMap { file in
                scripts.scripts[file]!.program.playbooks.map { p in
                    PlaybookStatus(script: file, name: p.name, trigger: p.schedule.trigger,
                                   at: p.schedule.at?.description, every: p.schedule.every,
                                   activity: activity[p.name] ?? PlaybookActivity())
                }
            }
        }
    }

    public var memberCount: Int { get async { await worker.run { [self] in members.count } } }

    /// Stops the engine thread after queued work finishes, and checkpoints the WAL.
    public func stop() {
        worker.stop()
        maintenance?.stop()
    }

    /// Derived views are taken as of the end of today, so today's orders count.
    var asOfToday: Day { clock.now().day.adding(days: 1) }

    /// Runs `body` on the engine thread, passing its error back.
    func onWorker<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await worker.run { Result { try body() } }.get()
    }
}

/// Lets one caller at a time through, refusing (not queueing) the others.
final class BusyFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var busy = false
    func enter() -> Bool { lock.withLock { if busy { return false }; busy = true; return true } }
    func leave() { lock.withLock { busy = false } }
}

extension LiveEngine {
    /// One composer per running script, over the members that have pending deliveries, as
    /// they are now. Built on the engine thread; the composers hold copies, so the delivery
    /// pump can render on other threads.
    func deliveryComposers() async throws -> [MessageComposer] {
        try await onWorker { [self] in
            let ids = try store.pendingDeliveryMembers()
            guard !ids.isEmpty else { return [] }
            // Another node may have issued to a member this node has not met yet.
            try readBack(ids.filter { !members.contains($0) }.sorted())
            let some = try members.subset(ids.sorted(), asOf: asOfToday)
            // Each script's composer over these members only (their message-table segments too).
            return try scripts.scripts.keys.sorted().map { try MessageComposer(context: scripts.scripts[$0]!.context(over: some)) }
        }
    }
}
