import CrescentCore
import CrescentLua

/// Walks a playbook's steps over its audience: offers, guards, channels and messages.
struct StepSimulator {
    let context: CampaignContext
    let playbook: PlaybookDeclaration
    let policy: GuardPolicy
    let seed: UInt64

    var steps: [StepReach] = []
    var tally = SuppressionTally()
    var sampleMessages: [String] = []
    /// Member index → (offer id, channel) of the step that gave them their offer.
    var offered: [Int32: (offer: Int, channel: String)] = [:]
    /// Member index → reminders received after the offer.
    var reminders: [Int32: Int] = [:]
    var targeted = 0

    init(context: CampaignContext, playbook: PlaybookDeclaration, policy: GuardPolicy, seed: UInt64) {
        self.context = context; self.playbook = playbook; self.policy = policy; self.seed = seed
    }

    /// A dry-run launches the playbook on the as-of day (so a backtest measures the window
    /// that follows it), at the scheduled time of day (10:00 when there is none).
    var start: Timestamp {
        let secondOfDay = playbook.schedule.at?.secondOfDay ?? 36_000
        return Timestamp(day: context.asOf).adding(seconds: Int64(secondOfDay))
    }

    private var plan: [PlaybookStep] {
        if !playbook.steps.isEmpty { return playbook.steps }
        return [PlaybookStep(name: "send", afterDays: 0, channels: playbook.channels, ownOffer: true,
                             message: playbook.message, onlyIf: nil)]
    }

    mutating func simulate(audience: Bitset) throws {
        targeted = audience.count
        var state = InMemoryGuardState(keepsLog: false, expectedMembers: targeted)
        var rng = SeededGenerator(seed: seed ^ 0x5EED)
        var redeemedEarly = Set<Int32>()
        for (k, step) in plan.enumerated() {
            let time = start.adding(seconds: Int64(step.afterDays) * 86_400)
            let givesOffer = step.ownOffer || k == 0
            var eligible = k == 0 ? audience.indices : offered.keys.sorted()
            if step.onlyIf == "not_redeemed" { eligible = eligible.filter { !redeemedEarly.contains($0) } }
            let offers: [Int32: Int] = givesOffer
                ? try context.runtime.evaluateOffers(playbook: playbook.name, step: playbook.steps.isEmpty ? nil : k,
                                                     members: Bitset(capacity: context.views.count, indices: eligible))
                : [:]
            var pipelines: [Int: GuardPipeline] = [:]
            var reach = StepReach(name: step.name, day: time.day, eligible: eligible.count, issued: 0, byChannel: [:])
            let channels = step.channels.isEmpty ? playbook.channels : step.channels
            for i in eligible {
                let offerId = givesOffer ? offers[i] ?? 0 : 0
                if givesOffer && offerId == 0 { continue } // the formula chose no offer for this member
                let pipeline = try pipelines[offerId] ?? makePipeline(offerId: offerId, channels: channels)
                pipelines[offerId] = pipeline
                let view = context.views[Int(i)]
                let decision = pipeline.decide(member: view.member, at: time, state: &state)
                tally.record(decision)
                guard case .issue(let channel) = decision else { continue }
                reach.issued += 1
                reach.byChannel[channel, default: 0] += 1
                let text = try render(step.message ?? playbook.message, view: view, offerId: givesOffer ? offerId : offered[i]?.offer)
                if sampleMessages.count < 5, let text { sampleMessages.append("\(channel) → \(view.member.id): \(text)") }
                if givesOffer, offered[i] == nil { offered[i] = (offerId, channel) }
                else if !givesOffer { reminders[i, default: 0] += 1 }
            }
            // Members who would already have used the offer before the next step: a seeded draw
            // at a flat 5% a day, only to thin "not_redeemed" reminders.
            for i in offered.keys where !redeemedEarly.contains(i) {
                if Sampling.bernoulli(0.005 * Double(max(1, step.afterDays)), using: &rng) { redeemedEarly.insert(i) }
            }
            steps.append(reach)
        }
    }

    private func makePipeline(offerId: Int, channels: [String]) throws -> GuardPipeline {
        try PlaybookGuards.pipeline(context, playbook, offerId: offerId, channels: channels, policy: policy)
    }

    private func render(_ template: MessageTemplate?, view: MemberView, offerId: Int?) throws -> String? {
        guard let template, let text = template.text(forSegments: playbook.audience) else { return nil }
        var vars = view.templateVariables
        vars["playbook"] = playbook.name
        if let id = offerId, let offer = context.runtime.offers[id] { vars.merge(offer.templateVariables) { a, _ in a } }
        do { return try MessageTemplate.render(text, vars) } catch {
            throw ScriptError(kind: .validation, file: context.program.chunkName, line: playbook.line,
                              message: "playbook \"\(playbook.name)\": \(error)", memberId: view.member.id)
        }
    }
}
