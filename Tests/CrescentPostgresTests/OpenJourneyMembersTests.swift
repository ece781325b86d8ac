import CrescentCore
import CrescentPersistence
import Testing

/// Who a relaunch holds besides its audience (``JourneyStore/membersWithOpenJourneys(playbooks:)``),
/// the same on both stores: members with a journey of the playbooks still open, due now or
/// later, each once; not those whose journeys ended, nor other playbooks' members.
@Suite(.serialized)
struct OpenJourneyMembersTests {
    @Test(arguments: StoreKind.available)
    func membersWithOpenJourneysOfThePlaybooksEachOnce(kind: StoreKind) throws {
        try kind.withStore { store in
            func journey(_ playbook: String, _ member: Int64, _ entry: String, due: Timestamp?,
                         state: Journey.State = .active) -> Journey {
                Journey(playbook: playbook, member: member, entryKey: entry, enteredAt: t0, nextDue: due, state: state)
            }
            let later = t0.adding(seconds: 86_400 * 300)
            try store.beginJourneys([
                journey("winback", 30, "run-1", due: t0), journey("winback", 30, "run-2", due: later),
                journey("winback", 10, "run-1", due: later),
                journey("winback", 20, "run-1", due: nil, state: .done),
                journey("welcome", 40, "run-1", due: t0),
                journey("other", 50, "run-1", due: t0),
            ], at: t0)
            #expect(try store.membersWithOpenJourneys(playbooks: ["winback"]) == [10, 30])
            #expect(try store.membersWithOpenJourneys(playbooks: ["winback", "welcome", "winback"]) == [10, 30, 40])
            #expect(try store.membersWithOpenJourneys(playbooks: []) == [])
            #expect(try store.membersWithOpenJourneys(playbooks: ["nobody"]) == [])
        }
    }
}
