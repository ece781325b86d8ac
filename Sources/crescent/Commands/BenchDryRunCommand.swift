import ArgumentParser
import CrescentCore
import CrescentEngine
import Foundation

/// `crescent bench dryrun`: a three-step playbook dry-run over synthetic members, by phase.
struct BenchDryRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dryrun", abstract: "Time a three-step playbook dry-run over synthetic members, by phase.")

    @Option(help: "Members to generate.") var members: Int = 1_000_000
    @Option(help: "Seed.") var seed: UInt64 = 7
    @Option(help: "The playbook script.") var script: String = "scripts/winback_silent.lua"

    func run() throws {
        let clock = ContinuousClock()
        let source = try readScript(script)
        var context: CampaignContext!
        let prepare = try clock.measure {
            context = try CampaignContext(script: source, chunkName: script, data: "synthetic:\(members)", seed: seed, asOf: nil)
        }
        var result: PlaybookDryRun!
        let dry = try clock.measure {
            result = try DryRun(context: context, seed: seed).run(playbook: context.program.playbooks[0].name)
        }
        let render = clock.measure { _ = result.report.html(); _ = try? result.report.jsonString() }
        print("members \(members); targeted \(result.report.total.targeted); reached \(result.report.total.deliverable); steps \(result.steps.count)")
        print(String(format: "generate + derive + load sandboxes: %.2f s", prepare.seconds))
        print(String(format: "dry-run (segments, offers, guards, messages, forecast): %.2f s", dry.seconds))
        print(String(format: "render HTML + JSON: %.3f s", render.seconds))
    }
}
