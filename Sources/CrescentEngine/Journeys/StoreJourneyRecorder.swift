import CrescentCore
import CrescentPersistence

/// Journeys and decisions in the store: the recorder of `run-playbook` and `serve`.
/// Every batch is one transaction (the store's ``JourneyBatchCommitter``), so each (playbook, member,
/// entry, step) is written exactly once, across crashes and restarts.
public struct StoreJourneyRecorder: JourneyRecorder {
    public let store: any DataStore
    public let writer: any JourneyBatchCommitter
    /// Real time for the rows' `updated_at` (journeys keep their own due times).
    public var now: () -> Timestamp
    /// Names interned offers per script version, so a new version interns its own.
    public var offerKeyPrefix: String
    /// Only these members' journeys are due here (the live engine's context holds just them).
    public var members: [Int64]?

    /// - parameter allHistory: read every member's guard history once (a campaign over many
    ///   members) rather than each batch's members (an event's one member).
    public init(store: any DataStore, allHistory: Bool, offers: OfferInternCache = OfferInternCache(),
                offerKeyPrefix: String = "", now: @escaping () -> Timestamp) {
        self.store = store
        writer = store.journeyBatch(allHistory: allHistory, offers: offers)
        self.offerKeyPrefix = offerKeyPrefix
        self.now = now
    }

    public mutating func dueJourneys(playbook: String, now: Timestamp, limit: Int) throws -> [Journey] {
        try store.dueJourneys(playbook: playbook, now: now, limit: limit, members: members)
    }

    public func latestJourneys(playbook: String, members: [Int64]) throws -> [Int64: Journey] {
        try store.latestJourneys(playbook: playbook, members: members)
    }

    public mutating func begin(_ journeys: [Journey]) throws { try store.beginJourneys(journeys, at: now()) }

    @discardableResult
    public mutating func exit(playbook: String, member: Int64, reason: String, at: Timestamp) throws -> Bool {
        try store.exitJourney(playbook: playbook, member: member, reason: reason, at: at)
    }

    public mutating func save(_ journeys: [Journey]) throws { try store.saveJourneys(journeys, at: now()) }

    public mutating func commit(members: [Int64], at: Timestamp, campaigns: [String],
                                _ decide: (inout StoreGuardState) throws -> [StepOutcome]) throws {
        let prefix = offerKeyPrefix
        try writer.commit(members: members, at: at, campaigns: campaigns) { state in
            // The ledger form of an offer (its cache key and template variables, a dictionary
            // built from the declaration) is the same for every member of a batch: built once
            // per (playbook, offer), not once per outcome.
            var forms: [OfferFormKey: JourneyWrite.Offer] = [:]
            return try decide(&state).map { o in
                let offer = o.offer.map { offer in
                    let key = OfferFormKey(playbook: o.journey.playbook, offer: offer.id)
                    if let form = forms[key] { return form }
                    let form: JourneyWrite.Offer = ("\(prefix)\(o.journey.playbook)#\(offer.id)", offer.kind,
                                                    offer.declaration.templateVariables)
                    forms[key] = form
                    return form
                }
                return JourneyWrite(journey: o.journey, member: o.member, step: o.step, decision: o.decision,
                                    request: o.request, offer: offer, variant: o.variant)
            }
        }
    }

    private struct OfferFormKey: Hashable { var playbook: String; var offer: Int }

    public func purchased(member: Int64, from: Timestamp, to: Timestamp) throws -> Bool {
        try store.purchased(member: member, from: from, to: to)
    }

    public func redeemed(journey: Journey, before: Timestamp) throws -> Bool {
        try store.redeemed(journey: journey, before: before)
    }

    public func purchased(_ spans: [(member: Int64, from: Timestamp, to: Timestamp)]) throws -> [Bool] {
        try store.purchased(spans)
    }

    public func redeemed(_ journeys: [(journey: Journey, before: Timestamp)]) throws -> [Bool] {
        try store.redeemed(journeys)
    }
}
