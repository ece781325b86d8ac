import CrescentCore
import CrescentPersistence
import Testing
@testable import CrescentPostgres

/// Lease claims of shared work on a real PostgreSQL: due journeys, events, scheduled runs,
/// pending deliveries.
@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.skipped), .serialized)
struct PostgresClaimTests {
    func dueJourneys(_ n: Int, playbook: String = "nurture") -> [Journey] {
        (0..<n).map { i in
            Journey(playbook: playbook, member: Int64(i + 1), entryKey: "event:e\(i)", enteredAt: t0.adding(seconds: -86_400),
                    step: 1, nextDue: t0.adding(seconds: -Int64(i % 50)))
        }
    }

    /// Two nodes claiming due steps at once, batch after batch: every step claimed, none twice.
    @Test func twoClaimersNeverGetTheSameDueStep() throws {
        try TestPostgres.withStores(nodes: 2) { stores in
            try stores[0].beginJourneys(dueJourneys(300), at: t0)
            // A journey not due yet and a finished one are never handed out.
            try stores[0].beginJourneys([
                Journey(playbook: "nurture", member: 900, entryKey: "later", enteredAt: t0, nextDue: t0.adding(seconds: 60)),
                Journey(playbook: "nurture", member: 901, entryKey: "over", enteredAt: t0, nextDue: nil, state: .done),
            ], at: t0)
            let claimed = try raceThreads(2) { node in
                var mine: [Int64] = []
                while true {
                    let batch = try stores[node].claims.claimDueJourneyMembers(now: t0, limit: 7, node: "node-\(node)",
                                                                               leaseSeconds: 60)
                    if batch.isEmpty { return mine }
                    mine += batch["nurture"] ?? []
                }
            }
            #expect(Set(claimed[0]).isDisjoint(with: claimed[1]))
            #expect(claimed[0].count + claimed[1].count == 300)
            #expect(Set(claimed[0] + claimed[1]) == Set(1...300))
        }
    }

