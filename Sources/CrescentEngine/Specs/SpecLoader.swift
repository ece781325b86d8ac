import CrescentCore
import CrescentLua
import Foundation

/// Runs a spec file in the sandbox (the limits scripts get) and reads what it declares:
/// `spec { … }` once, then `member { … }`, `order { … }`, `event { … }` and `expect { … }`
/// in any number. Each call remembers its line (the calling Lua frame, read from C), so a
/// failing expectation can name `file:line`.
///
/// For example:
/// ```swift
/// let spec = try SpecLoader().load(source: text, file: "scripts/tests/winback_silent_spec.lua")
/// ```
/// - throws: `ScriptError` naming the file and line of the first bad declaration.
public struct SpecLoader {
    public var limits: SandboxLimits

    public init(limits: SandboxLimits = SandboxLimits()) { self.limits = limits }

    public func load(source: String, file: String) throws(ScriptError) -> PlaybookSpec {
        let sandbox = Sandbox(limits: limits)
        sandbox.printHandler = { _ in }
        let collector = SpecCollector(file: file)
        for (name, read) in collector.functions {
            sandbox.setGlobal(name) { state in
                state.push(function: { call in
                    let line = call.callerLine ?? 0
                    var fields = SpecFields(try call.table(1, "\(name) { … }"), what: name, line: line)
                    try read(&fields)
                    try fields.refuseUnknown()
                    return []
                })
            }
        }
        _ = try sandbox.run(source: source, chunkName: file)
        return try collector.finish()
    }
}

/// The declarations of one spec file as its host functions receive them.
private final class SpecCollector {
    let file: String
    private var header: PlaybookSpec?
    private var nextOrderId: Int64 = 1

    init(file: String) { self.file = file }

    var functions: [(String, (inout SpecFields) throws -> Void)] {
        [("spec", readSpec), ("member", readMember), ("order", readOrder), ("event", readEvent), ("expect", readExpect)]
    }

    private func started(_ f: SpecFields) throws -> PlaybookSpec {
        guard let header else { throw HostError("\(f.what) { … } needs spec { script = …, at = … } before it") }
        return header
    }

