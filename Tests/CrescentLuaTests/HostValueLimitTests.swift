import CrescentCore
import CrescentLua
import Foundation
import Testing

/// Nested data `depth` arrays deep around a single 1.
func nestedArray(depth: Int) -> LuaValue {
    var v = LuaValue.int(1)
    for _ in 0..<depth { v = .array([v]) }
    return v
}

/// Host → Lua pushes: bounded depth, stack room checked per level, bounded size; a refused
/// push leaves nothing behind and the state healthy.
@Suite(.serialized) struct HostValuePushTests {
    @Test func shapeCountsTablesNotScalars() {
        #expect(LuaValue.int(1).shape.depth == 0)
        #expect(LuaValue.table([:]).shape.depth == 1)
        #expect(nestedArray(depth: 2).shape.depth == 2)
        #expect(nestedArray(depth: 2_000).shape.depth == 2_000)
    }

    @Test func theDeepestAllowedValueRoundTrips() throws {
        let box = Sandbox()
        box.setGlobal("give") { $0.push(function: { _ in [nestedArray(depth: LuaValue.maxNestingDepth)] }) }
        let out = try box.run(source: "local v = give() local d = 0 while type(v) == 'table' do v = v[1] d = d + 1 end return d, v",
                              chunkName: "deep.lua")
        #expect(out == [.int(Int64(LuaValue.maxNestingDepth)), .int(1)])
    }

    @Test(arguments: [65, 400, 2_000])
    func aHostFunctionReturningDeepDataIsAScriptErrorNotACrash(depth: Int) throws {
        let box = Sandbox()
        box.setGlobal("give") { $0.push(function: { _ in [.string("first"), nestedArray(depth: depth)] }) }
        do {
            _ = try box.run(source: "local a, b = give()\nreturn b", chunkName: "give.lua")
            Issue.record("a \(depth)-deep result was pushed")
        } catch {
            #expect(error.kind == .runtime)
            #expect(error.file == "give.lua" && error.line == 1, "\(error)")
            #expect(error.message.contains("result #2: the value is nested \(depth) levels deep; at most 64"), "\(error)")
        }
        // pcall sees the same clean error and the state keeps working.
        let out = try box.run(source: "local ok, e = pcall(give) return ok, type(e), #tostring(e) > 0, string.rep('a', 3)", chunkName: "after.lua")
        #expect(out == [.bool(false), .string("string"), .bool(true), .string("aaa")])
    }

    @Test func aDeepArgumentIsRefusedBeforeTheCall() throws {
        let box = Sandbox()
        let program = try box.load(program: "calls = 0 function send(m) calls = calls + 1 return calls end", chunkName: "plugin.lua")
        do {
            _ = try box.call("send", in: program, args: [nestedArray(depth: 400)])
            Issue.record("a 400-deep argument was pushed")
        } catch {
            #expect(error.file == "plugin.lua")
            #expect(error.message.contains("argument #1 of `send`: the value is nested 400 levels deep"), "\(error)")
        }
        #expect(try box.call("send", in: program, args: [.string("ok")]) == [.int(1)])
    }

    @Test func aDeepGlobalInstallsNothing() throws {
        let box = Sandbox()
        #expect(throws: LuaPushError.self) { try box.setGlobal("config", nestedArray(depth: 200)) }
        #expect(try box.run(source: "return config", chunkName: "c.lua") == [.null])
        try box.setGlobal("config", .table(["key": .string("v")]))
        #expect(try box.run(source: "return config.key", chunkName: "c.lua") == [.string("v")])
    }

    @Test func dataLargerThanTheHostHeadroomIsRefused() throws {
        let box = Sandbox(limits: SandboxLimits(instructions: 1_000_000, memoryBytes: 4 << 20, seconds: 2))
        let row = String(repeating: "x", count: 200)
        let huge = LuaValue.array(Array(repeating: .string(row), count: 100_000)) // ~24 MB
        box.setGlobal("give") { $0.push(function: { _ in [huge] }) }
        do {
            _ = try box.run(source: "return #give()", chunkName: "big.lua")
            Issue.record("a 24 MB value was pushed into a 4 MB state")
        } catch {
            #expect(error.message.contains("is too large to pass to Lua"), "\(error)")
        }
        #expect(try box.run(source: "return 1 + 1", chunkName: "ok.lua") == [.int(2)])
    }
}

