import CrescentCore
import CrescentLua
import CrescentStore

extension CampaignContext {
    /// ``audienceFirst(script:chunkName:columns:records:dataSource:seed:asOf:playbooks:shards:limits:)``
    /// over `--data`: a SQLite store is read as columns (its columnar snapshot when current) and then
    /// only the candidates' records;
    /// any other source is read as records (as the record context reads it) and turned into columns.
    /// `asOf` defaults as for the record context. `phaseEnded` is called with each set-up phase's
    /// name as it ends (loading, then those of the columns' variant), for `dryrun --timing`.
    public static func audienceFirst(script source: String, chunkName: String, data: String, seed: UInt64, asOf: Day?,
                                     playbooks: [String]? = nil, holding: Set<Int64> = [], fitResponseEarly: Bool = false,
                                     phaseEnded: ((String) -> Void)? = nil) throws -> CampaignContext? {
        if PopulationLoader.isSQLiteStore(data) {
            let store = try CrescentStore(path: data)
            // From the columnar snapshot when it is current (rewritten when it is not).
            let loaded = try store.loadColumnarUsingSnapshot()
            let columns = loaded.columns
            phaseEnded?("load columns (\(loaded.sourceText))")
            let day = asOf ?? columns.dayAfterLastOrder ?? PopulationLoader.defaultSyntheticAsOf.adding(days: 1)
            return try audienceFirst(script: source, chunkName: chunkName, columns: columns,
                                     records: { try store.loadPopulation(memberIds: $0, expectedOrders: $1) }, dataSource: data, seed: seed,
                                     asOf: day, playbooks: playbooks, holding: holding, fitResponseEarly: fitResponseEarly,
                                     phaseEnded: phaseEnded)
        }
        let full = try PopulationLoader.load(path: data, seed: seed, asOf: asOf)
        let columns = try ColumnarPopulation(full)
        phaseEnded?("load records, then columns")
        return try audienceFirst(script: source, chunkName: chunkName, columns: columns,
                                 records: { ids, _ in full.members(at: ids.compactMap(full.index(ofMember:))) },
                                 dataSource: data, seed: seed, asOf: asOf ?? defaultAsOf(full, data: data), playbooks: playbooks,
                                 holding: holding, fitResponseEarly: fitResponseEarly, phaseEnded: phaseEnded)
    }

