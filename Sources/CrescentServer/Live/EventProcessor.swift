import CrescentCore
import CrescentEngine
import CrescentLua
import CrescentStore

/// Counts of what processing did, for metrics.
struct ProcessingTally: Sendable {
    var events = 0
    var issued = 0
    var suppressed: [String: Int] = [:]
    var scriptErrors = 0
    var unknownMembers = 0

    mutating func add(_ other: ProcessingTally) {
        events += other.events; issued += other.issued; scriptErrors += other.scriptErrors
        unknownMembers += other.unknownMembers
        suppressed.merge(other.suppressed, uniquingKeysWith: +)
    }
}

/// What processing one event came to: the line kept as its `outcome`, and whether a script
/// failed on it (the event is then dead-lettered).
struct EventResult: Sendable, Equatable {
    var outcome: String
    var scriptError = false
}

/// Applies accepted events to the live members and runs the playbooks their scenes trigger,
/// a claimed batch at a time.
///
/// Each event's playbooks are issued with the run id `event:<event id>`: the issuer decides
/// a member at most once per run id, so an event replayed after a crash (processed, but not
/// yet marked `done`) issues nothing twice. A script error is recorded in the event's outcome
/// (file, line and member) and counted; it does not stop the engine or block later events.
///
/// Why batches: a playbook's audience is evaluated once for every member the batch's events
/// are about, their entries are one write and their decisions one journey commit, where one
/// event at a time took those per event. A member's events keep their order: the batch runs
/// in rounds, round k holding each member's k-th event, so a member's later event sees what
/// the earlier one did. When a playbook fails for a round (one poison member's `where` or
/// formula), its events run again one by one, so only the failing event is dead-lettered.
/// Confined to the engine thread.
final class EventProcessor {
    let store: any DataStore
    let members: LiveMembers
    let scripts: LiveScripts
    let clock: any CrescentCore.Clock

    init(store: any DataStore, members: LiveMembers, scripts: LiveScripts, clock: any CrescentCore.Clock) {
        self.store = store; self.members = members; self.scripts = scripts; self.clock = clock
    }

    /// Processes a batch, in order per member; one result per event, in the batch's order.
    /// `firstAppOpens`: the seqs of the batch's `app_open` events that are their member's first
    /// (``EventQueue/firstEvents(ofKind:among:)``), which fire `first_app_open`.
    /// - throws: when the members' records cannot be read (the batch is then retried).
    func process(_ batch: [PendingEvent], firstAppOpens: Set<Int64>, tally: inout ProcessingTally) throws -> [EventResult] {
        var results = [EventResult?](repeating: nil, count: batch.count)
        for round in Self.rounds(batch.map(\.event.memberId)) {
            var firing: [Firing] = []
            for i in round {
                tally.events += 1
                switch apply(batch[i], firstAppOpens: firstAppOpens, tally: &tally) {
                case .done(let outcome): results[i] = EventResult(outcome: outcome)
                case .fire(let scenes): firing.append(Firing(index: i, event: batch[i].event, scenes: scenes))
                }
            }
            try fire(firing, into: &results, tally: &tally)
        }
        return results.map { $0! }
    }

    /// Splits a batch into rounds: round k holds, in arrival order, the k-th event of each member.
    static func rounds(_ memberIds: [Int64]) -> [[Int]] {
        var seen: [Int64: Int] = [:]
        var rounds: [[Int]] = []
        for (i, id) in memberIds.enumerated() {
            let k = seen[id, default: 0]
            seen[id] = k + 1
            if rounds.count == k { rounds.append([]) }
            rounds[k].append(i)
        }
        return rounds
    }

    private enum Applied { case done(String), fire([String]) }

    /// An event whose scenes may start playbooks.
    private struct Firing {
        var index: Int
        var event: BehaviorEvent
        var scenes: [String]
        var outcomes: [String] = []
        var scriptError = false
    }

