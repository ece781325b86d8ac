import CrescentCore
import CrescentPersistence
import GRDB

/// Journey state through the store's own connections (the engine never holds a raw handle).
extension CrescentStore {
    public func dueJourneys(playbook: String, now: Timestamp, limit: Int, members: [Int64]? = nil) throws -> [Journey] {
        try writer.read { try JourneyLedger.due($0, playbook: playbook, now: now, limit: limit, members: members) }
    }

    public func membersWithOpenJourneys(playbooks: [String]) throws -> [Int64] {
        try writer.read { db in
            let s = try RawStatement(db, """
                SELECT DISTINCT member_id FROM journeys WHERE state = 'active' AND next_due_at IS NOT NULL AND playbook = ?
                """)
            var members = Set<Int64>()
            for playbook in Set(playbooks) {
                s.bind(1, playbook)
                while try s.step(db) { members.insert(s.int(0)) }
            }
            return members.sorted()
        }
    }

    /// Members with a journey step due by `now`, per playbook (at most `limit` in all).
    public func dueJourneyMembers(now: Timestamp, limit: Int) throws -> [String: [Int64]] {
        try writer.read { try JourneyLedger.dueMembers($0, now: now, limit: limit) }
    }

    /// Issue and suppression counts of one (run, playbook, step), as stored.
    public func issueTotals(_ scope: IssueScope) throws -> IssueTotals {
        try writer.read { try IssueTotals.read($0, scope: scope) }
    }

    public func latestJourneys(playbook: String, members: [Int64]) throws -> [Int64: Journey] {
        try writer.read { try JourneyLedger.latest($0, playbook: playbook, members: members) }
    }

    public func journeys(member: Int64) throws -> [Journey] {
        try writer.read { try JourneyLedger.all($0, member: member) }
    }

    public func beginJourneys(_ journeys: [Journey], at now: Timestamp) throws {
        guard !journeys.isEmpty else { return }
        try writer.write { try JourneyLedger.begin($0, journeys, at: now) }
    }

    public func saveJourneys(_ journeys: [Journey], at now: Timestamp) throws {
        guard !journeys.isEmpty else { return }
        try writer.write { db in
            let positions = try JourneyLedger.PositionWriter(db)
            for j in journeys { try positions.save(db, j, at: now) }
        }
    }

    @discardableResult
    public func exitJourney(playbook: String, member: Int64, reason: String, at now: Timestamp) throws -> Bool {
        try writer.write { try JourneyLedger.exit($0, playbook: playbook, member: member, reason: reason, at: now) }
    }

    public func purchased(member: Int64, from: Timestamp, to: Timestamp) throws -> Bool {
        try purchased([(member, from, to)])[0]
    }

    public func redeemed(journey: Journey, before: Timestamp) throws -> Bool {
        try redeemed([(journey, before)])[0]
    }

    /// `purchased(member:from:to:)` for many spans in one read.
    public func purchased(_ spans: [(member: Int64, from: Timestamp, to: Timestamp)]) throws -> [Bool] {
        guard !spans.isEmpty else { return [] }
        return try writer.read { db in try spans.map { try JourneyLedger.purchased(db, member: $0.member, from: $0.from, to: $0.to) } }
    }

    /// `redeemed(journey:before:)` for many journeys in one read.
    public func redeemed(_ journeys: [(journey: Journey, before: Timestamp)]) throws -> [Bool] {
        guard !journeys.isEmpty else { return [] }
        return try writer.read { db in try journeys.map { try JourneyLedger.redeemed(db, journey: $0.journey, before: $0.before) } }
    }

    /// Records that the date scenes of `day` were generated for `playbook`; true the first time.
    @discardableResult
    public func markSceneDay(playbook: String, day: Day, at now: Timestamp) throws -> Bool {
        try writer.write { try JourneyLedger.claimSceneDay($0, playbook: playbook, day: day, at: now) }
    }

    /// The latest day whose date scenes were generated for `playbook`, if any.
    public func lastSceneDay(playbook: String) throws -> Day? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT max(day) FROM scene_days WHERE playbook = ?", arguments: [playbook])
                .flatMap { Day($0) }
        }
    }

    /// True when the date scenes of `day` were already generated for `playbook`.
    public func sceneDayDone(playbook: String, day: Day) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM scene_days WHERE playbook = ? AND day = ?)",
                              arguments: [playbook, day.description]) ?? false
        }
    }

    /// True when some member already entered `playbook` with `entryKey` (a launch that happened).
    public func journeyEntryExists(playbook: String, entryKey: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM journeys WHERE playbook = ? AND entry_key = ?)",
                              arguments: [playbook, entryKey]) ?? false
        }
    }

    public func markLaunchEntering(playbook: String, entryKey: String, at now: Timestamp) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO launches_entering(playbook, entry_key, started_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [playbook, entryKey, now.seconds])
        }
    }

    public func launchEntering(playbook: String, entryKey: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM launches_entering WHERE playbook = ? AND entry_key = ?)",
                              arguments: [playbook, entryKey]) ?? false
        }
    }

    public func markLaunchEntered(playbook: String, entryKey: String) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM launches_entering WHERE playbook = ? AND entry_key = ?",
                           arguments: [playbook, entryKey])
        }
    }
}
