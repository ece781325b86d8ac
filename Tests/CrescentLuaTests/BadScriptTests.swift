import CrescentCore
import CrescentLua
import Foundation
import Testing

/// One hostile or broken script from `Fixtures/bad-scripts`, with what it must end in.
/// The first line says it: `-- expect: budget` or `-- expect: syntax line 4` or `-- expect: ok`.
/// Declaration fixtures say `-- expect: validation`, load through the `crm` API, and list
/// every problem with the line it must be reported on (the offending field's own line), one
/// `-- problem at 12: text` line each.
struct BadScript: CustomTestStringConvertible, Sendable {
    let name: String
    let source: String
    let expectedKind: ScriptError.Kind?
    let expectedLine: Int?
    let expectedProblems: [(line: Int, text: String)]

    var testDescription: String { name }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bad-scripts")

    static let all: [BadScript] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted().map { name in
            let source = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            let header = source.split(separator: "\n").first.map(String.init) ?? ""
            let words = header.replacingOccurrences(of: "-- expect:", with: "").split(separator: " ")
            let kind = words.first.flatMap { $0 == "ok" ? nil : ScriptError.Kind(rawValue: String($0)) }
            let line = words.count == 3 && words[1] == "line" ? Int(words[2]) : nil
            let problems = source.split(separator: "\n").filter { $0.hasPrefix("-- problem at ") }.compactMap { line in
                let rest = line.dropFirst("-- problem at ".count)
                return rest.firstIndex(of: ":").flatMap { colon in
                    Int(rest[..<colon]).map { ($0, String(rest[rest.index(colon, offsetBy: 2)...])) }
                }
            }
            return BadScript(name: name, source: source, expectedKind: kind, expectedLine: line, expectedProblems: problems)
        }
    }()

    static let sandboxed = all.filter { $0.expectedKind != .validation }
    static let declarations = all.filter { $0.expectedKind == .validation }
}

/// Runs after every bad script in the same state: the host and the next run must be healthy.
let healthCheck = """
assert(leaked_global == nil, "a global leaked from an earlier run")
assert(type(print) == "function" and type(pairs) == "function", "base functions damaged")
assert(string.upper("a") == "A" and ("b"):upper() == "B", "string library damaged")
assert(string.format("%d", 3) == "3", "string.format damaged")
assert(math.pi > 3.14 and math.pi < 3.15, "math damaged")
local n = 0
for _ in pairs({ 1, 2, 3 }) do n = n + 1 end
assert(n == 3, "pairs damaged")
local t = {}
for i = 1, 1000 do t[i] = tostring(i) end
return #table.concat(t)
"""

@Suite(.serialized) struct BadScriptTests {
    static let limits = SandboxLimits(instructions: 20_000_000, memoryBytes: 32 << 20, seconds: 2)
    let sandbox = Sandbox(limits: BadScriptTests.limits)

    @Test func corpusHasAtLeastThirtyScripts() {
        #expect(BadScript.all.count >= 30)
        #expect(BadScript.all.allSatisfy { !$0.source.isEmpty })
    }

    @Test(arguments: BadScript.sandboxed)
    func endsInItsOwnClearErrorAndLeavesTheHostHealthy(_ script: BadScript) throws {
        sandbox.printHandler = { _ in }
        let started = Date()
        do {
            _ = try sandbox.run(source: script.source, chunkName: script.name)
            #expect(script.expectedKind == nil, "\(script.name) should have failed with \(script.expectedKind?.rawValue ?? "")")
        } catch {
            // A runaway script is stopped by whichever limit it reaches first: on a loaded
            // machine the deadline can come before the instruction budget.
            let stoppedForRunaway = script.expectedKind == .budget && error.kind == .deadline
            #expect(error.kind == script.expectedKind || stoppedForRunaway, "\(script.name): \(error)")
            #expect(error.file == script.name)
            #expect(!error.message.isEmpty)
            if let line = script.expectedLine { #expect(error.line == line, "\(error)") }
        }
        #expect(Date().timeIntervalSince(started) < Self.limits.seconds + 3, "\(script.name) overran its deadline")
        let health = try sandbox.run(source: healthCheck, chunkName: "health.lua")
        #expect(health == [.int(2893)])
    }

    @Test func declarationFixturesListTheirProblems() {
        #expect(BadScript.declarations.count >= 4)
        #expect(BadScript.declarations.allSatisfy { !$0.expectedProblems.isEmpty })
    }

    /// A broken declaration is reported with every problem at once, each naming the file and line.
    @Test(arguments: BadScript.declarations)
    func declarationReportsEveryProblemAtOnce(_ script: BadScript) {
        do {
            _ = try CRMRuntime().load(source: script.source, chunkName: script.name)
            Issue.record("\(script.name) loaded without a problem")
        } catch {
            #expect(error.problems.allSatisfy { $0.kind == .validation && $0.file == script.name }, "\(error)")
            for expected in script.expectedProblems {
                #expect(error.problems.contains { $0.message.contains(expected.text) && $0.line == expected.line },
                        "\(script.name) lacks \"\(expected.text)\" on line \(expected.line) in:\n\(error)")
            }
            #expect(error.problems.count == script.expectedProblems.count, "\(script.name): \(error)")
        }
    }
}
