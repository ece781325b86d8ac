import ArgumentParser
import CrescentCore
import CrescentEngine
import CrescentLua
import Foundation

/// `crescent test`: runs playbook spec files against the scripts they test.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run playbook spec files (*_spec.lua) against their scripts.",
        discussion: """
        A spec file declares fixture members (attributes, orders, tags, consent, points, birthday, join date), a moment (`at`, `timezone`), the script under test, later orders and events, and expectations: who is in which segment, which offer a member gets on which channel at which step, which guard suppresses them, the rendered message, and how journeys behave over the simulated days. Specs run in the sandbox, and the playbooks run through the same engine as dryrun and serve.

        A folder runs every *_spec.lua in it (and below). A failing expectation is printed as file:line with expected and actual.

        Exit codes: 0 every expectation holds, 1 an expectation failed, 2 a spec or its script could not be loaded.

          crescent test
          crescent test scripts/tests/winback_silent_spec.lua --junit out/specs.xml
        """)

    @Argument(help: "Spec files or folders.")
    var paths: [String] = ["scripts/tests"]

    @Option(help: "Also write the results as JUnit XML to this file.")
    var junit: String?

    @Flag(help: "List every check, not only the failing ones.")
    var verbose = false

    func run() throws {
        let files = try Self.specFiles(paths)
        var outcomes: [SpecOutcome] = []
        for file in files {
            let outcome = Self.run(file)
            print(outcome.text(verbose: verbose))
            outcomes.append(outcome)
        }
        let checks = outcomes.compactMap(\.result).flatMap(\.checks)
        let failed = checks.filter { !$0.passed }.count, broken = outcomes.filter { $0.result == nil }.count
        print("\(files.count) spec\(files.count == 1 ? "" : "s"), \(checks.count) checks: \(checks.count - failed) passed, \(failed) failed"
              + (broken > 0 ? ", \(broken) spec\(broken == 1 ? "" : "s") could not run" : ""))
        if let junit { try JUnitWriter.xml(specs: outcomes).write(toFile: junit, atomically: true, encoding: .utf8) }
        if broken > 0 { throw ExitCode(2) }
        if failed > 0 { throw ExitCode(1) }
    }

    /// Loads and runs one spec file; a file that cannot be loaded or run keeps its reason.
    static func run(_ file: String) -> SpecOutcome {
        do {
            let spec = try SpecLoader().load(source: try readScript(file), file: file)
            let scriptName = normalized(spec.script)
            guard FileManager.default.fileExists(atPath: spec.script) else {
                return SpecOutcome(file: file, result: nil, error: "\(file):\(spec.line): the script under test \(scriptName) does not exist")
            }
            let result = try SpecRunner().run(spec, scriptSource: try readScript(spec.script), scriptName: scriptName)
            return SpecOutcome(file: file, result: result, error: nil)
        } catch let e as ScriptError {
            return SpecOutcome(file: file, result: nil, error: e.description)
        } catch let p as ScriptProblems {
            return SpecOutcome(file: file, result: nil, error: p.description)
        } catch let u as UsageError {
            return SpecOutcome(file: file, result: nil, error: u.message)
        } catch {
            return SpecOutcome(file: file, result: nil, error: "\(file): \(error)")
        }
    }

    /// Every `*_spec.lua` under the folders given, and the files given, in name order.
    static func specFiles(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw UsageError(message: "no spec file or folder at \(path)")
            }
            guard isFolder.boolValue else { out.append(path); continue }
            let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix("_spec.lua") }.sorted()
            guard !found.isEmpty else { throw UsageError(message: "no *_spec.lua files in \(path)") }
            out += found.map { (path as NSString).appendingPathComponent($0) }
        }
        return out
    }

    /// "scripts/tests/../winback_silent.lua" → "scripts/winback_silent.lua", relative to the
    /// working folder when the script lies below it.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(p) }
        }
        let absolute = (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return absolute.hasPrefix(cwd) ? String(absolute.dropFirst(cwd.count)) : absolute
    }
}

/// One spec file's result, or why it could not run.
struct SpecOutcome {
    var file: String
    var result: SpecResult?
    var error: String?

    func text(verbose: Bool) -> String {
        guard let result else { return "ERROR \(file)\n  \(error ?? "could not run")" }
        let failures = result.failures
        var lines = ["\(failures.isEmpty ? "PASS" : "FAIL") \(file) (\(result.script), \(result.checks.count) checks)"]
        for c in result.checks where verbose || !c.passed {
            lines.append("  \(c.passed ? "ok  " : "FAIL") \(file):\(c.line): \(c.title)")
            if !c.passed {
                lines.append("         expected: \(c.expected)")
                lines.append("         actual:   \(c.actual)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension JUnitWriter {
    /// Spec results as JUnit XML: a suite per spec file, a case per check; a spec that could
    /// not run is one case with an error.
    static func xml(specs: [SpecOutcome]) -> String {
        let esc = ReportText.escape
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"crescent test\">\n"
        for s in specs {
            guard let result = s.result else {
                out += "  <testsuite name=\"\(esc(s.file))\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
                out += "    <testcase classname=\"\(esc(s.file))\" name=\"load\">\n"
                out += "      <error message=\"\(esc(s.error ?? "could not run"))\"/>\n    </testcase>\n  </testsuite>\n"
                continue
            }
            out += "  <testsuite name=\"\(esc(s.file))\" tests=\"\(result.checks.count)\" failures=\"\(result.failures.count)\" errors=\"0\">\n"
            for c in result.checks {
                out += "    <testcase classname=\"\(esc(s.file))\" name=\"\(esc("line \(c.line): \(c.title)"))\""
                if c.passed { out += "/>\n"; continue }
                let message = "\(s.file):\(c.line): expected \(c.expected), actual \(c.actual)"
                out += ">\n      <failure message=\"\(esc(message))\"/>\n    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }
}
