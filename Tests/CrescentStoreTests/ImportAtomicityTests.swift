import CrescentCore
import CrescentPersistence
import CrescentTestSupport
import Testing
@testable import CrescentStore

/// A bad row anywhere means nothing is written, and the error names file, line and column,
/// on either store.
@Suite struct ImportAtomicityTests {
    let files: TestFiles
    init() throws { files = try TestFiles() }

    /// Imports `contents` as file `name` into the empty `store`, expects exactly `error`, and
    /// checks nothing at all was written. Returns the file's path.
    @discardableResult
    private func expectRefused(_ name: String, _ contents: String, kind: ImportKind? = nil,
                               with error: ImportError, into store: any DataStore) throws -> String {
        let path = try files.write(name, contents)
        #expect(throws: error) { try Importer.importFile(path, into: store, kind: kind) }
        let c = try store.counts()
        #expect(c.members == 0 && c.orders == 0 && c.items == 0 && c.events == 0)
        return path
    }

    @Test(arguments: TestStoreKind.all)
    func csvBadAmount(kind: TestStoreKind) throws {
        try kind.withStore { store in
            let path = try expectRefused("orders.csv", """
                id,member_id,time,amount,quantity
                1,7,2026-01-02 10:00,12.50,1
                2,7,2026-01-03,"12,x",2
                3,8,2026-01-04,5,1
                """, with: ImportError(file: "orders.csv", line: 3, location: "column \"amount\"",
                                       message: "\"12,x\" is not an amount"), into: store)
            do { _ = try Importer.parse(path: path) } catch {
                #expect("\(error)" == "orders.csv:3: column \"amount\": \"12,x\" is not an amount")
            }
        }
    }

    @Test(arguments: TestStoreKind.all)
    func csvBadMemberDateAfterAQuotedNewline(kind: TestStoreKind) throws {
        try kind.withStore { store in
            try expectRefused("members.csv", """
                id,name,join_date,consent
                1,"Wang
                Fang",2025-01-01,sms;email
                2,Li Na,2025-13-01,sms
                """, with: ImportError(file: "members.csv", line: 4, location: "column \"join_date\"",
                                       message: "\"2025-13-01\" is not a date (YYYY-MM-DD)"), into: store)
        }
    }

    @Test(arguments: TestStoreKind.all)
    func jsonBadField(kind: TestStoreKind) throws {
        try kind.withStore { store in
            try expectRefused("pop.json", """
                {"members": [
                  {"id": 1, "join_date": "2025-01-01", "consent": ["sms"]}
                 ],
                 "orders": [
                  {"id": 1, "member_id": 1, "time": "2025-02-01 09:00", "amount": 29.33},
                  {"id": 2, "member_id": 1, "time": "2025-02-02 09:00",
                   "amount": "ten"}
                 ]}
                """, with: ImportError(file: "pop.json", line: 6, location: "field \"amount\"",
                                       message: "\"ten\" is not an amount"), into: store)
        }
    }

    @Test(arguments: TestStoreKind.all)
    func cdnowBadDollars(kind: TestStoreKind) throws {
        try kind.withStore { store in
            try expectRefused("cdnow.txt", """
                 00004 0001 19970101  2   29.33
                 00004 0001 19970118  2   29.73
                 00021 0002 19970101  3   6x.34
                """, kind: .cdnow, with: ImportError(file: "cdnow.txt", line: 3, location: "column 5 \"dollars\"",
                                                     message: "\"6x.34\" is not an amount"), into: store)
        }
    }

    @Test(arguments: TestStoreKind.all)
    func cdnowMasterShapeWithHeaderImports(kind: TestStoreKind) throws {
        try kind.withStore { store in
            let path = try files.write("master.txt", """
                customer_id date cds dollars
                1 19970101 1 11.77
                2 19970112 1 12.00
                2 19970112 5 77.00
                """)
            let batch = try Importer.importFile(path, into: store)
            #expect(batch.members.map(\.id) == [1, 2])
            #expect(batch.members[1].joinDate == Day("1997-01-12") && batch.members[1].name == "Customer 2")
            #expect(batch.orders.map(\.amount.minorUnits) == [1177, 1200, 7700])
            #expect(try store.counts().orders == 3)
        }
    }

    @Test(arguments: TestStoreKind.all)
    func duplicateIdInStoreRollsBackTheWholeFile(kind: TestStoreKind) throws {
        try kind.withStore { store in
            try store.insert(members: [Member(id: 2, joinDate: Day("2025-01-01")!)])
            let path = try files.write("members.csv", "id,join_date\n1,2025-01-01\n2,2025-01-02\n")
            do {
                try Importer.importFile(path, into: store)
                Issue.record("expected the duplicate to be refused")
            } catch let error as ImportError {
                #expect(error.file == "members.csv" && error.line == 3)
                // Each store's own words for the duplicate key.
                #expect(error.message.contains(kind == .sqlite ? "UNIQUE constraint failed: members.id"
                                                               : "Key (id)=(2) already exists"), "\(error.message)")
            }
            #expect(try store.counts().members == 1)
        }
    }
}
