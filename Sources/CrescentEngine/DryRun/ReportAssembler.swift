import CrescentCore
import CrescentLua

/// Turns a step simulation into a forecast report: each member given an offer becomes a
/// Monte-Carlo candidate whose chance to redeem is their baseline chance of an order that
/// meets the offer's minimum spend within its window (`BaselineResponse`) × the playbook's
/// uplift (+ a little per reminder), worth what their qualifying orders are worth. The
/// baseline chance alone (no offer) gives the incremental figures, priced with the
/// programme's `economics` (or its defaults) and the cost of every message the journeys sent.
struct ReportAssembler {
    let context: CampaignContext
    let playbook: PlaybookDeclaration
    let simulation: JourneyLog
    let targeted: Int
    let model: BaselineResponse?
    let segments: [String: Bitset]
    let seed: UInt64
    let runs: Int
    let reminderUplift: Double
    var uncertainty = ForecastUncertainty()

    mutating func assemble() throws -> ForecastReport {
        let windowDays = playbook.windowDays ?? dominantValidity()
        var candidates: [ForecastCandidate] = []
        var candidateMembers: [Int32] = []
        var economics: [Int: OfferEconomics] = [:]
        // (member, minimum-spend model, lift) per candidate, to redo the sum under drawn parameters.
        var chances: [(member: Int, spend: QualifyingSpend, lift: Double)] = []
        let programme = context.program.economics ?? ProgrammeEconomics()
        let declaredPointValue = programme.declared.contains("point_value") ? programme.pointValue : nil
        for (i, given) in simulation.offered.sorted(by: { $0.key < $1.key }) {
            // One offer per member: the one their A/B variant chose (the offer under test), else the first.
            let offerId = simulation.variantOffers[i] ?? given.offer
            guard let offer = context.runtime.offers[offerId] else { continue }
            let econ = economics[offerId] ?? OfferEconomics(offer: offer, pointsRule: context.program.pointsRule?.rule,
                                                            pointValue: declaredPointValue)
            economics[offerId] = econ
            let spend = context.qualifyingSpend(minSpend: econ.minSpend)
            let view = context.views[Int(i)]
            let base = model?.probability(member: Int(i), windowDays: windowDays, spend: spend)
                ?? BaselineResponse.defaultProspectProbability * spend.share[Int(i)]
            let lift = playbook.uplift * (1 + reminderUplift * Double(simulation.reminders[i] ?? 0))
            let value = Money(minorUnits: Int64((spend.value[Int(i)] * 100).rounded()))
            let subsidy = econ.subsidy(orderValue: value)
            let platform = CheckedNumber.clampedMoney(major: subsidy.major * playbook.platformShare)
            let groups = ["channel:" + given.channel] + playbook.audience.filter { segments[$0]?.contains(Int(i)) == true }.map { "segment:" + $0 }
                + (simulation.variants[i].map { ["variant:" + $0] } ?? [])
            candidates.append(ForecastCandidate(
                probability: min(1, base * lift), orderValue: value, merchantCost: subsidy - platform,
                platformCost: platform, isSilent: view.lifecycle == "silent" || view.lifecycle == "churned", groups: groups,
                baselineProbability: min(1, base), pointsCost: offer.kind == "points" ? subsidy : .zero))
            candidateMembers.append(i)
            chances.append((Int(i), spend, lift))
        }
        let scenarios: [ForecastScenario] = model.map { model -> [ForecastScenario] in
            let pricing = ScenarioChances(model: model, windowDays: windowDays, candidates: chances)
            return model.scenarios(runs: runs, uncertainty: uncertainty, seed: seed, expected: pricing.expected)
        } ?? []
        let messages = Self.messagesByChannel(simulation.steps)
        let incremental = IncrementalEconomics(
            margin: programme.margin, messageCost: programme.messageCost(messages),
            groupMessageCost: Dictionary(uniqueKeysWithValues: variantNames.map {
                ("variant:" + $0, programme.messageCost(simulation.variantMessages[$0] ?? [:]))
            }))
        var rng = SeededGenerator(seed: seed)
        let outcome = ForecastSimulation(runs: runs, valueSpread: 0.3)
            .run(candidates, scenarios: scenarios, economics: incremental, using: &rng)
        let responseModel = model.map { ForecastReport.ResponseModel($0, uncertainty: uncertainty) }
        let first = simulation.steps.first
        let header = ForecastReport.Header(
            playbook: playbook.name, seed: seed, dataSource: context.dataSource, asOf: context.asOf,
            windowDays: windowDays, runs: runs,
            model: responseModel?.summary, responseModel: responseModel)
        let total = ForecastReport.Row(name: "total", targeted: targeted, deliverable: first?.issued ?? 0, figures: outcome.totals)
        let channelRows = (first?.byChannel ?? [:]).keys.sorted().map { c in
            ForecastReport.Row(name: c, targeted: first?.byChannel[c] ?? 0, deliverable: first?.byChannel[c] ?? 0,
                               figures: outcome.groups["channel:" + c] ?? .empty)
        }
        let segmentRows = playbook.audience.compactMap { s -> ForecastReport.Row? in
            guard let set = segments[s] else { return nil }
            let delivered = candidateMembers.filter { set.contains(Int($0)) }.count
            return ForecastReport.Row(name: s, targeted: set.count, deliverable: delivered,
                                      figures: outcome.groups["segment:" + s] ?? .empty)
        }
        let suppressions = simulation.tally.byCode.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .map { ForecastReport.Suppression(reason: $0.key, count: $0.value) }
        let backtest = Backtest.measure(context: context, members: candidateMembers, candidates: candidates,
                                        offers: simulation.offered, economics: economics, windowDays: windowDays,
                                        forecast: outcome.totals)
        var report = ForecastReport(header: header, total: total, channels: channelRows, segments: segmentRows,
                                    suppressions: suppressions, backtest: backtest)
        report.economics = programme
        report.messages = messages
        report.measurable = measurableLift(candidates, incremental: outcome.totals.incremental)
        if !variantNames.isEmpty {
            report.variants = variantNames.map { v in
                let reach = simulation.variantReach[v] ?? (0, 0)
                return ForecastReport.Row(name: v, targeted: reach.eligible, deliverable: reach.issued,
                                          figures: outcome.groups["variant:" + v] ?? .empty)
            }
            // Is the test big enough? The two smallest variants are the hardest to tell apart.
            let sizes = (report.variants ?? []).map(\.deliverable).sorted()
            if sizes.count >= 2, let rate = outcome.totals.redemptionRate?.mean {
                report.variantDetectableDifference = LiftStatistics.minimumDetectableEffect(
                    baseRate: rate, treated: sizes[0], control: sizes[1])
            }
        }
        return report
    }

