import CrescentCore
import CrescentLua

/// Runs a playbook against a population with no side effects: targeting, guards (on an
/// in-memory state), offers, channel choice and messages, then a BG/NBD forecast.
///
/// For example:
/// ```swift
/// let context = try CampaignContext(script: text, chunkName: "winback.lua", data: "data/cdnow_sample.txt", seed: 42, asOf: nil)
/// let result = try DryRun(context: context, seed: 42).run(playbook: "winback")
/// print(try result.report.jsonString())
/// ```
public struct DryRun {
    public let context: CampaignContext
    public let seed: UInt64
    public var runs = 200
    public var policy = GuardPolicy()
    /// Each reminder a member receives raises their response by this factor.
    public var reminderUplift = 0.1
    /// Rendered messages kept per channel (for `dryrun --plugins`); memory stays bounded.
    public var samplePerChannel = 50

    public init(context: CampaignContext, seed: UInt64) {
        self.context = context
        self.seed = seed
    }

    public func run(playbook name: String) throws -> PlaybookDryRun {
        let program = context.program
        guard let playbook = program.playbook(name) else {
            throw ScriptError(kind: .validation, file: program.chunkName,
                              message: "no playbook \"\(name)\"" + (closest(to: name, in: program.playbooks.map(\.name)).map { ", did you mean \"\($0)\"?" } ?? ""))
        }
        let (audience, segmentSets) = try PlaybookGuards.audience(context, playbook)
        var sim = StepSimulator(context: context, playbook: playbook, policy: policy, seed: seed,
                                samplePerChannel: samplePerChannel)
        try sim.simulate(audience: audience)
        let model = try ResponseFit.fit(context.population, asOf: context.asOf)
        var assembler = ReportAssembler(context: context, playbook: playbook, simulation: sim, model: model,
                                        segments: segmentSets, seed: seed, runs: runs, reminderUplift: reminderUplift)
        let report = try assembler.assemble()
        let expectations = playbook.expectations.map { e in
            let actual = ReportAssembler.metric(e.metric, in: report)
            return ExpectationResult(playbook: name, expectation: e, actual: actual, passed: e.holds(actual))
        }
        return PlaybookDryRun(playbook: playbook, report: report, steps: sim.steps,
                              sampleMessages: sim.sampleMessages, renderedMessages: sim.rendered, expectations: expectations)
    }
}
