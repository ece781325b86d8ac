import CrescentTestSupport
import Foundation
import Testing

/// `crescent test` as CI runs it: the shipped specs pass, a wrong spec fails with exit 1
/// naming file:line and expected against actual, and a spec that cannot load exits 2.
@Suite struct SpecCLITests {
    static let fixtures = repoRoot.appendingPathComponent("Tests/CrescentEngineTests/Fixtures/specs")

    @Test func everyExampleHasASpecAndTheShippedSpecsPass() throws {
        let scripts = try FileManager.default.contentsOfDirectory(atPath: repoRoot.appendingPathComponent("scripts").path)
            .filter { $0.hasSuffix(".lua") }
        #expect(scripts.count >= 11)
        for script in scripts {
            let spec = "scripts/tests/" + script.replacingOccurrences(of: ".lua", with: "_spec.lua")
            #expect(FileManager.default.fileExists(atPath: repoRoot.appendingPathComponent(spec).path), "\(script) has no \(spec)")
        }
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("specs-\(UUID().uuidString).xml")
        let run = try BuiltCLI.run(["test", repoRoot.appendingPathComponent("scripts/tests").path, "--junit", junit.path])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("\(scripts.count) specs,") && run.stdout.contains(" 0 failed"), "\(run.stdout)")
        #expect(!run.stdout.contains("FAIL"))
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.components(separatedBy: "<testsuite ").count - 1 == scripts.count)
        #expect(!xml.contains("<failure"))
    }

    @Test func aWrongExpectationFailsWithItsFileLineExpectedAndActual() throws {
        let file = Self.fixtures.appendingPathComponent("wrong_expectations_spec.lua").path
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("wrong-\(UUID().uuidString).xml")
        let run = try BuiltCLI.run(["test", file, "--junit", junit.path])
        #expect(run.status == 1, "\(run.output)")
        // The three wrong lines, each with what was expected and what happened.
        #expect(run.stdout.contains("\(file):13: member 1: step \"sms_coupon\" gives \"Come back 15 off 60\""), "\(run.stdout)")
        #expect(run.stdout.contains("actual:   sent on sms on day 0 (1998-07-01 10:00:00 UTC) with offer \"Come back 10 off 50\""))
        #expect(run.stdout.contains("\(file):14: member 1: step \"push_reminder\" is sent"))
        #expect(run.stdout.contains("actual:   not run: the journey ended before it (event:payment)"))
        #expect(run.stdout.contains("\(file):16: member 2: in segment \"silent_high_value\""))
        #expect(run.stdout.contains("lifecycle in {silent, declining} (member: active_rising)"))
        #expect(!run.stdout.contains("\(file):12:") && !run.stdout.contains("\(file):15:"), "the right expectations pass")
        #expect(run.stdout.contains("5 checks: 2 passed, 3 failed"))
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.components(separatedBy: "<failure ").count - 1 == 3)
        #expect(xml.contains("tests=\"5\" failures=\"3\""))
    }

    @Test(arguments: [
        ("unknown_field_spec.lua", [":8: expect: unknown field `in_segmnt`, did you mean `in_segment`?"]),
        ("unknown_step_spec.lua", [":7: playbook \"winback_silent_high_value\" has no step \"push_remider\""]),
        // Whichever sandbox limit trips first on a loaded machine.
        ("runaway_spec.lua", ["runaway_spec.lua:3: instruction budget exhausted", "runaway_spec.lua:3: deadline exceeded"]),
        ("forbidden_spec.lua", [":2: forbidden: `io.open` is not available in the sandbox"]),
        ("broken_script_spec.lua", ["bad_script.lua:5: '}' expected"]),
    ])
    func aSpecThatCannotRunExits2AndSaysWhere(file: String, messages: [String]) throws {
        let path = Self.fixtures.appendingPathComponent("broken/\(file)").path
        let run = try BuiltCLI.run(["test", path])
        #expect(run.status == 2, "\(run.output)")
        #expect(run.stdout.contains("ERROR \(path)"))
        #expect(messages.contains { run.stdout.contains($0) }, "\(run.stdout)")
        #expect(run.stdout.contains("1 spec could not run"))
    }

    @Test func aBrokenSpecOutranksAFailingOneAndTheRestStillRun() throws {
        let run = try BuiltCLI.run(["test", Self.fixtures.path])
        #expect(run.status == 2, "\(run.output)")
        #expect(run.stdout.contains("FAIL \(Self.fixtures.path)/wrong_expectations_spec.lua"))
        #expect(run.stdout.contains("5 specs could not run"), "\(run.stdout)")
    }

    @Test func aMissingPathOrAFolderWithoutSpecsIsAUsageError() throws {
        let missing = try BuiltCLI.run(["test", "/nonexistent/specs"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no spec file or folder at /nonexistent/specs"))
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("nospecs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try BuiltCLI.run(["test", empty.path])
        #expect(none.status == 2)
        #expect(none.stderr.contains("no *_spec.lua files in"))
    }
}