    /// A context holding only the members the playbooks can reach, for dry-runs over millions.
    ///
    /// The whole population stays in columns: derived views are computed there (scores rank
    /// everyone), segments' declarative conditions pick the candidates natively
    /// (`AudienceCandidates`), and only those members are read as records (`records`, by id,
    /// their whole history), given member views and loaded into Lua, where the segments are
    /// then evaluated exactly. What the forecast prices against everyone (the BG/NBD fit, the
    /// qualifying-spend prior) reads the columns through `scope`, so a dry-run's figures and
    /// decisions equal those of a context holding every member.
    ///
    /// - parameter columns: the whole population, every member however late they joined.
    /// - parameter records: the members with these ids (ascending), with their whole history;
    ///   given too how many orders the columns hold for them (room to reserve, not a limit).
    /// - parameter playbooks: whose audiences to hold (nil: every playbook of the script).
    /// - parameter holding: members to hold besides the candidates (a launch's members with
    ///   journeys still open, whose due steps it runs).
    /// - parameter fitResponseEarly: start fitting the response model (`EarlyResponseFit`) as
    ///   soon as the candidates are known, beside the rest of the set-up; for a dry-run, which
    ///   always fits it (a launch never does, so it would only cost it).
    /// - parameter phaseEnded: called with each set-up phase's name as it ends (derive, candidates,
    ///   records, views, Lua), for `dryrun --timing`.
    /// - returns: nil when the script declares a tier ladder: its tiers need every member's
    ///   records before any segment can be decided (use the record context then).
    public static func audienceFirst(script source: String, chunkName: String, columns: ColumnarPopulation,
                                     records: (_ ids: [Int64], _ expectedOrders: Int) throws -> Population,
                                     dataSource: String, seed: UInt64,
                                     asOf day: Day, playbooks: [String]? = nil, holding: Set<Int64> = [],
                                     fitResponseEarly: Bool = false, shards: Int = 0,
                                     limits: @escaping (Int) -> SandboxLimits = SandboxLimits.population(members:),
                                     phaseEnded: ((String) -> Void)? = nil)
        throws -> CampaignContext? {
        let clock = FixedClock(Timestamp(day: day, hour: 10))
        let declared = try CRMRuntime(clock: clock, seed: Int64(truncatingIfNeeded: seed)).load(source: source, chunkName: chunkName)
        guard declared.tierLadder == nil else { return nil }
        let joined = columns.joined(before: day)
        let derivedColumns = DerivedColumns.compute(joined, asOf: day)
        phaseEnded?("derive (columns)")
        let chosen = declared.playbooks.filter { playbooks?.contains($0.name) ?? true }
        let candidates = try AudienceCandidates.superset(of: chosen, program: declared,
                                                         columns: SegmentColumns(joined, derivedColumns))
        let rows = holding.isEmpty ? candidates.indices.map(Int.init)
            : joined.memberId.indices.filter { candidates.contains($0) || holding.contains(joined.memberId[$0]) }
        let earlyFit = fitResponseEarly ? EarlyResponseFit(columns: joined, members: rows, asOf: day) : nil
        phaseEnded?("candidates (native filters): \(rows.count) of \(joined.count)")
        let full = try records(rows.map { joined.memberId[$0] }, rows.reduce(0) { $0 + joined.orderCount(ofMemberAt: $1) })
        guard full.members.map(\.id) == rows.map({ joined.memberId[$0] }) else {
            throw PopulationScopeError(message: "the records read for \(rows.count) audience candidates are not those members")
        }
        let population = full.asOf(day)
        phaseEnded?("candidates' records")
        let derived = DerivedViews(asOf: day, config: derivedColumns.config,
                                   metrics: rows.map { derivedColumns.metrics(at: $0) }, summary: derivedColumns.summary)
        let views = MemberViews.build(population, derived)
        phaseEnded?("member views")
        let runtime = try PopulationRuntime(source: source, chunkName: chunkName, views: views, shards: shards,
                                            seed: Int64(truncatingIfNeeded: seed), clock: clock, limits: limits)
        phaseEnded?("Lua sandboxes")
        return CampaignContext(population: population, derived: derived, views: views, runtime: runtime,
                               dataSource: dataSource, fullPopulation: full,
                               scope: PopulationScope(columns: joined, members: rows, lastOrderSeconds: columns.orderSeconds.max(),
                                                      earlyFit: earlyFit))
    }
}

/// Records that do not match the columns they were chosen from (a store changed in between).
public struct PopulationScopeError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension CampaignContext {
    /// The context a live launch (`run-playbook`) decides from, over the store it writes to.
    ///
    /// On a SQLite store it is audience-first: the store is read as columns (its snapshot when
    /// current) and only the members `playbooks` can reach, and those with journeys of them still
    /// open (their due steps run at the launch), are read as records and loaded into Lua, so a
    /// launch over ten million members holds its audience, not everyone. Its segments and
    /// formulas decide exactly as over every member (`RunPlaybookAudienceFirstTests`). A script
    /// with a tier ladder, and a PostgreSQL store, get every member's records.
    public static func forLaunch(script source: String, chunkName: String, store: any DataStore, seed: UInt64,
                                 asOf: Day?, playbooks: [String]? = nil) throws -> CampaignContext {
        if let path = store.location.sqlitePath {
            let names = try playbooks ?? CRMRuntime().load(source: source, chunkName: chunkName).playbooks.map(\.name)
            // Every journey still open, due now or later: a relaunch at any `--now` finds its members held.
            let open = try names.flatMap { try store.dueJourneys(playbook: $0, now: Timestamp(seconds: Timestamp.validSeconds.upperBound), limit: .max, members: nil) }
            if let context = try audienceFirst(script: source, chunkName: chunkName, data: path, seed: seed, asOf: asOf,
                                               playbooks: playbooks, holding: Set(open.map(\.member))) {
                return context
            }
        }
        return try CampaignContext(script: source, chunkName: chunkName, storePopulation: try store.loadPopulation(),
                                   dataSource: store.location.description, seed: seed, asOf: asOf)
    }
}
