import CrescentCore
import CrescentEngine
import Testing

/// The dry-run builds an offer's qualifying spend on another thread from the moment a batch
/// first chooses the offer; each must be exactly the one built when a draw first asks for it,
/// and asking while it is being built waits for it.
@Suite struct QualifyingSpendAheadTests {
    static let script = """
    segment "buyers" { orders = ">= 1" }
    playbook "p" {
      goal = "win_back", audience = "buyers", when = { at = "2026-01-01 10:00" }, channels = { "sms" },
      offer = coupon { off = 5, min_spend = 40 }, message = "hi",
    }
    """

    static func expectSame(_ a: QualifyingSpend, _ b: QualifyingSpend) {
        #expect(a.minSpend == b.minSpend)
        #expect(a.populationShare == b.populationShare && a.priorStrength == b.priorStrength)
        #expect(a.populationValue == b.populationValue)
        #expect(a.share == b.share)
        #expect(a.value == b.value)
    }

    @Test(arguments: [false, true])
    func spendsBuiltAheadEqualTheLazyOnes(audienceFirst: Bool) throws {
        func context() throws -> CampaignContext {
            if audienceFirst {
                return try #require(try CampaignContext.audienceFirst(script: Self.script, chunkName: "q.lua",
                                                                      data: "synthetic:800", seed: 3, asOf: nil))
            }
            return try CampaignContext(script: Self.script, chunkName: "q.lua", data: "synthetic:800", seed: 3, asOf: nil)
        }
        let prepared = try context(), lazy = try context()
        let minSpends = [Money(major: 40), Money(major: 120), Money(minorUnits: 5_999)]
        prepared.buildQualifyingSpendsAhead(Set(minSpends))
        for m in minSpends {
            let early = prepared.qualifyingSpend(minSpend: m), late = lazy.qualifyingSpend(minSpend: m)
            #expect(early.share.count == prepared.views.count)
            #expect(early.share.contains { $0 > 0 && $0 < 1 })   // a population where the prior matters
            Self.expectSame(early, late)
        }
        // Queuing one already built changes nothing; a new one is built as asked.
        let before = prepared.qualifyingSpend(minSpend: minSpends[0]).share
        prepared.buildQualifyingSpendsAhead([minSpends[0], Money(major: 80)])
        #expect(prepared.qualifyingSpend(minSpend: minSpends[0]).share == before)
        Self.expectSame(prepared.qualifyingSpend(minSpend: Money(major: 80)), lazy.qualifyingSpend(minSpend: Money(major: 80)))
    }
}
