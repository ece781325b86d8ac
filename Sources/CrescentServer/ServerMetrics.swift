import CrescentPersistence
import Prometheus

/// The live engine's counters, served at `/metrics` in Prometheus text format.
///
/// Label values come from a closed set (suppression codes, channel codes, reload results,
/// refusal reasons), never from request data, so a client cannot blow up the series count.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let eventsAccepted: Counter
    let eventsDuplicate: Counter
    let eventsProcessed: Counter
    let issued: Counter
    let scriptErrors: Counter
    let unknownMembers: Counter
    let pendingEvents: Gauge
    let ingestSeconds: DurationHistogram
    let processingSeconds: DurationHistogram

    public init() {
        eventsAccepted = registry.makeCounter(descriptor: .crescent("events_accepted", "total", "Events, orders and member upserts written to the outbox."))
        eventsDuplicate = registry.makeCounter(descriptor: .crescent("events_duplicate", "total", "Replayed events (same id) that changed nothing."))
        eventsProcessed = registry.makeCounter(descriptor: .crescent("events_processed", "total", "Events whose playbooks ran."))
        issued = registry.makeCounter(descriptor: .crescent("offers_issued", "total", "Offers issued by the live engine."))
        scriptErrors = registry.makeCounter(descriptor: .crescent("script_errors", "total", "Playbook runs that ended in a script error."))
        unknownMembers = registry.makeCounter(descriptor: .crescent("events_unknown_member", "total", "Events about a member the store does not hold."))
        pendingEvents = registry.makeGauge(descriptor: .crescent("events_pending", "", "Accepted events not yet processed."))
        let buckets: [Duration] = [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                                   .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100),
                                   .milliseconds(500), .seconds(1)]
        ingestSeconds = registry.makeDurationHistogram(descriptor: .crescent("ingest", "seconds", "Time from a write request's arrival to its answer."), buckets: buckets)
        processingSeconds = registry.makeDurationHistogram(descriptor: .crescent("event_processing", "seconds", "Time to process one batch of events."), buckets: buckets)
    }

    func rejected(_ reason: String) {
        registry.makeCounter(descriptor: .crescent("requests_rejected", "total", "Requests refused with a 4xx, by reason."), labels: [("reason", reason)]).increment()
    }

    /// A dead-lettered event, by reason (`bad_record`, `script_error`, `crashed`).
    func failed(_ reason: String) {
        registry.makeCounter(descriptor: .crescent("events_failed", "total", "Events dead-lettered (state failed), by reason."), labels: [("reason", reason)]).increment()
    }

    func suppressed(_ code: String, by n: Int) {
        registry.makeCounter(descriptor: .crescent("suppressions", "total", "Members a guard stopped, by suppression code."), labels: [("reason", code)]).increment(by: Int64(n))
    }

    func reload(_ result: String) {
        registry.makeCounter(descriptor: .crescent("script_reloads", "total", "Script loads by result (loaded, rejected)."), labels: [("result", result)]).increment()
    }

    func delivery(channel: String, status: String, count: Int = 1) {
        registry.makeCounter(descriptor: .crescent("deliveries", "total", "Messages handed to channel plugins, by final status."), labels: [("channel", channel), ("status", status)]).increment(by: Int64(count))
    }

    /// A catch-up with other nodes' writes before a run over everyone: members read back, and
    /// whether it had to read everyone (after a bulk import).
    func caughtUp(everyone: Bool, members: Int) {
        registry.makeCounter(descriptor: .crescent("members_caught_up", "total", "Members read back before runs over everyone because another writer changed them."))
            .increment(by: Int64(members))
        registry.makeCounter(descriptor: .crescent("member_catch_ups", "total", "Catch-ups with other writers before runs over everyone, by kind (changes, everyone)."),
                             labels: [("kind", everyone ? "everyone" : "changes")]).increment()
    }

    func scheduledRun(_ state: String) {
        registry.makeCounter(descriptor: .crescent("scheduled_runs", "total", "Scheduled playbook runs by end state."), labels: [("state", state)]).increment()
    }

    func record(_ tally: ProcessingTally) {
        eventsProcessed.increment(by: Int64(tally.events))
        issued.increment(by: Int64(tally.issued))
        scriptErrors.increment(by: Int64(tally.scriptErrors))
        unknownMembers.increment(by: Int64(tally.unknownMembers))
        for (code, n) in tally.suppressed { suppressed(code, by: n) }
    }

    /// This node's id, and every node's tallies of shared work with this node's share, as the
    /// store has them (node ids come from `--node`, not from requests).
    func nodeWork(this node: String, _ tallies: [String: [NodeWork: Int]]) {
        registry.makeGauge(descriptor: .crescent("node_info", "", "This node's id (--node), as a label; always 1."),
                           labels: [("node", node)]).set(Double(1))
        for (other, kinds) in tallies {
            for kind in NodeWork.allCases {
                registry.makeGauge(descriptor: .crescent("node_work", "", "Shared work done per node (events, due_steps, scheduled_runs, deliveries), as recorded in the store."),
                                   labels: [("node", other), ("kind", kind.rawValue)]).set(Double(kinds[kind] ?? 0))
            }
        }
        for (kind, share) in NodeWorkTally.shares(of: node, in: tallies) {
            registry.makeGauge(descriptor: .crescent("node_work_share", "", "This node's share of each kind of shared work done by all nodes (0 to 1)."),
                               labels: [("node", node), ("kind", kind.rawValue)]).set(share.share)
        }
    }

    public func text() -> String { registry.emitToString() }
}

extension MetricNameDescriptor {
    /// `crescent_<name>_<unit>` with its help text.
    static func crescent(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "crescent", metricName: name, unitName: unit, helpText: help)
    }
}