    /// The playbook's A/B variant names in declaration order (the playbook's, else its steps').
    private var variantNames: [String] {
        playbook.variants.map(\.name) + playbook.steps.flatMap { $0.variants.map(\.name) }
    }

    /// What the holdout and control group will show: held-out members are those the two
    /// first guards refused; the rest of those who entered are treated (intention to treat).
    private func measurableLift(_ candidates: [ForecastCandidate], incremental: IncrementalFigures?) -> MeasurableLift? {
        let holdout = simulation.tally[.holdout], control = simulation.tally[.controlGroup]
        let treated = max(0, simulation.entered - holdout - control)
        let baseline = candidates.isEmpty ? 0 : candidates.reduce(0) { $0 + $1.baselineProbability } / Double(candidates.count)
        let lift = treated == 0 ? 0 : (incremental?.incrementalRedemptions.mean ?? 0) / Double(treated)
        return MeasurableLift(treated: treated, holdout: holdout, controlGroup: control, baselineRate: baseline, expectedLift: lift)
    }

    /// Every issued message and reminder per channel, over all steps.
    static func messagesByChannel(_ steps: [StepReach]) -> [String: Int] {
        steps.reduce(into: [:]) { sum, step in sum.merge(step.byChannel, uniquingKeysWith: +) }
    }

    /// The validity most given offers have: the forecast window.
    private func dominantValidity() -> Int {
        var counts: [Int: Int] = [:]
        for (_, given) in simulation.offered {
            if let o = context.runtime.offers[given.offer] { counts[OfferEconomics(offer: o).validDays, default: 0] += 1 }
        }
        return counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? 14
    }

    /// A report figure by the name QA writes in `expect`.
    static func metric(_ name: String, in r: ForecastReport) -> Double {
        let f = r.total.figures
        switch name {
        case "reach", "deliverable": return Double(r.total.deliverable)
        case "targeted": return Double(r.total.targeted)
        case "redemptions": return f.redemptions.mean
        case "cost": return f.cost.mean
        case "revenue": return f.revenue.mean
        case "roi": return f.roi?.mean ?? 0
        case "profit": return f.profit.mean
        case "recall_rate": return f.silentRecallRate?.mean ?? 0
        case "suppressed": return Double(r.suppressions.reduce(0) { $0 + $1.count })
        case "aov": return f.averageOrderValue?.mean ?? 0
        case "discount_depth": return f.discountDepth?.mean ?? 0
        case "incremental_revenue": return f.incremental?.incrementalRevenue.mean ?? 0
        case "incremental_roi": return f.incremental?.roi?.mean ?? 0
        default: return 0
        }
    }
}

extension ForecastFigures {
    static var empty: ForecastFigures {
        var g = SeededGenerator(seed: 0)
        return ForecastSimulation(runs: 1).run([], using: &g).totals
    }
}
