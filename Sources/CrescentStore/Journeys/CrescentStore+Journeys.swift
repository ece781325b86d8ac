import CrescentCore
import GRDB

/// Journey state through the store's own connections (the engine never holds a raw handle).
extension CrescentStore {
    public func dueJourneys(playbook: String, now: Timestamp, limit: Int) throws -> [Journey] {
        try writer.read { try JourneyLedger.due($0, playbook: playbook, now: now, limit: limit) }
    }

    public func playbooksWithDueJourneys(now: Timestamp) throws -> [String] {
        try writer.read { try JourneyLedger.playbooksDue($0, now: now) }
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
        try writer.write { db in for j in journeys { try JourneyLedger.save(db, j, at: now) } }
    }

    @discardableResult
    public func exitJourney(playbook: String, member: Int64, reason: String, at now: Timestamp) throws -> Bool {
        try writer.write { try JourneyLedger.exit($0, playbook: playbook, member: member, reason: reason, at: now) }
    }

    public func purchased(member: Int64, from: Timestamp, to: Timestamp) throws -> Bool {
        try writer.read { try JourneyLedger.purchased($0, member: member, from: from, to: to) }
    }

    public func redeemed(journey: Journey, before: Timestamp) throws -> Bool {
        try writer.read { try JourneyLedger.redeemed($0, journey: journey, before: before) }
    }

    /// True the first time the date scenes of `day` are claimed for `playbook`.
    public func claimSceneDay(playbook: String, day: Day, at now: Timestamp) throws -> Bool {
        try writer.write { try JourneyLedger.claimSceneDay($0, playbook: playbook, day: day, at: now) }
    }
}
