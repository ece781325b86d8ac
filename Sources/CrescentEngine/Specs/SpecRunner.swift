import CrescentCore
import CrescentLua

/// Runs a ``PlaybookSpec`` through the engine itself: the fixture members become a
/// population as of the spec's day, segments are evaluated by ``SegmentEvaluator``, and each
/// playbook's journeys run under the simulated clock (``JourneySimulation`` with
/// ``JourneyExecutor`` and ``MemoryJourneyRecorder``), replaying the fixture's later orders
/// and events with simulated responses off. ``JourneyExplainer`` says why a member never
/// entered. Nothing here decides anything the engine does not.
///
/// For example:
/// ```swift
/// let result = try SpecRunner().run(spec, scriptSource: text, scriptName: "scripts/winback_silent.lua")
/// print(result.failures.count)
/// ```
public struct SpecRunner {
    public init() {}

    /// - throws: `ScriptProblems` / `ScriptError` when the script does not load, or an
    ///   expectation names a playbook, step or segment the script does not have (a spec that
    ///   cannot run, not a failing one).
    public func run(_ spec: PlaybookSpec, scriptSource: String, scriptName: String) throws -> SpecResult {
        var population = Population(members: spec.members, orders: spec.orders)
        population.pointsExpiries = spec.pointsExpiries
        let context = try CampaignContext(script: scriptSource, chunkName: scriptName, population: population,
                                          dataSource: spec.file, seed: 1, asOf: spec.at.day, shards: 1,
                                          limits: { _ in SandboxLimits() })
        var runs: [String: PlaybookRun] = [:]
        var checks: [SpecCheck] = []
        for e in spec.expectations {
            let name = try playbookName(e, spec: spec, program: context.program)
            if runs[name] == nil { runs[name] = try PlaybookRun(spec: spec, context: context, playbook: name) }
            checks += try runs[name]!.check(e)
        }
        return SpecResult(file: spec.file, script: scriptName, checks: checks)
    }

    private func playbookName(_ e: SpecExpectation, spec: PlaybookSpec, program: CRMProgram) throws -> String {
        let names = program.playbooks.map(\.name)
        guard let name = e.playbook ?? spec.playbook ?? (names.count == 1 ? names[0] : nil) else {
            throw ScriptError(kind: .validation, file: spec.file, line: e.line,
                              message: "the script declares \(names.count) playbooks (\(names.joined(separator: ", "))); name one with playbook = \"…\"")
        }
        guard names.contains(name) else {
            throw ScriptError(kind: .validation, file: spec.file, line: e.line,
                              message: "no playbook \"\(name)\" in \(program.chunkName)" + (closest(to: name, in: names).map { ", did you mean \"\($0)\"?" } ?? ""))
        }
        return name
    }
}

/// One playbook's simulated run for a spec, and the checks of expectations against it.
struct PlaybookRun {
    let spec: PlaybookSpec
    let context: CampaignContext
    let plan: JourneyPlan
    let segments: [String: Bitset]
    let log: JourneyLog
    let journeys: [Int64: [Journey]]

    init(spec: PlaybookSpec, context: CampaignContext, playbook name: String) throws {
        self.spec = spec; self.context = context
        let playbook = context.program.playbook(name)!
        plan = JourneyPlan(playbook)
        let (audience, segments) = try PlaybookAudience.audience(context, playbook)
        self.segments = segments
        let days = spec.days ?? DryRun.defaultHorizon(plan)
        var sim = JourneySimulation(context: context, plan: plan, audience: audience, days: days, policy: spec.policy,
                                    seed: 1, samplePerChannel: Int.max)
        sim.engine.log.decisions = []
        sim.fixtureEvents = [:]          // only the fixture's events happen
        let first = Timestamp(day: context.asOf), end = first.adding(seconds: Int64(days) * 86_400)
        for o in spec.orders where o.time >= end {
            throw ScriptError(kind: .validation, file: spec.file, line: spec.line,
                              message: "an order of member \(o.memberId) at \(o.time) UTC is after the simulated days (to \(end.day.adding(days: -1))); set spec { days = … }")
        }
        for e in spec.events {
            guard e.time >= first && e.time < end else {
                throw ScriptError(kind: .validation, file: spec.file, line: e.line,
                                  message: "event at \(e.time) UTC is outside the simulated days \(first.day) to \(end.day.adding(days: -1)); set spec { days = … }")
            }
            guard let i = sim.engine.index(of: e.member) else { continue }
            sim.fixtureEvents?[e.time.day, default: []].append(.init(member: i, time: e.time, kind: e.kind))
        }
        try sim.run(.replay(context.fullPopulation))
        log = sim.log
        journeys = Dictionary(grouping: sim.engine.recorder.allJourneys(playbook: name), by: \.member)
    }

