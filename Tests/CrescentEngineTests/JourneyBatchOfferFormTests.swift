import CrescentCore
@testable import CrescentEngine
import CrescentStore
import Foundation
import Testing

/// A journey batch builds each offer's ledger form (cache key, template variables) once and
/// reuses it for the batch's other members: a batch mixing offers must still give every
/// member the variables of the offer the formula chose for them.
struct JourneyBatchOfferFormTests {
    static let now = Timestamp(day: Day(year: 2026, month: 12, day: 1), hour: 3)

    static let script = """
        segment "everyone" { days_since_join = ">= 0" }
        playbook "mixed" {
          goal = "retain", business_line = "mixed.line", audience = "everyone",
          when = { at = "2026-12-01 03:00" }, channels = { "sms" },
          offer = function(m)
            if m.id % 2 == 0 then return coupon { name = "Even 20 off 100", off = 20, min_spend = 100, valid_days = 7 } end
            return coupon { name = "Odd 10 off 60", off = 10, min_spend = 60, valid_days = 7 }
          end,
        }
        """

    @Test("one batch, two offers: each member's journey names the offer chosen for them")
    func mixedOffersInOneBatch() throws {
        let dir = NSTemporaryDirectory() + "crescent-offer-form-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/store.sqlite"
        let store = try CrescentStore(path: db)
        try store.insert(members: (1...40).map { id in
            Member(id: Int64(id), name: "m\(id)", joinDate: Day(year: 2025, month: 1, day: 1), consent: ["sms"],
                   utcOffsetMinutes: 480)
        })
        let context = try CampaignContext(script: Self.script, chunkName: "mixed.lua", data: db, seed: 1, asOf: Self.now.day)
        var live = LiveJourneys(context: context, store: store)
        live.batchSize = 1_000   // every member in the one batch
        let result = try live.launch(playbook: "mixed", entryKey: "r1", at: Self.now)
        #expect(result.issued == 40)

        let journeys = try store.latestJourneys(playbook: "mixed", members: (1...40).map(Int64.init))
        #expect(journeys.count == 40)
        var names: [Int64: String] = [:]
        for (id, journey) in journeys {
            let variablesId = try #require(journey.offerVariablesId, "member \(id) has no offer recorded")
            names[id] = try store.offerVariables(id: variablesId)["offer"]
        }
        for id in Int64(1)...40 {
            #expect(names[id] == (id % 2 == 0 ? "Even 20 off 100" : "Odd 10 off 60"), "member \(id)")
        }
    }
}
