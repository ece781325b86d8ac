import CLuaShim
import CrescentCore

/// Every problem found while loading a script, in source order.
public struct ScriptProblems: Error, CustomStringConvertible {
    public var problems: [ScriptError]
    public init(_ problems: [ScriptError]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// The marketer's API bound to one sandbox: loads a script's declarations and evaluates
/// segments and offer formulas over the loaded members, whose fields reach Lua a column at a
/// time when a script first reads them (`MemberColumns`).
///
/// For example:
/// ```swift
/// let runtime = CRMRuntime(limits: .population(members: views.count))
/// let program = try runtime.load(source: text, chunkName: "winback.lua")
/// runtime.loadMembers(views)
/// let matching = try runtime.evaluateSegment("silent_high_value")   // 0-based indices
/// ```
public final class CRMRuntime: @unchecked Sendable {
    public let sandbox: Sandbox
    public private(set) var program: CRMProgram?
    private var internalRef: Int32 = LUA_NOREF
    private var declarationsRef: Int32 = LUA_NOREF
    private var memberIds: [Int64] = []
    /// The loaded members' fields, pushed to Lua on first read.
    private let columns = MemberColumns()
    private var knownOffers = 0
    /// Where the loaded script's declarations and fields are, to report problems on their lines.
    private var sourceMap: ScriptSourceMap?

    public init(limits: SandboxLimits = SandboxLimits(), clock: any CrescentCore.Clock = FixedClock(Timestamp(seconds: 0)),
                seed: Int64 = 1) {
        sandbox = Sandbox(limits: limits, clock: clock, seed: seed)
        installPrelude()
    }

    private var L: OpaquePointer { sandbox.state.L }
    private var registry: Int32 { crescent_registryindex() }

    private func installPrelude() {
        var source = CRMPrelude.source
        let status = source.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { luaL_loadbufferx(L, $0.baseAddress, $0.count, "=crm-prelude", "t") }
        }
        precondition(status == LUA_OK, "crm prelude does not compile: \(sandbox.state.stack.rawString(at: -1))")
        sandbox.pushSetGlobal()
        crescent_push_script_line_function(L)
        sandbox.state.push { [unowned self] _ in [.int(self.sandbox.clock.now().seconds)] }
        sandbox.state.push { [unowned self] call in try self.pointsFor(call) }
        sandbox.state.push { [unowned self] call in try self.pointsCash(call) }
        sandbox.pushPolicyField("freeze")
        crescent_push_keep_frame_function(L)
        columns.pushLoader(L)
        sandbox.state.stack.push(strings: memberFieldNames)
        guard crescent_pcall(L, 9, 1) == LUA_OK else {
            preconditionFailure("crm prelude failed: \(sandbox.state.stack.rawString(at: -1))")
        }
        internalRef = luaL_ref(L, registry)
    }

    // MARK: - Loading a script

    /// Runs the script's top level and validates everything it declared.
    /// - throws: `ScriptProblems` with every problem, each naming file, line and field.
    public func load(source: String, chunkName: String) throws(ScriptProblems) -> CRMProgram {
        do {
            try callInternal("begin", nresults: 1, chunkName: chunkName)
            if declarationsRef != LUA_NOREF { luaL_unref(L, registry, declarationsRef) }
            declarationsRef = luaL_ref(L, registry)
            defer { try? callInternal("finish", nresults: 0, chunkName: chunkName) }
            _ = try sandbox.load(program: source, chunkName: chunkName)
        } catch { throw ScriptProblems([error]) }
        var parser = DeclarationParser(chunkName: chunkName)
        let sourceMap = ScriptSourceMap(source: source)
        self.sourceMap = sourceMap
        parser.checkStatically(sourceMap)
        let described: LuaValue
        do {
            described = try callInternalReading("describe", chunkName: chunkName) { lua_rawgeti(L, registry, lua_Integer(declarationsRef)); return 1 }
        } catch { throw ScriptProblems([error]) }
        var segments: [SegmentDeclaration] = [], playbooks: [PlaybookDeclaration] = []
        var tierLadder: TierLadderDeclaration?, pointsRule: PointsRuleDeclaration?, economics: ProgrammeEconomics?
        var programmeDeclarations: [String: (name: String, line: Int)] = [:]
        for entry in described.arrayValue ?? [] {
            let name = entry["name"]?.stringValue ?? "?", line = Int(entry["line"]?.intValue ?? 0)
            let spec = entry["spec"]?.tableValue ?? [:]
            if let problem = entry["problem"]?.stringValue {
                parser.problem(line, "\(entry["kind"]?.stringValue ?? "?") \"\(name)\"", problem)
                continue
            }
            switch entry["kind"]?.stringValue {
            case "segment":
                segments.append(parser.segment(name: name, line: line, spec: spec))
                if let message = validateSegmentConditions(name: name, chunkName: chunkName) {
                    parser.problem(line, "segment \"\(name)\"", message)
                }
            case "playbook": playbooks.append(parser.playbook(name: name, line: line, spec: spec))
            case "economics":
                let parsed = parser.economics(line: line, spec: spec)
                if let first = programmeDeclarations["economics"] {
                    parser.problem(line, "economics", "a script declares its economics once; they are already declared on line \(first.line)")
                } else { programmeDeclarations["economics"] = ("economics", line); economics = parsed }
            case let kind? where kind == "tier_ladder" || kind == "points_rule":
                // A programme has one ladder and one points rule: a second is a mistake, not an
                // override. It is still parsed, so its own problems are reported too.
                let first = programmeDeclarations[kind]
                if let first {
                    parser.problem(line, "\(kind) \"\(name)\"", "a script declares one \(kind); \"\(first.name)\" is already declared on line \(first.line)")
                } else { programmeDeclarations[kind] = (name, line) }
                if kind == "tier_ladder" {
                    let parsed = parser.tierLadder(name: name, line: line, spec: spec)
                    if first == nil { tierLadder = parsed }
                } else {
                    let parsed = parser.pointsRule(name: name, line: line, spec: spec)
                    if first == nil { pointsRule = parsed }
                }
            default: break
            }
        }
        let segmentNames = segments.map(\.name)
        for s in segments {
            for (field, refs) in [("union", s.union), ("intersect", s.intersect), ("exclude", s.exclude)] {
                for ref in refs where !segmentNames.contains(ref) {
                    parser.problem(s.line, "segment \"\(s.name)\"", "field `\(field)`: " + unknownSegment(ref, segmentNames))
                }
            }
        }
        for p in playbooks {
            for ref in p.audience where !segmentNames.contains(ref) {
                parser.problem(p.line, "playbook \"\(p.name)\"", "field `audience`: " + unknownSegment(ref, segmentNames))
            }
            // A message table's keys are segments: a misspelt one would silently send the default.
            let templates = [("playbook \"\(p.name)\"", p.message)] + p.steps.indices.map { ("playbook \"\(p.name)\" step \($0 + 1)", p.steps[$0].message) }
            for (what, template) in templates {
                for ref in (template?.bySegment.keys.sorted() ?? []) where !segmentNames.contains(ref) {
                    parser.problem(p.line, what, "field `message.\(ref)`: " + unknownSegment(ref, segmentNames))
                }
            }
        }
        // The control group is the programme's: every playbook but a transactional one leaves it alone.
        for k in playbooks.indices where !playbooks[k].transactional {
            playbooks[k].controlGroup = economics?.controlGroup ?? 0
        }
        var program = CRMProgram(chunkName: chunkName, segments: segments, playbooks: playbooks, offers: [:],
                                 tierLadder: tierLadder, pointsRule: pointsRule, economics: economics)
        do { try collectNewOffers(into: &program, parser: &parser) } catch { throw ScriptProblems([error]) }
        if !parser.problems.isEmpty { throw ScriptProblems(sourceMap.locate(parser.problems)) }
        self.program = program
        return program
    }

    private func unknownSegment(_ name: String, _ known: [String]) -> String {
        "unknown segment \"\(name)\"" + (closest(to: name, in: known).map { ", did you mean \"\($0)\"?" } ?? "")
    }

    private func validateSegmentConditions(name: String, chunkName: String) -> String? {
        do {
            try callInternal("validate_segment", nresults: 0, chunkName: chunkName) {
                lua_rawgeti(L, registry, lua_Integer(declarationsRef))
                _ = lua_getfield(L, -1, "by_kind"); _ = lua_getfield(L, -1, "segment")
                _ = lua_getfield(L, -1, name)
                lua_rotate(L, -4, 1); crescent_pop(L, 3)
                return 1
            }
            return nil
        } catch { return error.message }
    }

    /// Reads offers interned since the last look (formulas create them while evaluating).
    func collectNewOffers(into program: inout CRMProgram, parser: inout DeclarationParser) throws(ScriptError) {
        let offers = try callInternalReading("offers_since", chunkName: program.chunkName) {
            lua_pushinteger(L, lua_Integer(knownOffers + 1)); return 1
        }
        for spec in offers.arrayValue ?? [] {
            knownOffers += 1
            program.offers[knownOffers] = parser.offer(id: knownOffers, spec: spec.tableValue ?? [:])
        }
    }

    // MARK: - Members and evaluation

    /// Loads the members scripts will see, replacing any loaded before. Nothing is pushed
    /// yet: each field reaches Lua as one column the first time a script reads it, so set-up
    /// costs nothing per member and fields no script reads are never computed.
    ///
    /// Columns are host data: they are pushed without the cap, and the cap then grows by what
    /// they hold, leaving the sandbox's `memoryBytes` for the scripts' own work.
    public func loadMembers<C: Collection>(_ views: C) where C.Element == MemberView {
        columns.attach(Array(views))
        memberIds = columns.views.map(\.member.id)
        do {
            try callInternal("attach_members", nresults: 0, chunkName: "crm-prelude")
        } catch {
            // Dropping the old columns allocates nothing a cap could refuse.
            preconditionFailure("attaching members failed: \(error)")
        }
        sandbox.state.collectGarbage()
        // Columns live as long as their members: generational mode keeps minor collections
        // from re-marking them while predicates allocate.
        crescent_gc_generational(L)
        let allowance = sandbox.limits.memoryBytes
        sandbox.state.limits.pointee.memory_limit = allowance > 0 ? sandbox.state.memoryUsed + allowance : 0
    }

    /// Member fields pushed to Lua since the members were loaded, in the order scripts first
    /// read them (`rfm.r` for `m.rfm.r`).
    var loadedMemberFields: [String] { columns.loaded }

    public var memberCount: Int { memberIds.count }

    /// 0-based indices of loaded members meeting segment `name`'s own conditions.
    public func evaluateSegment(_ name: String) throws(ScriptError) -> [Int32] {
        try selectMembers(ofSegment: name, with: "eval_segment") { lua_pushinteger(L, lua_Integer(memberIds.count)) }
    }

    /// Those of loaded members `indices` (0-based, ascending) whose segment `name`'s `where`
    /// returns true; the declarative conditions were applied by the host (`NativeSegmentFilter`).
    public func evaluateWhere(_ name: String, indices: [Int32]) throws(ScriptError) -> [Int32] {
        try selectMembers(ofSegment: name, with: "eval_where") { sandbox.state.stack.push(int32Array: indices.map { $0 + 1 }) }
    }

    /// Calls prelude function `function(declarations, name, members)` and reads back the
    /// 1-based member indices it selects; `pushMembers` pushes the third argument. Errors name
    /// the segment's declaration line.
    private func selectMembers(ofSegment name: String, with function: String,
                               pushMembers: () -> Void) throws(ScriptError) -> [Int32] {
        guard let program else { return [] }
        let chunk = program.chunkName
        let declaredOn = program.segments.first { $0.name == name }?.line
        return try evaluatingMembers(chunkName: chunk, line: declaredOn) { () throws(ScriptError) -> [Int32] in
            try callInternal(function, nresults: 1, chunkName: chunk) {
                lua_rawgeti(L, registry, lua_Integer(declarationsRef))
                sandbox.state.push(name)
                pushMembers()
                return 3
            }
            defer { crescent_pop(L, 1) }
            return sandbox.state.stack.int32Array(at: -1).map { $0 - 1 }
        }
    }

    /// The first of segment `name`'s own conditions that loaded member `index` (0-based)
    /// fails, with the member's value; nil when they meet every one (or the segment has none).
    public func explainSegment(_ name: String, index: Int32) throws(ScriptError) -> String? {
        guard let chunk = program?.chunkName else { return nil }
        return try evaluatingMembers(chunkName: chunk) { () throws(ScriptError) -> String? in
            try callInternalReading("explain_segment", chunkName: chunk) {
                lua_rawgeti(L, registry, lua_Integer(declarationsRef))
                sandbox.state.push(name)
                lua_pushinteger(L, lua_Integer(index + 1))
                return 3
            }.stringValue
        }
    }

    /// Offer ids (0: none) the playbook's formula gives each member in `indices` (0-based):
    /// the step's (0-based) own formula when it has one, and with `variant` (0-based) that
    /// variant's offer instead. New offers are added to `program.offers`, validated.
    public func evaluateOffers(playbook: String, step: Int? = nil, variant: Int? = nil,
                               indices: [Int32]) throws(ScriptProblems) -> [Int32] {
        guard var program else { return [] }
        let ids: [Int32]
        do {
            ids = try evaluatingMembers(chunkName: program.chunkName) { () throws(ScriptError) -> [Int32] in
                try callInternal("eval_offers", nresults: 1, chunkName: program.chunkName) {
                    lua_rawgeti(L, registry, lua_Integer(declarationsRef))
                    sandbox.state.push(playbook)
                    sandbox.state.stack.push(int32Array: indices.map { $0 + 1 })
                    if let step { lua_pushinteger(L, lua_Integer(step + 1)) } else { lua_pushnil(L) }
                    if let variant { lua_pushinteger(L, lua_Integer(variant + 1)) } else { lua_pushnil(L) }
                    return 5
                }
                defer { crescent_pop(L, 1) }
                return sandbox.state.stack.int32Array(at: -1)
            }
        } catch { throw ScriptProblems([error]) }
        var parser = DeclarationParser(chunkName: program.chunkName)
        do { try collectNewOffers(into: &program, parser: &parser) } catch { throw ScriptProblems([error]) }
        self.program = program
        if !parser.problems.isEmpty { throw ScriptProblems(sourceMap?.locate(parser.problems) ?? parser.problems) }
        return ids
    }

    /// Runs `body`; an error names the member being evaluated when it happened, and `line`
    /// (the declaration's) when the error itself carries no position.
    private func evaluatingMembers<T>(chunkName: String, line: Int? = nil,
                                      _ body: () throws(ScriptError) -> T) throws(ScriptError) -> T {
        do { return try body() } catch {
            var e = error
            if e.line == nil { e.line = line }
            if let index = try? callInternalReading("current", chunkName: chunkName, push: { 0 }).intValue,
               index >= 1, Int(index) <= memberIds.count {
                e.memberId = memberIds[Int(index) - 1]
            }
            throw e
        }
    }

    // MARK: - Calling the prelude's internal functions

    /// Calls `internal[name]` under the run limits; `push` pushes the arguments and says how many.
    private func callInternal(_ name: String, nresults: Int32, chunkName: String,
                              push: () -> Int32 = { 0 }) throws(ScriptError) {
        lua_rawgeti(L, registry, lua_Integer(internalRef))
        _ = lua_getfield(L, -1, name)
        lua_rotate(L, -2, 1); crescent_pop(L, 1)
        let nargs = push()
        try sandbox.call(nargs: nargs, nresults: nresults, chunkName: chunkName)
    }

    private func callInternalReading(_ name: String, chunkName: String, push: () -> Int32) throws(ScriptError) -> LuaValue {
        try callInternal(name, nresults: 1, chunkName: chunkName, push: push)
        defer { crescent_pop(L, 1) }
        do { return try sandbox.state.value(at: -1) } catch {
            throw ScriptError(kind: .result, file: chunkName, message: error.description)
        }
    }
}