    /// Applies the event to the members; says which scenes it fires, or its outcome when it fires none.
    private func apply(_ pending: PendingEvent, firstAppOpens: Set<Int64>, tally: inout ProcessingTally) -> Applied {
        let e = pending.event
        switch e.kind {
        case JournalKind.memberUpsert:
            guard let member = pending.member else { return .done("unreadable member payload") }
            // The journal marks a member it did not hold yet: after a kill the restart has
            // loaded the member already, and only that mark still says "new".
            let created: Bool
            do { created = try members.upsert(member) } catch { return .done("member \(member.id) not applied: \(error)") }
            return .fire(created || e.attributes[JournalKind.signupAttribute] == "true" ? ["signup"] : [])
        case JournalKind.payment where pending.order != nil:
            // The store kept an earlier order under this id (an import): that one counts, not this one too.
            let counted = e.attributes[JournalKind.orderStoredBeforeAttribute] == "true"
                ? members.contains(e.memberId) : members.add(pending.order!)
            guard counted else { tally.unknownMembers += 1; return .done("unknown member \(e.memberId)") }
            return .fire(["payment"])
        default:
            guard members.contains(e.memberId) else { tally.unknownMembers += 1; return .done("unknown member \(e.memberId)") }
            if e.kind == "app_open" { return .fire(firstAppOpens.contains(pending.seq) ? ["first_app_open"] : []) }
            return .fire(Schemas.triggers.contains(e.kind) ? [e.kind] : [])
        }
    }

    /// One round's events (one per member): first every journey listening for them (`exit_on`,
    /// `wait_for`), then every playbook their scenes trigger, each playbook over all of them at once.
    private func fire(_ round: [Firing], into results: inout [EventResult?], tally: inout ProcessingTally) throws {
        // As of the day after the event, so the event's own order counts (recency 1, not "no orders").
        let byDay = Dictionary(grouping: round) { max($0.event.time, clock.now()).day.adding(days: 1) }
        for (asOf, group) in byDay.sorted(by: { $0.key < $1.key }) {
            var firings = group
            let listening = firings.map { f in
                scripts.playbooks(listeningFor: f.event.kind == JournalKind.payment ? ["payment", "order"] : [f.event.kind])
            }
            let targets = firings.map { f in f.scenes.flatMap { scripts.playbooks(triggeredBy: $0) } }
            let busy = firings.indices.filter { !listening[$0].isEmpty || !targets[$0].isEmpty }
            if !busy.isEmpty {
                let some = try members.subset(busy.map { firings[$0].event.memberId }, asOf: asOf)
                let known = Set(some.views.map(\.member.id))
                for k in busy where !known.contains(firings[k].event.memberId) {
                    tally.unknownMembers += 1
                    firings[k].outcomes.append("unknown member \(firings[k].event.memberId)")
                }
                let live = busy.filter { known.contains(firings[$0].event.memberId) }
                observe(&firings, live, listening, some, tally: &tally)
                trigger(&firings, live, targets, some, asOf: asOf, tally: &tally)
            }
            for f in firings {
                results[f.index] = EventResult(outcome: f.outcomes.isEmpty ? "no playbook" : f.outcomes.joined(separator: "; "),
                                               scriptError: f.scriptError)
            }
        }
    }

    private typealias Members = (population: Population, derived: DerivedViews, views: [MemberView])
    private typealias Playbooks = [(script: LiveScript, playbook: PlaybookDeclaration)]

