import CrescentCore
import CrescentLua
import Foundation
import Testing

/// One hostile script from `Fixtures/hostile-scripts`, loaded through the `crm` API and,
/// when it loads, evaluated over `sampleViews(8)`. Its header says what must happen:
///
///     -- expect: runtime line 4          (kind, and the line when there is one)
///     -- phase: offers winback           (load | segment NAME | offers PLAYBOOK)
///     -- member: 1000                    (the member the error must name)
///     -- problem: is not a number        (each must appear in a problem; one line each)
struct HostileScript: CustomTestStringConvertible, Sendable {
    enum Phase: Sendable, Equatable { case load, segment(String), offers(String) }
    let name: String
    let source: String
    let kind: ScriptError.Kind
    let line: Int?
    let phase: Phase
    let member: Int64?
    let problems: [String]

    var testDescription: String { name }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hostile-scripts")

    static let all: [HostileScript] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted().map { name in
            let source = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            func header(_ key: String) -> [String] {
                source.split(separator: "\n").filter { $0.hasPrefix("-- \(key): ") }.map { String($0.dropFirst(key.count + 5)) }
            }
            let expect = header("expect").first?.split(separator: " ") ?? []
            let phaseWords = header("phase").first?.split(separator: " ").map(String.init) ?? ["load"]
            let phase: Phase = switch phaseWords.first {
            case "segment": .segment(phaseWords[1])
            case "offers": .offers(phaseWords[1])
            default: .load
            }
            return HostileScript(
                name: name, source: source,
                kind: expect.first.flatMap { ScriptError.Kind(rawValue: String($0)) } ?? .runtime,
                line: expect.count == 3 && expect[1] == "line" ? Int(expect[2]) : nil,
                phase: phase, member: header("member").first.flatMap { Int64($0) }, problems: header("problem"))
        }
    }()
}

@Suite struct HostileScriptTests {
    @Test func corpusCoversTheHostileClasses() {
        #expect(HostileScript.all.count >= 25)
        #expect(HostileScript.all.allSatisfy { !$0.problems.isEmpty })
    }

    /// Each hostile script ends in its own error, naming file, line, field and member; the
    /// runtime is still usable afterwards.
    @Test(arguments: HostileScript.all)
    func endsInItsOwnClearError(_ script: HostileScript) throws {
        let runtime = CRMRuntime(limits: SandboxLimits(instructions: 20_000_000, memoryBytes: 64 << 20, seconds: 5))
        let started = Date()
        let errors: [ScriptError]
        do {
            _ = try runtime.load(source: script.source, chunkName: script.name)
            #expect(script.phase != .load, "\(script.name) loaded without a problem")
            runtime.loadMembers(sampleViews(8))
            switch script.phase {
            case .load: errors = []
            case .segment(let name): _ = try runtime.evaluateSegment(name); errors = []
            case .offers(let playbook): _ = try runtime.evaluateOffers(playbook: playbook, indices: (0..<8).map(Int32.init)); errors = []
            }
            Issue.record("\(script.name) evaluated without a problem")
        } catch let e as ScriptProblems { errors = e.problems }
        catch let e as ScriptError { errors = [e] }
        #expect(Date().timeIntervalSince(started) < 3, "\(script.name) took too long to fail")
        #expect(!errors.isEmpty)
        #expect(errors.allSatisfy { $0.kind == script.kind && $0.file == script.name }, "\(script.name): \(errors)")
        if let line = script.line { #expect(errors.allSatisfy { $0.line == line }, "\(script.name): \(errors)") }
        if let member = script.member { #expect(errors.allSatisfy { $0.memberId == member }, "\(script.name): \(errors)") }
        for expected in script.problems {
            #expect(errors.contains { $0.message.contains(expected) }, "\(script.name) lacks \"\(expected)\" in:\n\(errors)")
        }
        #expect(errors.count == script.problems.count, "\(script.name): \(errors)")
        // The state is healthy: a plain script loads and evaluates in the same runtime.
        _ = try runtime.load(source: "segment \"all\" { where = function(m) return m.id > 0 end }", chunkName: "after.lua")
        runtime.loadMembers(sampleViews(4))
        #expect(try runtime.evaluateSegment("all").count == 4)
    }
}