/// Template and rendered sizes are capped: hostile copy or data cannot make rendering grow
/// without end.
@Suite struct MessageSizeTests {
    @Test func aRenderedMessageStopsAtTheCapNamingThePlaceholder() {
        let name = String(repeating: "n", count: 100_000)
        let template = String(repeating: "{{name}} ", count: 90)
        let started = Date()
        #expect(throws: TemplateError(variable: "name", suggestion: nil, tooLong: true)) {
            _ = try MessageTemplate.render(template, ["name": name])
        }
        #expect(Date().timeIntervalSince(started) < 1)
        let error = TemplateError(variable: "name", suggestion: nil, tooLong: true)
        #expect(error.description == "message would be longer than 65536 bytes once `{{name}}` is filled in")
    }

    @Test func messagesUnderTheCapRenderWhole() throws {
        let text = try MessageTemplate.render("Hi {{name}}, {{offer}}!", ["name": "Lin", "offer": "50 off"])
        #expect(text == "Hi Lin, 50 off!")
        let long = String(repeating: "a", count: MessageTemplate.maxRenderedBytes - 3)
        #expect(try MessageTemplate.render("{{x}}abc", ["x": long]).utf8.count == MessageTemplate.maxRenderedBytes)
        #expect(throws: TemplateError.self) { _ = try MessageTemplate.render("{{x}}abcd", ["x": long]) }
    }

    @Test func oversizedTemplatesAreRejectedAtLoad() {
        #expect(MessageTemplate.sizeProblem(in: String(repeating: "x", count: 16 * 1024)) == nil)
        #expect(MessageTemplate.sizeProblem(in: String(repeating: "x", count: 16 * 1024 + 1))
                == "message is 16385 bytes long; a template holds at most 16384 bytes")
        #expect(MessageTemplate.sizeProblem(in: String(repeating: "{{name}}", count: 101))
                == "message has 101 placeholders; a template holds at most 100")
    }
}

/// The one checked conversion from Double: every bad number is an error, never a trap.
@Suite struct CheckedNumberTests {
    @Test func badNumbersAreNamedProblems() {
        #expect(throws: NumberProblem.notANumber) { try CheckedNumber.money(major: .nan) }
        #expect(throws: NumberProblem.infinite) { try CheckedNumber.money(major: -.infinity) }
        #expect(throws: NumberProblem.outOfRange(1e300, CheckedNumber.amounts)) { try CheckedNumber.money(major: 1e300) }
        #expect(throws: NumberProblem.notWhole(2.5)) { try CheckedNumber.integer(2.5) }
        #expect(throws: NumberProblem.outOfRange(1e12, CheckedNumber.days)) { try CheckedNumber.integer(1e12, in: CheckedNumber.days) }
        #expect(throws: NumberProblem.outOfRange(Double(Int64.max), CheckedNumber.counts)) { try CheckedNumber.integer(Int64.max) }
        #expect(NumberProblem.outOfRange(1e300, CheckedNumber.amounts).description == "must be at most 10000000000, got 1e+300")
        #expect(NumberProblem.outOfRange(-3, 0...5).description == "must be at least 0, got -3")
    }

    @Test func goodNumbersConvertExactly() throws {
        #expect(try CheckedNumber.money(major: 29.9) == Money(minorUnits: 2990))
        #expect(try CheckedNumber.money(major: -0.005) == Money(minorUnits: -1))
        #expect(try CheckedNumber.integer(14.0, in: CheckedNumber.days) == 14)
        #expect(Money(checkedMajor: .nan) == nil)
        #expect(Money(checkedMajor: 1e10) == Money(minorUnits: 1_000_000_000_000))
        #expect(CheckedNumber.clampedMoney(major: 1e300) == Money(minorUnits: 1_000_000_000_000))
        #expect(CheckedNumber.clampedMoney(major: .nan) == .zero)
    }
}