    /// Ends the journeys listening for each event (`exit_on`) or moves them down their `wait_for` branch.
    private func observe(_ firings: inout [Firing], _ live: [Int], _ listening: [Playbooks], _ some: Members,
                         tally: inout ProcessingTally) {
        // Script by script, so each runtime is loaded with the round's members once, not per event.
        let files = Set(live.flatMap { listening[$0].map(\.script.file) }).sorted()
        for file in files {
            guard let script = scripts.scripts[file] else { continue }
            let engine = journeys(script, some)
            for k in live {
                let event = firings[k].event
                for (_, playbook) in listening[k].filter({ $0.script.file == file }) {
                    do {
                        let result = try engine.observe(playbook: playbook.name, event: event.kind,
                                                        member: event.memberId, at: clock.now())
                        tally.issued += result.issued
                        tally.suppressed.merge(result.suppressed, uniquingKeysWith: +)
                        if !result.log.exits.isEmpty { firings[k].outcomes.append("\(playbook.name): exited on \(event.kind)") }
                        if !result.log.branches.isEmpty {
                            let taken = result.log.branches.keys.sorted().joined(separator: ", ")
                            firings[k].outcomes.append("\(playbook.name): \(taken)" + (result.issued > 0 ? ", issued \(result.issued)" : ""))
                        }
                    } catch {
                        tally.scriptErrors += 1
                        firings[k].scriptError = true
                        firings[k].outcomes.append("\(playbook.name): error: \(error)")
                    }
                }
            }
        }
    }

    /// Runs every playbook the round's scenes trigger, in file then declaration order, each
    /// over all of its events at once (entry key `event:<id>`: a replay after a crash enters and
    /// issues nothing twice); a playbook that fails for the round runs its events one by one.
    private func trigger(_ firings: inout [Firing], _ live: [Int], _ targets: [Playbooks], _ some: Members, asOf: Day,
                         tally: inout ProcessingTally) {
        var order: [(script: LiveScript, playbook: PlaybookDeclaration)] = []
        var eventsOf: [String: [Int]] = [:]
        for k in live {
            for (script, playbook) in targets[k] {
                let key = script.file + "\u{0}" + playbook.name
                if eventsOf[key] == nil { order.append((script, playbook)) }
                eventsOf[key, default: []].append(k)
            }
        }
        let now = clock.now()
        for (script, playbook) in order {
            let ks = eventsOf[script.file + "\u{0}" + playbook.name]!
            let entries = ks.map { (member: firings[$0].event.memberId, entryKey: "event:\(firings[$0].event.id)") }
            var results: [Int64: JourneyRunResult]
            do {
                results = try journeys(script, some).trigger(playbook: playbook.name, entries: entries, at: now)
            } catch {
                // Someone in the round made the script fail: find who, one event at a time.
                results = [:]
                for k in ks {
                    let id = firings[k].event.memberId
                    do {
                        guard let one = try members.single(id, asOf: asOf) else { continue }
                        results[id] = try journeys(script, one).trigger(playbook: playbook.name, member: id,
                                                                        entryKey: "event:\(firings[k].event.id)", at: now)
                    } catch {
                        tally.scriptErrors += 1
                        firings[k].scriptError = true
                        firings[k].outcomes.append("\(playbook.name): error: \(error)")
                    }
                }
            }
            for k in ks {
                guard let result = results[firings[k].event.memberId] else { continue }
                tally.issued += result.issued
                tally.suppressed.merge(result.suppressed, uniquingKeysWith: +)
                firings[k].outcomes.append("\(playbook.name): " + Self.describe(result))
            }
        }
    }

    /// The journey engine over `some` members, on the script's small runtime.
    private func journeys(_ script: LiveScript, _ some: Members) -> LiveJourneys {
        script.journeys(script.context(over: some), store: store, clock: clock)
    }

    static func describe(_ r: JourneyRunResult) -> String {
        if r.targeted == 0 { return "not in audience" }
        if r.entered == 0 && r.issued == 0 && r.log.tally.suppressed == 0 { return "already in the journey" }
        if r.log.exits[JourneyExit.noOffer] != nil { return "no offer" }
        if r.issued > 0 { return "issued \(r.issued)" }
        let reasons = r.suppressed.keys.sorted().joined(separator: ",")
        return reasons.isEmpty ? "entered, next step later" : "suppressed (\(reasons))"
    }
}