    func readSpec(_ f: inout SpecFields) throws {
        guard header == nil else { throw HostError("a spec file declares spec { … } once") }
        let tz = try f.string("timezone") ?? "UTC"
        guard let offset = TimeZoneOffsets.seconds(tz) else {
            throw HostError("spec: field `timezone`: unknown time zone \"\(tz)\"; write an IANA name such as \"Asia/Shanghai\"")
        }
        guard let script = try f.string("script") else { throw HostError("spec: field `script` is required (the script under test, relative to this file)") }
        guard let atText = try f.string("at") else { throw HostError("spec: field `at` is required, e.g. at = \"2026-03-01 10:00\"") }
        let at = try f.time(atText, field: "at", offset: offset)
        let days = try f.int("days")
        if let days, !(1...3_650).contains(days) { throw HostError("spec: field `days` must be 1 to 3650") }
        let resolved = script.hasPrefix("/") ? script : (((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(script))
        header = PlaybookSpec(file: file, line: f.line, script: resolved, playbook: try f.string("playbook"), at: at,
                              utcOffsetSeconds: offset, days: days, policy: try Self.policy(&f), members: [], orders: [],
                              events: [], expectations: [])
    }

    /// `policy = { quiet_hours = { from = "21:00", to = "09:00" } | false, frequency_caps = { … }, … }`:
    /// the deployment's guard policy the spec runs under (default: `GuardPolicy()`).
    private static func policy(_ f: inout SpecFields) throws -> GuardPolicy {
        guard var p = try f.nested("policy") else { return GuardPolicy() }
        var policy = GuardPolicy()
        if let quiet = p.raw("quiet_hours") {
            if quiet == .bool(false) { policy.quietHours = nil } else {
                guard var q = try p.nested("quiet_hours") else { throw HostError("policy: field `quiet_hours` must be a table or false") }
                var hours = QuietHours()
                if let from = try q.string("from") { hours.startMinute = try q.minute(from, field: "from") }
                if let to = try q.string("to") { hours.endMinute = try q.minute(to, field: "to") }
                if let exempt = try q.strings("exempt") { hours.exemptChannels = Set(exempt) }
                try q.refuseUnknown()
                policy.quietHours = hours
            }
        }
        for var cap in try p.list("frequency_caps") {
            guard let channel = try cap.string("channel"), let max = try cap.int("max"), let days = try cap.int("days") else {
                throw HostError("policy: each of `frequency_caps` needs channel, max and days")
            }
            try cap.refuseUnknown()
            policy.frequencyCaps.append(FrequencyCap(channel: channel, max: max, period: .days(days)))
        }
        policy.maxUnusedCRMCoupons = try p.int("max_unused_coupons")
        policy.sameTypePeriod = try p.int("same_type_days").map { .days($0) }
        policy.overlapPeriod = try p.int("overlap_days").map { .days($0) }
        try p.refuseUnknown()
        if let problem = policy.validate().first { throw HostError("policy: field `\(problem.field)` \(problem.message)") }
        return policy
    }

    func readMember(_ f: inout SpecFields) throws {
        var spec = try started(f)
        guard let id = try f.int("id") else { throw HostError("member: field `id` is required (a whole number)") }
        if spec.members.contains(where: { $0.id == Int64(id) }) { throw HostError("member \(id) is declared twice") }
        let joined = try f.string("joined").map { try f.day($0, field: "joined") } ?? spec.at.day.adding(days: -365)
        let offset = try f.string("timezone").map { tz in
            guard let s = TimeZoneOffsets.seconds(tz) else { throw HostError("member: field `timezone`: unknown time zone \"\(tz)\"") }
            return s
        } ?? spec.utcOffsetSeconds
        let attributes = try f.table("attributes")?.mapValues { v -> String in
            if let s = v.stringValue { return s }
            if let d = v.doubleValue { return CheckedNumber.text(d) }
            throw HostError("member: each of `attributes` must be a string or a number")
        } ?? [:]
        let member = Member(
            id: Int64(id), name: try f.string("name") ?? "Member \(id)", gender: try f.string("gender"),
            birthday: try f.string("birthday").map { try f.day($0, field: "birthday") }, phone: try f.string("phone"),
            email: try f.string("email"), city: try f.string("city"), joinDate: joined, tier: try f.string("tier") ?? "basic",
            pointsBalance: Int64(try f.int("points") ?? 0), tags: try f.strings("tags") ?? [],
            consent: Set(try f.strings("consent") ?? []), attributes: attributes, utcOffsetMinutes: offset / 60)
        // `points_expiring = { { on = "2026-03-15", points = 800 } }`: lots that expire (points
        // default to the whole balance), from which the engine generates the date scene.
        for var lot in try f.list("points_expiring") {
            guard let on = try lot.string("on") else { throw HostError("\(lot.what): field `on` (the expiry day) is required") }
            let points = try lot.int("points") ?? Int(member.pointsBalance)
            guard points > 0 else { throw HostError("\(lot.what): field `points` must be more than 0") }
            spec.pointsExpiries.append(PointsExpiry(member: member.id, day: try lot.day(on, field: "on"), points: Int64(points)))
            try lot.refuseUnknown()
        }
        for var o in try f.list("orders") {
            spec.orders.append(try order(&o, member: member.id, spec: spec))
            try o.refuseUnknown()
        }
        spec.members.append(member)
        header = spec
    }

    func readOrder(_ f: inout SpecFields) throws {
        var spec = try started(f)
        guard let member = try f.int("member") else { throw HostError("order: field `member` is required (a member's id)") }
        spec.orders.append(try order(&f, member: Int64(member), spec: spec))
        header = spec
    }

    /// An order: `{ at = "1997-03-01", amount = 80 }` or `{ day = 2, amount = 80 }` (days after
    /// the spec's day, at `time`, default 12:00), with an optional `category` and `quantity`.
    private func order(_ f: inout SpecFields, member: Int64, spec: PlaybookSpec) throws -> Order {
        guard let amount = try f.number("amount"), let money = Money(checkedMajor: amount), money.minorUnits >= 0 else {
            throw HostError("\(f.what): field `amount` is required (yuan, 0 or more)")
        }
        let time = try f.moment(spec)
        let quantity = try f.int("quantity") ?? 1
        let items = try f.string("category").map { [OrderItem(sku: $0, category: $0, quantity: quantity, amount: money)] } ?? []
        defer { nextOrderId += 1 }
        return Order(id: nextOrderId, memberId: member, time: time, amount: money, quantity: quantity, items: items)
    }

    func readEvent(_ f: inout SpecFields) throws {
        var spec = try started(f)
        guard let member = try f.int("member"), let kind = try f.string("kind") else {
            throw HostError("event: fields `member` and `kind` are required, e.g. event { member = 1, kind = \"signup\", day = 0 }")
        }
        spec.events.append(.init(line: f.line, member: Int64(member), kind: kind, time: try f.moment(spec)))
        header = spec
    }

    func readExpect(_ f: inout SpecFields) throws {
        var spec = try started(f)
        guard let member = try f.int("member") else { throw HostError("expect: field `member` is required (a member's id)") }
        var claims: [SpecExpectation.Claim] = []
        if let s = try f.string("in_segment") { claims.append(.inSegment(s, true)) }
        if let s = try f.string("not_in_segment") { claims.append(.inSegment(s, false)) }
        if let b = try f.bool("enters") { claims.append(.enters(b)) }
        if let n = try f.int("entries") {
            guard n >= 0 else { throw HostError("expect: field `entries` must be 0 or more") }
            claims.append(.entries(n))
        }
        if let offer = f.raw("offer") {
            if offer == .bool(false) { claims.append(.offer(nil)) }
            else if let name = offer.stringValue { claims.append(.offer(name)) }
            else { throw HostError("expect: field `offer` must be the offer's name or false") }
        }
        if let c = try f.string("channel") { claims.append(.channel(c)) }
        if let b = try f.bool("sent") { claims.append(.sent(b)) }
        if let r = try f.string("suppressed") {
            guard SuppressionReason(code: r) != nil else {
                let codes = SuppressionReason.allCases.map(\.code)
                throw HostError("expect: field `suppressed`: unknown reason \"\(r)\"" + (closest(to: r, in: codes).map { ", did you mean \"\($0)\"?" } ?? ""))
            }
            claims.append(.suppressed(r))
        }
        if let m = try f.string("message") { claims.append(.message(m)) }
        if let m = try f.string("message_contains") { claims.append(.messageContains(m)) }
        if let exits = f.raw("exits") {
            if exits == .bool(false) { claims.append(.exits(nil)) }
            else if let reason = exits.stringValue { claims.append(.exits(reason)) }
            else { throw HostError("expect: field `exits` must be a reason (\"payment\", \"no_offer\", …) or false") }
        }
        if let d = try f.int("day") { claims.append(.day(d)) }
        let playbook = try f.string("playbook"), step = try f.string("step")
        try f.refuseUnknown()   // a misspelt claim is named before "nothing to check"
        guard !claims.isEmpty else {
            throw HostError("expect: nothing to check; give in_segment, not_in_segment, enters, entries, offer, channel, sent, suppressed, message, message_contains, exits or day")
        }
        spec.expectations.append(SpecExpectation(line: f.line, member: Int64(member), playbook: playbook, step: step, claims: claims))
        header = spec
    }

    /// The spec once the file ran: every member an order, event or expectation names exists,
    /// and every member joined before the spec's day (the population as of that day holds them).
    func finish() throws(ScriptError) -> PlaybookSpec {
        func fail(_ line: Int?, _ message: String) -> ScriptError { ScriptError(kind: .validation, file: file, line: line, message: message) }
        guard let spec = header else { throw fail(nil, "no spec { script = …, at = … } in the file") }
        let ids = Set(spec.members.map(\.id))
        guard !ids.isEmpty else { throw fail(spec.line, "the spec declares no member { … }") }
        for m in spec.members where m.joinDate >= spec.at.day {
            throw fail(spec.line, "member \(m.id) joined on \(m.joinDate), not before the spec's day \(spec.at.day)")
        }
        for o in spec.orders where !ids.contains(o.memberId) { throw fail(spec.line, "an order names member \(o.memberId), who is not declared") }
        for e in spec.events where !ids.contains(e.member) { throw fail(e.line, "event names member \(e.member), who is not declared") }
        for e in spec.expectations where !ids.contains(e.member) { throw fail(e.line, "expect names member \(e.member), who is not declared") }
        guard !spec.expectations.isEmpty else { throw fail(spec.line, "the spec states no expect { … }") }
        return spec
    }
}

/// The fields of one declaration table, read once each; any left unread is a typo, reported
/// with the nearest known name.
struct SpecFields {
    let what: String
    let line: Int
    private let values: [String: LuaValue]
    private var read: Set<String> = []

    init(_ values: [String: LuaValue], what: String, line: Int) {
        self.values = values; self.what = what; self.line = line
    }

    mutating func raw(_ key: String) -> LuaValue? { read.insert(key); return values[key] }

    mutating func string(_ key: String) throws -> String? {
        guard let v = raw(key) else { return nil }
        guard let s = v.stringValue else { throw HostError("\(what): field `\(key)` must be a string, got \(v.typeName)") }
        return s
    }

    mutating func number(_ key: String) throws -> Double? {
        guard let v = raw(key) else { return nil }
        guard let d = v.finiteValue else { throw HostError("\(what): field `\(key)` must be a number, got \(v.typeName)") }
        return d
    }

    mutating func int(_ key: String) throws -> Int? {
        guard let v = raw(key) else { return nil }
        guard let i = v.intValue, let n = Int(exactly: i) else { throw HostError("\(what): field `\(key)` must be a whole number, got \(v.typeName)") }
        return n
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let v = raw(key) else { return nil }
        guard let b = v.boolValue else { throw HostError("\(what): field `\(key)` must be true or false, got \(v.typeName)") }
        return b
    }

    /// A string or a list of strings.
    mutating func strings(_ key: String) throws -> [String]? {
        guard let v = raw(key) else { return nil }
        if let s = v.stringValue { return [s] }
        guard let list = v.arrayValue, let out = Optional(list.compactMap(\.stringValue)), out.count == list.count else {
            throw HostError("\(what): field `\(key)` must be a string or a list of strings")
        }
        return out
    }

    mutating func table(_ key: String) throws -> [String: LuaValue]? {
        guard let v = raw(key) else { return nil }
        guard let t = v.tableValue else { throw HostError("\(what): field `\(key)` must be a table") }
        return t
    }

    mutating func nested(_ key: String) throws -> SpecFields? {
        try table(key).map { SpecFields($0, what: "\(what).\(key)", line: line) }
    }

    /// A list of tables (`orders = { { at = …, amount = … }, … }`); each item's position is in its name.
    mutating func list(_ key: String) throws -> [SpecFields] {
        guard let v = raw(key) else { return [] }
        guard let items = v.arrayValue else { throw HostError("\(what): field `\(key)` must be a list of tables") }
        return try items.enumerated().map { k, item in
            guard let t = item.tableValue else { throw HostError("\(what): `\(key)[\(k + 1)]` must be a table") }
            return SpecFields(t, what: "\(what).\(key)[\(k + 1)]", line: line)
        }
    }

    func time(_ text: String, field: String, offset: Int) throws -> Timestamp {
        guard let t = Timestamp(text) else {
            throw HostError("\(what): field `\(field)`: \"\(text)\" is not a time; write \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM\"")
        }
        return t.adding(seconds: -Int64(offset))
    }

    func day(_ text: String, field: String) throws -> Day {
        guard let d = Day(text) else { throw HostError("\(what): field `\(field)`: \"\(text)\" is not a date; write \"YYYY-MM-DD\"") }
        return d
    }

    /// "HH:MM" as minutes after midnight.
    func minute(_ text: String, field: String) throws -> Int {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else {
            throw HostError("\(what): field `\(field)`: \"\(text)\" is not a time of day; write \"HH:MM\"")
        }
        return parts[0] * 60 + parts[1]
    }

    /// `at = "YYYY-MM-DD[ HH:MM]"`, or `day = N` (days after the spec's local day) at `time`
    /// (default "12:00"), in the spec's time zone.
    mutating func moment(_ spec: PlaybookSpec) throws -> Timestamp {
        let at = try string("at"), day = try int("day"), time = try string("time")
        switch (at, day) {
        case (let text?, nil):
            if time != nil { throw HostError("\(what): `time` goes with `day`; write the time into `at`") }
            return try self.time(text, field: "at", offset: spec.utcOffsetSeconds)
        case (nil, let n?):
            let localDay = spec.at.adding(seconds: Int64(spec.utcOffsetSeconds)).day.adding(days: n)
            let minute = try time.map { try self.minute($0, field: "time") } ?? 12 * 60
            return Timestamp(day: localDay).adding(seconds: Int64(minute * 60 - spec.utcOffsetSeconds))
        case (_?, _?): throw HostError("\(what): give `at` or `day`, not both")
        case (nil, nil): throw HostError("\(what): field `at` (a time) or `day` (days after the spec's day) is required")
        }
    }

    /// Fails on the first field nothing read, with the nearest read name as a hint.
    func refuseUnknown() throws {
        for key in values.keys.sorted() where !read.contains(key) {
            let hint = closest(to: key, in: Array(read)).map { ", did you mean `\($0)`?" } ?? ""
            throw HostError("\(what): unknown field `\(key)`\(hint)")
        }
    }
}
