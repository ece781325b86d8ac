import CrescentCore
import CrescentEngine
import CrescentPersistence
import CrescentStore
import CrescentTestSupport
import Foundation
import Testing
@testable import CrescentServer

/// `/v1/segments` for a script with a `where`: only the members some segment's declarative
/// conditions leave are read and loaded into Lua, and every segment has the size the record
/// path (everyone's records from the store, derived in one go) gives it. On each store.
@Suite(.serialized)
struct LuaPreviewTests {
    static let script = """
    segment "big_buyers"   { orders = ">= 1", where = function(m) return m.total_spend >= 100 end }
    segment "named_recent" { recency_days = "<= 30", where = function(m) return #m.name > 0 end }
    segment "both"         { intersect = { "big_buyers", "named_recent" }, consent = "sms" }
    """

    @Test(arguments: TestStoreKind.all)
    func aWherePreviewReadsOnlyTheCandidatesAndSizesAsTheRecordPath(kind: TestStoreKind) async throws {
        try await ServerFixtures.withWorkspace(kind) { ws in
            try Self.script.write(toFile: ws.scripts + "/preview.lua", atomically: true, encoding: .utf8)
            let engine = try await LiveEngine.open(ws.configuration, clock: FixedClock(ServerFixtures.now))
            defer { engine.stop() }
            // Six buyers: members 1...3 spend 120, 4...6 spend 60.
            let orders = (1...6).map { n in
                #"{"id":\#(100 + n),"member_id":\#(n),"time":"2026-11-23 01:30","amount":"\#(n <= 3 ? 120 : 60).00","quantity":1}"#
            }
            let entries = try orders.flatMap { try IngestDecoder.decode(Data($0.utf8), as: .orders) }
            _ = try ServerFixtures.withStore(ws.db) { try $0.journal([entries], receivedAt: ServerFixtures.now) }
            while try await engine.processPending() > 0 {}
            let readBefore = try await engine.onWorker { engine.members.recordsRead }

            let sizes = try #require(try await engine.segmentSizes(script: "preview.lua"))

            let read = try await engine.onWorker { engine.members.recordsRead } - readBefore
            #expect(read <= 6, "read \(read) members' records for a preview whose candidates are the six buyers")
            let everyone = try ServerFixtures.withStore(ws.db) { store in
                try CampaignContext(script: Self.script, chunkName: "preview.lua", storePopulation: try store.loadPopulation(),
                                    dataSource: "test", seed: 1, asOf: engine.asOfToday)
            }
            let expected = try SegmentEvaluator(runtime: everyone.runtime).evaluateAll()
            #expect(sizes.map(\.name) == expected.map(\.name))
            #expect(sizes.map(\.members) == expected.map(\.members.count))
            #expect(sizes.map(\.members) == [3, 6, 3])
            #expect(sizes.allSatisfy { abs($0.share - Double($0.members) / 50) < 1e-9 })
        }
    }
}
