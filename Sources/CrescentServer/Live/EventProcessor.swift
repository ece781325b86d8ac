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

/// Applies accepted events to the live members and runs the playbooks their scenes trigger.
///
/// Each event's playbooks are issued with the run id `event:<event id>`: the issuer decides
/// a member at most once per run id, so an event replayed after a crash (processed, but not
/// yet marked `done`) issues nothing twice. A script error is recorded in the event's outcome
/// (file, line and member) and counted; it does not stop the engine or block later events.
/// Confined to the engine thread.
final class EventProcessor {
    let store: CrescentStore
    let members: LiveMembers
    let scripts: LiveScripts
    let clock: any CrescentCore.Clock

    init(store: CrescentStore, members: LiveMembers, scripts: LiveScripts, clock: any CrescentCore.Clock) {
        self.store = store; self.members = members; self.scripts = scripts; self.clock = clock
    }

    /// Processes one event and says what it did, for the event's `outcome`.
    func process(_ pending: PendingEvent, tally: inout ProcessingTally) -> String {
        tally.events += 1
        let e = pending.event
        let scenes: [String]
        switch e.kind {
        case JournalKind.memberUpsert:
            guard let member = pending.member else { return "unreadable member payload" }
            // The journal marks a member it did not hold yet: after a kill the restart has
            // loaded the member already, and only that mark still says "new".
            let created = members.upsert(member)
            scenes = created || e.attributes[JournalKind.signupAttribute] == "true" ? ["signup"] : []
        case JournalKind.payment where pending.order != nil:
            guard members.add(pending.order!) else { tally.unknownMembers += 1; return "unknown member \(e.memberId)" }
            scenes = ["payment"]
        default:
            guard members.contains(e.memberId) else { tally.unknownMembers += 1; return "unknown member \(e.memberId)" }
            if e.kind == "app_open" {
                scenes = members.firstAppOpen(e.memberId) ? ["first_app_open"] : []
            } else {
                scenes = Schemas.triggers.contains(e.kind) ? [e.kind] : []
            }
        }
        let outcomes = scenes.flatMap { fire($0, for: e, tally: &tally) }
        return outcomes.isEmpty ? "no playbook" : outcomes.joined(separator: "; ")
    }

    /// Ends the journeys listening for this event (`exit_on`), then runs every playbook
    /// `scene` triggers for the event's member, through the journey engine (entry key
    /// `event:<id>`: a replay after a crash enters and issues nothing twice).
    private func fire(_ scene: String, for event: BehaviorEvent, tally: inout ProcessingTally) -> [String] {
        let listening = scripts.playbooks(listeningFor: event.kind == JournalKind.payment ? ["payment", "order"] : [event.kind])
        let targets = scripts.playbooks(triggeredBy: scene)
        guard !targets.isEmpty || !listening.isEmpty else { return [] }
        // As of the day after the event, so the event's own order counts (recency 1, not "no orders").
        let asOf = max(event.time, clock.now()).day.adding(days: 1)
        guard let one = members.single(event.memberId, asOf: asOf) else {
            tally.unknownMembers += 1
            return ["unknown member \(event.memberId)"]
        }
        var outcomes: [String] = []
        for (script, playbook) in listening {
            do {
                let result = try live(script, one).observe(playbook: playbook.name, event: event.kind, member: event.memberId, at: clock.now())
                tally.issued += result.issued
                tally.suppressed.merge(result.suppressed, uniquingKeysWith: +)
                if !result.log.exits.isEmpty { outcomes.append("\(playbook.name): exited on \(event.kind)") }
                if !result.log.branches.isEmpty {
                    let taken = result.log.branches.keys.sorted().joined(separator: ", ")
                    outcomes.append("\(playbook.name): \(taken)" + (result.issued > 0 ? ", issued \(result.issued)" : ""))
                }
            } catch {
                tally.scriptErrors += 1
                outcomes.append("\(playbook.name): error: \(error)")
            }
        }
        for (script, playbook) in targets {
            do {
                let result = try live(script, one).trigger(playbook: playbook.name, member: event.memberId,
                                                           entryKey: "event:\(event.id)", at: clock.now())
                tally.issued += result.issued
                tally.suppressed.merge(result.suppressed, uniquingKeysWith: +)
                outcomes.append("\(playbook.name): " + Self.describe(result))
            } catch {
                tally.scriptErrors += 1
                outcomes.append("\(playbook.name): error: \(error)")
            }
        }
        return outcomes
    }

    /// The journey engine over the event's one member, on the script's small runtime.
    private func live(_ script: LiveScript, _ one: (population: Population, derived: DerivedViews, views: [MemberView])) -> LiveJourneys {
        script.runtime.replaceMembers(one.views)
        let context = CampaignContext(population: one.population, derived: one.derived, views: one.views,
                                      runtime: script.runtime, dataSource: "live")
        return script.journeys(context, store: store, clock: clock)
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
