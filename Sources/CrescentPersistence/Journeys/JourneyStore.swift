import CrescentCore

/// Journey state: one row per (playbook, member, entry key), and the days whose date scenes
/// were generated.
///
/// Exactly once comes from keys, not from who reads: a journey's entry key is the run id of
/// every ledger row its steps write (`entry/playbook/step/member`), and a batch writes those
/// rows and the journeys' new positions in one transaction. Two engines that both see a step
/// due write it once: the second finds the key taken and only releases what it reserved.
public protocol JourneyStore: AnyObject, Sendable {
    /// Open journeys of `playbook` due at or before `now`, earliest first, at most `limit`,
    /// optionally only those of `members`.
    func dueJourneys(playbook: String, now: Timestamp, limit: Int, members: [Int64]?) throws -> [Journey]
    /// Members with a journey of any of `playbooks` still open (a step due, now or later),
    /// ascending, each once: who a relaunch must hold besides its audience, without reading
    /// whole journeys.
    func membersWithOpenJourneys(playbooks: [String]) throws -> [Int64]
    /// Members with a journey step due by `now`, per playbook (at most `limit` in all), claimed
    /// for `lease`: while the lease holds, no other node is handed the same members. A store
    /// with one engine (SQLite: one `serve` per file) may ignore the lease.
    func claimDueJourneyMembers(now: Timestamp, limit: Int, lease: WorkLease) throws -> [String: [Int64]]
    /// Each member's latest journey of `playbook`; members who never entered are absent.
    func latestJourneys(playbook: String, members: [Int64]) throws -> [Int64: Journey]
    /// Every journey of a member, newest first.
    func journeys(member: Int64) throws -> [Journey]
    /// True when some member already entered `playbook` with `entryKey` (a launch that happened).
    func journeyEntryExists(playbook: String, entryKey: String) throws -> Bool
    /// Marks a whole launch of `playbook` as entering: its members enter batch by batch, each
    /// journey written with its first step, so until ``markLaunchEntered(playbook:entryKey:)``
    /// a relaunch must enter whoever is not in yet. Marking twice is a no-op.
    func markLaunchEntering(playbook: String, entryKey: String, at now: Timestamp) throws
    /// True while a launch marked entering has not been marked entered (it was cut short).
    func launchEntering(playbook: String, entryKey: String) throws -> Bool
    /// Every member of the launch entered: a relaunch enters no one.
    func markLaunchEntered(playbook: String, entryKey: String) throws
    /// Starts journeys in one transaction; an existing (playbook, member, entry key) is left as it is.
    func beginJourneys(_ journeys: [Journey], at now: Timestamp) throws
    /// Writes journeys' positions (step, due time, state, offer) in one transaction: by row id
    /// when the journey was read from the store, else inserted at that position (or written
    /// over the row its key already has).
    func saveJourneys(_ journeys: [Journey], at now: Timestamp) throws
    /// Ends the member's open journeys of `playbook`; true when one was open.
    @discardableResult
    func exitJourney(playbook: String, member: Int64, reason: String, at now: Timestamp) throws -> Bool
    /// True when a coupon the journey issued was redeemed before `before`.
    func redeemed(journey: Journey, before: Timestamp) throws -> Bool
    /// `redeemed(journey:before:)` for many journeys, in one read.
    func redeemed(_ journeys: [(journey: Journey, before: Timestamp)]) throws -> [Bool]
    /// Claims the date scenes of `day` for `playbook`: true the first time (on any node), false after.
    @discardableResult
    func markSceneDay(playbook: String, day: Day, at now: Timestamp) throws -> Bool
    /// The latest day whose date scenes were generated for `playbook`, if any.
    func lastSceneDay(playbook: String) throws -> Day?
    /// True when the date scenes of `day` were already generated for `playbook`.
    func sceneDayDone(playbook: String, day: Day) throws -> Bool
    /// A writer of decision batches (``JourneyBatchCommitter``).
    /// - parameter allHistory: read every member's guard history once (a campaign over
    ///   everyone, assuming no other process issues to them meanwhile) rather than each
    ///   batch's members.
    func journeyBatch(allHistory: Bool, offers: OfferInternCache) -> any JourneyBatchCommitter
}

/// Writes journey batches. Each ``commit(members:at:campaigns:_:)`` is ONE transaction (on
/// SQLite `BEGIN IMMEDIATE`) holding: the guard history read, the campaigns' reserved stock
/// and budget re-read, the decisions' ledger rows (coupon, points, a `pending` delivery,
/// suppression; every insert a no-op when its key exists), the reservations written back
/// (conditional on what was read, so concurrent batches never overspend), and the journeys'
/// new positions. A crash leaves a batch whole or absent.
public protocol JourneyBatchCommitter: AnyObject {
    /// `decide` gets the guard state of `members` and `campaigns` and returns the decisions to write.
    func commit(members: [Int64], at now: Timestamp, campaigns: [String],
                _ decide: (inout StoreGuardState) throws -> [JourneyWrite]) throws
}