    /// The spec's local day of `t`, counted from the spec's day (0).
    func dayNumber(_ t: Timestamp) -> Int {
        let offset = Int64(spec.utcOffsetSeconds)
        return t.adding(seconds: offset).day.days(since: spec.at.adding(seconds: offset).day)
    }

    func check(_ e: SpecExpectation) throws -> [SpecCheck] {
        guard let i = context.views.firstIndex(where: { $0.member.id == e.member }) else {
            throw ScriptError(kind: .validation, file: spec.file, line: e.line, message: "member \(e.member) is not in the population")
        }
        let k = try stepIndex(e)
        let stepLabel = "step \"\(plan.steps[k].name)\""
        let subject = "member \(e.member)"
        let decision = log.decisions?.first { $0.member == e.member && $0.step == k }
        let journey = journeys[e.member]?.first
        var out: [SpecCheck] = []
        func add(_ what: String, _ passed: Bool, expected: String, actual: @autoclosure () throws -> String) rethrows {
            out.append(SpecCheck(line: e.line, title: "\(subject): \(what)", passed: passed, expected: expected,
                                 actual: passed ? expected : try actual()))
        }
        for claim in e.claims {
            switch claim {
            case .inSegment(let name, let want):
                guard let set = segments[name] else {
                    throw ScriptError(kind: .validation, file: spec.file, line: e.line, message: "no segment \"\(name)\" in \(context.program.chunkName)"
                        + (closest(to: name, in: Array(segments.keys)).map { ", did you mean \"\($0)\"?" } ?? ""))
                }
                let verdict = try SegmentEvaluator(runtime: context.runtime).explain(name, member: i, segments: segments)
                add(want ? "in segment \"\(name)\"" : "not in segment \"\(name)\"", set.contains(i) == want,
                        expected: want ? "in \"\(name)\"" : "out of \"\(name)\"",
                        actual: "\(verdict.member ? "in" : "out of") \"\(name)\" — \(verdict.reason)")
            case .enters(let want):
                try add(want ? "enters \(plan.name)" : "does not enter \(plan.name)", (journey != nil) == want,
                        expected: want ? "enters the journey" : "never enters", actual: try journeyStory(e.member, i))
            case .entries(let n):
                let entered = journeys[e.member] ?? []
                try add("enters \(plan.name) \(n) time\(n == 1 ? "" : "s")", entered.count == n, expected: "\(n) entr\(n == 1 ? "y" : "ies")",
                        actual: entered.isEmpty ? try journeyStory(e.member, i)
                            : "\(entered.count) entr\(entered.count == 1 ? "y" : "ies"), on day " + entered.map { String(dayNumber($0.enteredAt)) }.joined(separator: ", "))
            case .offer(let name):
                let given = decision.flatMap { d -> String? in d.decision.isIssue && d.offer != 0 ? offerName(d.offer) : nil }
                try add("\(stepLabel) gives " + (name.map { "\"\($0)\"" } ?? "no offer"), given == name,
                        expected: name.map { "offer \"\($0)\"" } ?? "no offer", actual: try stepStory(e.member, i, k, decision, journey))
            case .channel(let channel):
                try add("\(stepLabel) is sent on \(channel)", decision?.decision == .issue(channel: channel),
                        expected: "sent on \(channel)", actual: try stepStory(e.member, i, k, decision, journey))
            case .sent(let want):
                try add(want ? "\(stepLabel) is sent" : "\(stepLabel) is not sent", (decision?.decision.isIssue ?? false) == want,
                        expected: want ? "sent" : "not sent", actual: try stepStory(e.member, i, k, decision, journey))
            case .suppressed(let code):
                try add("\(stepLabel) is suppressed (\(code))", decision?.decision.suppressionCode == code,
                        expected: "suppressed: \(code)", actual: try stepStory(e.member, i, k, decision, journey))
            case .message(let text):
                let body = message(e.member, k)
                try add("\(stepLabel) message", body == text, expected: "\"\(text)\"",
                        actual: body.map { "\"\($0)\"" } ?? "no message — " + (try stepStory(e.member, i, k, decision, journey)))
            case .messageContains(let text):
                let body = message(e.member, k)
                try add("\(stepLabel) message contains \"\(text)\"", body?.contains(text) ?? false, expected: "a message containing \"\(text)\"",
                        actual: body.map { "\"\($0)\"" } ?? "no message — " + (try stepStory(e.member, i, k, decision, journey)))
            case .exits(let reason):
                let actual = journey?.state == .exited ? journey?.exitReason : nil
                try add(reason.map { "journey exits (\($0))" } ?? "journey does not end early", Self.sameExit(reason, actual),
                        expected: reason.map { "exits with reason \($0)" } ?? "no early exit", actual: try journeyStory(e.member, i))
            case .day(let n):
                let day = decision.map { dayNumber($0.at) }
                try add("\(stepLabel) runs on day \(n)", day == n, expected: "day \(n)",
                        actual: day.map { "day \($0) (\(decision!.at) UTC)" } ?? (try stepStory(e.member, i, k, decision, journey)))
            }
        }
        return out
    }

