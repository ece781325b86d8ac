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
    /// Fully rendered messages, a bounded number per channel, for routing through plugins.
    var rendered: RenderedSample
    /// Member index → (offer id, channel) of the step that gave them their offer.
    var offered: [Int32: (offer: Int, channel: String)] = [:]
    /// Member index → reminders received after the offer.
    var reminders: [Int32: Int] = [:]
    var targeted = 0

    init(context: CampaignContext, playbook: PlaybookDeclaration, policy: GuardPolicy, seed: UInt64,
         samplePerChannel: Int = 50) {
        self.context = context; self.playbook = playbook; self.policy = policy; self.seed = seed
        rendered = RenderedSample(perChannel: samplePerChannel)
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
            let template = MessageVariables.template(playbook, step: k)
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
                if let template {
                    let offer = (givesOffer ? offerId : offered[i]?.offer).flatMap { context.runtime.offers[$0]?.templateVariables } ?? [:]
                    let vars = MessageVariables.variables(view: view, playbook: playbook.name, offer: offer)
                    let text = try MessageVariables.render(template, playbook: playbook, vars: vars, memberId: view.member.id,
                                                           chunkName: context.program.chunkName)
                    if sampleMessages.count < 5, let text { sampleMessages.append("\(channel) → \(view.member.id): \(text)") }
                    if let text, rendered.wants(channel) {
                        rendered.keep(RenderedMessage(memberId: view.member.id, channel: channel, step: step.name,
                                                      subject: MessageVariables.subject(playbook: playbook.name, offer: offer),
                                                      body: text, variables: vars))
                    }
                }
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
}