    /// A node that dies holding a claim: nobody gets the steps until the lease expires, then
    /// another node does. Saving a step clears its claim.
    @Test func anExpiredLeaseIsReclaimed() throws {
        try TestPostgres.withStores(nodes: 2) { stores in
            try stores[0].beginJourneys(dueJourneys(5), at: t0)
            let a = try stores[0].claims.claimDueJourneyMembers(now: t0, limit: 10, node: "a", leaseSeconds: 60)
            #expect(a["nurture"] == [1, 2, 3, 4, 5])
            // "a" is killed here. Within the lease nothing is handed out again.
            #expect(try stores[1].claims.claimDueJourneyMembers(now: t0.adding(seconds: 59), limit: 10, node: "b",
                                                                leaseSeconds: 60).isEmpty)
            let b = try stores[1].claims.claimDueJourneyMembers(now: t0.adding(seconds: 60), limit: 10, node: "b",
                                                                leaseSeconds: 60)
            #expect(b["nurture"] == [1, 2, 3, 4, 5])
            // "b" writes member 1's step (the next one due tomorrow): that clears its claim.
            var j1 = try #require(try stores[1].journeys(member: 1).first)
            j1.step = 2
            j1.nextDue = t0.adding(seconds: 86_400)
            try stores[1].saveJourneys([j1], at: t0.adding(seconds: 61))
            // Member 1 is due tomorrow and 2...5 are held by "b": nothing for "c" yet.
            #expect(try stores[0].claims.claimDueJourneyMembers(now: t0.adding(seconds: 100), limit: 10, node: "c",
                                                                leaseSeconds: 60).isEmpty)
            let tomorrow = try stores[0].claims.claimDueJourneyMembers(now: t0.adding(seconds: 86_400), limit: 10,
                                                                       node: "c", leaseSeconds: 60)
            #expect(tomorrow["nurture"] == [1, 2, 3, 4, 5])
        }
    }

    func enqueue(_ store: PostgresStore, _ events: [(id: String, member: Int64)]) throws {
        try store.pool.transaction { s in
            for e in events {
                try s.execute("""
                    INSERT INTO events(id, member_id, kind, time, attributes, state, received_at)
                    VALUES (\(e.id), \(e.member), 'app_open', \(t0.seconds), '{}', 'pending', \(t0.seconds))
                    """)
            }
        }
    }

    /// Accepted events: each handed to one node; a member's next event waits until the node
    /// holding its earlier one finishes (order per member), and comes back after a lease expires.
    @Test func eventsAreClaimedOnceAndInOrderPerMember() throws {
        try TestPostgres.withStores(nodes: 2) { stores in
            try enqueue(stores[0], [("a1", 1), ("b1", 2), ("a2", 1), ("c1", 3), ("a3", 1)])
            let first = try stores[0].claims.claimEvents(limit: 2, now: t0, node: "n0", leaseSeconds: 30)
            #expect(first.map(\.id) == ["a1", "b1"])
            #expect(first.allSatisfy { $0.attempts == 0 })
            // Member 1's a2 must wait for a1 (held by n0): n1 gets only member 3's event.
            let second = try stores[1].claims.claimEvents(limit: 10, now: t0, node: "n1", leaseSeconds: 30)
            #expect(second.map(\.id) == ["c1"])
            try stores[0].finishEvents(first.map { EventFinish(seq: $0.seq, succeeded: true, outcome: "ok") })
            try stores[1].finishEvents(second.map { EventFinish(seq: $0.seq, succeeded: true, outcome: "ok") })
            let third = try stores[1].claims.claimEvents(limit: 10, now: t0, node: "n1", leaseSeconds: 30)
            #expect(third.map(\.id) == ["a2", "a3"])
            // n1 dies while n0 is up: n0 gets nothing of member 1 until the lease expires...
            #expect(try stores[0].claims.claimEvents(limit: 10, now: t0.adding(seconds: 1), node: "n0", leaseSeconds: 30).isEmpty)
            // ...but n1 restarted under the same id resumes at once, attempted rows one at a time.
            let resumed = try stores[1].claims.claimEvents(limit: 10, now: t0.adding(seconds: 1), node: "n1", leaseSeconds: 30)
            #expect(resumed.map(\.id) == ["a2"])
            #expect(resumed[0].attempts == 1)
            // n1 dies for good; after its leases n0 takes the rows over, oldest first, one at a time.
            let retry = try stores[0].claims.claimEvents(limit: 10, now: t0.adding(seconds: 31), node: "n0", leaseSeconds: 30)
            #expect(retry.map(\.id) == ["a2"])
            #expect(retry[0].attempts == 2)
            try stores[0].finishEvents([EventFinish(seq: retry[0].seq, succeeded: false, outcome: "dead-lettered")])
            let next = try stores[0].claims.claimEvents(limit: 10, now: t0.adding(seconds: 31), node: "n0", leaseSeconds: 30)
            #expect(next.map(\.id) == ["a3"])
            #expect(try stores[0].eventStatus(id: "a2")?.state == "failed")
        }
    }

    /// Many nodes draining one queue at once: every event processed exactly once.
    @Test func concurrentDrainersShareTheQueueWithoutOverlap() throws {
        try TestPostgres.withStores(nodes: 2) { stores in
            try enqueue(stores[0], (0..<400).map { ("e\($0)", Int64($0 % 37)) })
            let handled = try raceThreads(4) { i in
                var ids: [String] = []
                while true {
                    let batch = try stores[i % 2].claims.claimEvents(limit: 25, now: t0, node: "n\(i)", leaseSeconds: 30)
                    if batch.isEmpty { break }
                    ids += batch.map(\.id)
                    try stores[i % 2].finishEvents(batch.map { EventFinish(seq: $0.seq, succeeded: true, outcome: "ok") })
                }
                return ids
            }
            let all = handled.flatMap { $0 }
            #expect(all.count == 400 && Set(all).count == 400)
        }
    }

    /// A scheduled run is started by one node; another node resumes it only after the lease
    /// expires; once done it is never started again.
    @Test func aScheduledRunStartsOnOneNode() throws {
        try TestPostgres.withStores(nodes: 2) { stores in
            // Node i runs on store i % 2 (two processes' worth of connections).
            let begin: @Sendable (Int, Timestamp) throws -> Bool = { i, now in
                try stores[i % 2].claims.beginScheduledRun(runId: "schedule:winback:2026-11-02T10:00", script: "winback.lua",
                                                           playbook: "winback", due: t0, at: now, node: "n\(i)",
                                                           leaseSeconds: 120)
            }
            let starts = try raceThreads(6) { i in try begin(i, t0) }
            #expect(starts.filter { $0 }.count == 1)
            let winner = starts.firstIndex(of: true)!
            let other = (winner + 1) % 6
            #expect(try begin(winner, t0.adding(seconds: 5)))       // the holder resumes its own run
            #expect(try !begin(other, t0.adding(seconds: 100)))     // still leased
            #expect(try begin(other, t0.adding(seconds: 126)))      // lease expired: taken over
            try stores[0].claims.finishScheduledRun(runId: "schedule:winback:2026-11-02T10:00", state: "done",
                                                    outcome: "issued 3", at: t0.adding(seconds: 130))
            #expect(try !begin(winner, t0.adding(seconds: 1_000)))
        }
    }

    /// The outbox: two senders never get the same pending delivery.
    @Test func pendingDeliveriesAreClaimedByOneSender() throws {
        try TestPostgres.withStores(nodes: 2) { stores in
            let request = GuardRequest(campaign: "news", businessLine: "all", channels: ["sms"])
            for m in 1...60 {
                _ = try stores[0].issues.write(runId: "r", playbook: m % 2 == 0 ? "news" : "other", step: 0,
                                               member: member(Int64(m)), request: request, decision: .issue(channel: "sms"),
                                               at: t0)
            }
            // Each sender walks the outbox with a cursor, as `DeliveryOutbox.drain` does.
            let got = try raceThreads(2) { i in
                var ids: [Int64] = []
                while true {
                    let batch = try stores[i].claims.claimPendingDeliveries(afterId: ids.last ?? 0, runId: "r",
                                                                            playbooks: ["news"], limit: 4, now: t0,
                                                                            node: "s\(i)", leaseSeconds: 30)
                    if batch.isEmpty { return ids }
                    ids += batch
                }
            }
            #expect(Set(got[0]).isDisjoint(with: got[1]))
            #expect(got[0].count + got[1].count == 30)
            // Leased: another sender gets only the other playbook's 30; the holder may take its own again.
            #expect(try stores[0].claims.claimPendingDeliveries(afterId: 0, runId: nil, playbooks: [], limit: 100, now: t0,
                                                                node: "s9", leaseSeconds: 30).count == 30)
            #expect(try stores[0].claims.claimPendingDeliveries(afterId: 0, runId: "r", playbooks: ["news"], limit: 100,
                                                                now: t0, node: "s0", leaseSeconds: 30) == got[0].sorted())
        }
    }
}
