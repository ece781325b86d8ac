import CrescentPersistence
import Testing
@testable import CrescentStore

/// The issue writer builds keys in place (`IssueKeyBuilder`); they must be exactly the keys
/// `IssueScope.key(member:)` defines, which providers see and a resumed run looks up.
struct IssueKeyBuilderTests {
    @Test func theBuilderWritesTheKeysTheScopeDefines() {
        let builder = IssueKeyBuilder()
        let scopes = [IssueScope(runId: "r1", playbook: "winback", step: 0),
                      IssueScope(runId: "r1", playbook: "winback", step: 2),
                      IssueScope(runId: "2026-12-01 é", playbook: "p/q", step: 11),
                      IssueScope(runId: "old", playbook: "winback", step: 0, keyFormat: .legacy)]
        let ids: [Int64] = [0, 1, 7, 9, 10, 42, 99_999, 100_000_000_000, 999_999_999_999, 1_000_000_000_000,
                            Int64.max, -1, -42, Int64.min]
        // Scopes change between calls as in a batch of event entries, and come back.
        for scope in scopes + scopes.reversed() {
            for id in ids { #expect(builder.key(scope, member: id) == scope.key(member: id), "\(scope) member \(id)") }
        }
        #expect(builder.key(scopes[0], member: 42) == "r1/winback/0/000000000042")
    }
}
