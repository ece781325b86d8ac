import CrescentCore
@testable import CrescentLua
import Foundation
import Testing

@Suite struct LuaLexerTests {
    @Test func tokensCarryLineAndColumnAndSkipComments() {
        let tokens = LuaLexer.tokens("""
        -- a comment { not a brace }
        x = { ["until"] = 'a\\tb', n = -0x10 } --[==[ long
        comment ]==] y = [[
        long]] .. "\\u{48}\\65"
        """)
        #expect(tokens.map(\.text) == ["x", "=", "{", "[", "until", "]", "=", "a\tb", ",", "n", "=", "-", "0x10", "}",
                                       "y", "=", "long", "..", "HA"])
        #expect(tokens[0].position == SourcePosition(line: 2, column: 1))
        #expect(tokens[4].kind == .string && tokens[4].position == SourcePosition(line: 2, column: 8))
        #expect(tokens[14].position == SourcePosition(line: 3, column: 14))
        #expect(tokens[18].position == SourcePosition(line: 4, column: 11))
        #expect(tokens[13].isSymbol("}") && tokens[17].isSymbol(".."))
    }

    @Test func unterminatedInputEndsTheTokenInsteadOfFailing() {
        #expect(LuaLexer.tokens("x = \"open").map(\.text) == ["x", "=", "open"])
        #expect(LuaLexer.tokens("y = [[never closed").last?.text == "never closed")
        #expect(LuaLexer.tokens("--[[ open comment").isEmpty)
    }
}

@Suite struct ScriptSourceMapTests {
    @Test func mapsNestedKeysOfADeclarationToTheirPositions() {
        let map = ScriptSourceMap(source: """
        playbook "p" {
          when = { at = "2026-12-01", ["until"] = "2026-12-09" },
          offer = function(m) local a, b = 1, { 2 } if a then return coupon { off = b[1] } end end,
          steps = {
            { after_days = 0 },
            { after_days = 3,
              only_if = "not_redeemed" },
          },
        }
        """)
        func at(_ path: String) -> SourcePosition? {
            map.position(of: FieldSite(kind: "playbook", name: "p", path: FieldPath(parsing: path)), line: 1)
        }
        #expect(at("when.until") == SourcePosition(line: 2, column: 31))
        #expect(at("steps[2].only_if") == SourcePosition(line: 7, column: 7))
        #expect(at("steps[2]") == SourcePosition(line: 6, column: 5))
        // A field that is not there (a missing one) is placed on its nearest enclosing key.
        #expect(at("steps[2].channels") == SourcePosition(line: 6, column: 5))
        #expect(at("") == SourcePosition(line: 1, column: 1))
        // The function's commas and braces do not end the `offer` field early.
        #expect(map.declarations.first?.table.fields.map(\.key) == [.name("when"), .name("offer"), .name("steps")])
        #expect(map.offers.map(\.kind) == ["coupon"] && map.offers.first?.position.line == 3)
    }

    @Test func readsSubjectsAndMessagesIntoFieldPaths() {
        let step = FieldSite.inferred(subject: "playbook \"p\" step 2", message: "unknown field `only_iff`, did you mean `only_if`?")
        #expect(step == FieldSite(kind: "playbook", name: "p", path: FieldPath(parsing: "steps[2].only_iff")))
        let tier = FieldSite.inferred(subject: "tier_ladder \"club\" tier \"gold tier\" entry", message: "field `rfm.r` must be a score")
        #expect(tier?.path.description == "tiers[\"gold tier\"].entry.rfm.r")
        let coupon = FieldSite.inferred(subject: "coupon", message: "min_spend must be >= 0")
        #expect(coupon == FieldSite(kind: "coupon", name: nil, path: FieldPath(parsing: "min_spend")))
        let unplaced = FieldSite.inferred(subject: "points_rule \"club\"", message: "give one per-order cap")
        #expect(unplaced?.path.components.isEmpty == true)
    }

    /// The measured case: a misspelt nested field of scripts/winback_silent.lua was reported
    /// on line 44, where `playbook` starts.
    @Test(arguments: [("platform_share = 0.05", "platform_shar = 0.05", "platform_shar"),
                      ("only_if = \"not_redeemed\",\n", "only_iff = \"not_redeemed\",\n", "only_iff")])
    func winbackTyposAreReportedOnTheirOwnLine(original: String, typo: String, field: String) throws {
        let source = try Self.example("winback_silent.lua")
        let line = try #require(Self.line(of: original, in: source))
        let broken = source.replacingCharacters(in: try #require(source.range(of: original)), with: typo)
        let problems: [ScriptError]
        do {
            _ = try CRMRuntime().load(source: broken, chunkName: "winback_silent.lua")
            problems = []
        } catch { problems = error.problems }
        let problem = try #require(problems.first { $0.message.contains("`\(field)`") }, "\(problems)")
        #expect(problem.line == line && problem.line != 44, "\(problems)")
        #expect(problem.column == Self.column(of: field, onLine: line, in: broken))
        #expect(problem.message.contains("did you mean"), "\(problems)")
    }

    /// The measured case: `min_spent` in a branch of scripts/activate_first_order.lua that no
    /// member reaches passed `crescent check`.
    @Test func aTypoInAnUnreachedBranchOfAnExampleFailsTheLoad() throws {
        let source = try Self.example("activate_first_order.lua")
        let broken = source.replacingOccurrences(of: "min_spend = 89", with: "min_spent = 89")
        #expect(broken != source)
        let line = try #require(Self.line(of: "min_spent = 89", in: broken))
        do {
            _ = try CRMRuntime().load(source: broken, chunkName: "activate_first_order.lua")
            Issue.record("min_spent loaded without a problem")
        } catch {
            #expect(error.problems.count == 1, "\(error)")
            #expect(error.description == "activate_first_order.lua:\(line): coupon: unknown field `min_spent`, did you mean `min_spend`?")
        }
    }

    /// The map finds every declaration Lua saw, on the line Lua reported, in every example.
    @Test(arguments: ExampleScript.all)
    func everyExampleDeclarationIsMappedOnItsLine(_ script: ExampleScript) throws {
        let program = try CRMRuntime().load(source: script.source, chunkName: script.name)
        let map = ScriptSourceMap(source: script.source)
        var declared = program.segments.map { ("segment", $0.name, $0.line) } + program.playbooks.map { ("playbook", $0.name, $0.line) }
        if let t = program.tierLadder { declared.append(("tier_ladder", t.name, t.line)) }
        if let p = program.pointsRule { declared.append(("points_rule", p.name, p.line)) }
        #expect(map.declarations.count == declared.count)
        for (kind, name, line) in declared {
            #expect(map.declarations.contains { $0.kind == kind && $0.name == name && $0.position.line == line }, "\(kind) \(name)")
        }
    }

    static func example(_ name: String) throws -> String {
        try String(contentsOf: ExampleScript.directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func line(of text: String, in source: String) -> Int? {
        guard let r = source.range(of: text) else { return nil }
        return source[..<r.lowerBound].filter { $0 == "\n" }.count + 1
    }

    static func column(of text: String, onLine line: Int, in source: String) -> Int? {
        let row = source.split(separator: "\n", omittingEmptySubsequences: false)[line - 1]
        return row.range(of: text).map { row.utf8.distance(from: row.startIndex, to: $0.lowerBound) + 1 }
    }
}