    /// `payment` matches `event:payment`, `holdout` matches `suppressed:holdout`.
    static func sameExit(_ expected: String?, _ actual: String?) -> Bool {
        guard let expected, let actual else { return expected == nil && actual == nil }
        return actual == expected || actual == JourneyExit.event(expected) || actual == "suppressed:" + expected
    }

    private func stepIndex(_ e: SpecExpectation) throws -> Int {
        guard let name = e.step else { return 0 }
        let names = plan.steps.map(\.name)
        guard let k = names.firstIndex(of: name) else {
            throw ScriptError(kind: .validation, file: spec.file, line: e.line,
                              message: "playbook \"\(plan.name)\" has no step \"\(name)\" (steps: \(names.joined(separator: ", ")))"
                                + (closest(to: name, in: names).map { ", did you mean \"\($0)\"?" } ?? ""))
        }
        return k
    }

    private func offerName(_ id: Int) -> String { context.runtime.offers[id]?.name ?? "offer #\(id)" }

    private func message(_ member: Int64, _ k: Int) -> String? {
        log.rendered.all.first { $0.memberId == member && $0.step == plan.steps[k].name }?.body
    }

    /// What happened at step `k` for the member, in words.
    private func stepStory(_ member: Int64, _ i: Int, _ k: Int, _ d: JourneyDecision?, _ j: Journey?) throws -> String {
        if let d {
            let when = "on day \(dayNumber(d.at)) (\(d.at) UTC)"
            switch d.decision {
            case .issue(let channel):
                return "sent on \(channel) \(when)" + (d.offer != 0 ? " with offer \"\(offerName(d.offer))\"" : " (no new offer)")
            case .suppress(let reason):
                return "suppressed: \(reason.code) \(when)"
            }
        }
        guard let j else { return try journeyStory(member, i) }
        if j.state == .exited { return "not run: the journey ended before it (\(j.exitReason ?? "exited"))" }
        if let condition = plan.steps[k].condition, j.state == .done || j.step != k {
            return "not run: only_if \(condition.rawValue) did not hold, or the journey went another way"
        }
        if j.state == .done { return "not run: the journey finished without it (another branch)" }
        if j.step != k { return "not run: the journey is at step \"\(plan.steps[j.step].name)\"" + (j.nextDue.map { ", due \($0) UTC" } ?? "") }
        return "not run within the simulated days" + (j.nextDue.map { " (due \($0) UTC)" } ?? "")
    }

    /// The member's journey in words; for a member who never entered, why (the explainer).
    private func journeyStory(_ member: Int64, _ i: Int) throws -> String {
        if let j = journeys[member]?.first {
            let state = j.state == .exited ? "exited (\(j.exitReason ?? "?"))" : j.state == .done ? "finished every step" : "open at step \(j.step)"
            return "entered on day \(dayNumber(j.enteredAt)), \(state)"
        }
        let at = Timestamp(day: context.asOf, hour: 10)
        guard let why = try JourneyExplainer(context: context, policy: spec.policy)
            .explain(member: member, at: at, playbooks: [plan.name]).first else { return "never entered" }
        if !why.inAudience {
            let out = why.segments.filter { !$0.member }.map { "segment \($0.segment): \($0.reason)" }
            return "never entered: not in the audience (\(out.joined(separator: "; ")))"
        }
        switch plan.entry {
        case .event(let kind): return "never entered: in the audience, but no \"\(kind)\" event arrived"
        case .date: return "never entered: in the audience; \(why.entry)"
        case .scheduled: return "never entered: " + (why.blocked ?? why.offerNote ?? why.decision)
        }
    }
}

/// One claim of one expectation, checked.
public struct SpecCheck: Sendable, Equatable {
    public var line: Int
    public var title: String
    public var passed: Bool
    public var expected: String
    public var actual: String
}

/// Every check of one spec file.
public struct SpecResult: Sendable {
    public var file: String
    public var script: String
    public var checks: [SpecCheck]
    public var failures: [SpecCheck] { checks.filter { !$0.passed } }
}
