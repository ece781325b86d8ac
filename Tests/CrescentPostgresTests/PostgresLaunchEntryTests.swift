import CrescentCore
import CrescentPersistence
import Testing
@testable import CrescentPostgres

/// Issue 17 (issuing speed) on PostgreSQL: `v6 launches entering` on a store of the previous
/// schema. A launch entered before it has no mark (it counts as entered), and its open
/// journeys are read back with their row ids and moved by them.
@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.skipped), .serialized)
struct PostgresLaunchEntryTests {
    @Test func aStoreOfThePreviousSchemaUpgradesAndItsJourneysMoveByRowId() throws {
        try TestPostgres.withStore { store in
            try store.pool.withSession { s in
                try s.execute("DROP TABLE launches_entering")
                try s.execute("DELETE FROM crescent_migrations WHERE name = 'v6 launches entering'")
            }
            let open = [6, 7].map { Journey(playbook: "winback", member: $0, entryKey: "launch-1", enteredAt: t0, nextDue: t0) }
            let other = Journey(playbook: "winback", member: 6, entryKey: "launch-0", enteredAt: t0.adding(seconds: -86_400),
                                step: 1, nextDue: nil, state: .done)
            try store.beginJourneys(open + [other], at: t0)
            #expect(try PostgresSchema.migrate(store.pool) == ["v6 launches entering"])
            #expect(try store.journeyEntryExists(playbook: "winback", entryKey: "launch-1"))
            #expect(try !store.launchEntering(playbook: "winback", entryKey: "launch-1"), "entered before: no mark")

            let due = try store.dueJourneys(playbook: "winback", now: t0, limit: 10, members: nil)
            #expect(due.map(\.member) == [6, 7])
            #expect(due.allSatisfy { $0.rowId != nil })
            var moved = due[0]
            moved.step = 1; moved.state = .done; moved.nextDue = nil
            try store.saveJourneys([moved], at: t0)
            let journeys = try store.journeys(member: 6)
            #expect(journeys.first { $0.entryKey == "launch-1" } == moved)
            #expect(journeys.first { $0.entryKey == "launch-0" } == other, "the member's other journey stays as it was")

            try store.markLaunchEntering(playbook: "winback", entryKey: "launch-2", at: t0)
            try store.markLaunchEntering(playbook: "winback", entryKey: "launch-2", at: t0)
            #expect(try store.launchEntering(playbook: "winback", entryKey: "launch-2"))
            try store.markLaunchEntered(playbook: "winback", entryKey: "launch-2")
            #expect(try !store.launchEntering(playbook: "winback", entryKey: "launch-2"))
        }
    }
}
