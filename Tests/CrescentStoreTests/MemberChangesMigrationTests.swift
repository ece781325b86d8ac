import CrescentCore
import CrescentPersistence
import GRDB
import Testing
@testable import CrescentStore

/// Issue 17 (the live engine at 10M): a store of the previous schema upgrades to one with the
/// log of member writes, keeps its members, and logs from then on.
@Suite struct MemberChangesMigrationTests {
    let files: TestFiles
    init() throws { files = try TestFiles() }

    @Test func aStoreOfThePreviousSchemaUpgradesAndLogsWritesFromThen() throws {
        let path = files.dir + "/previous.sqlite"
        let queue = try DatabaseQueue(path: path)
        try CrescentStore.migrator.migrate(queue, upTo: "v11 issue keys in member order, lighter issue writes")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO members(id, join_date) VALUES (7, '2025-01-01')")
        }
        try queue.close()

        let store = try CrescentStore(path: path)
        #expect(try store.loadPopulation().members.map(\.id) == [7])
        let mark = try store.memberChangeMark()
        #expect(mark == MemberChangeMark(0))
        try store.insert(orders: [Order(id: 1, memberId: 7, time: Timestamp(day: Day(year: 2026, month: 1, day: 2), hour: 3),
                                        amount: Money(major: 9), quantity: 1)])
        let changes = try store.memberChanges(since: mark)
        #expect(changes.members == [7])
        #expect(!changes.everyone)
        #expect(try store.memberChanges(since: changes.mark).members == [])
    }
}
