import CrescentCore

/// Steps that wait for an event and branch: `wait_for`, `on_event`, `on_timeout` and `next`.
extension DeclarationParser {
    /// Events a journey can wait for or leave on: the event scenes, orders and redemptions.
    static var journeyEventKinds: [String] { Schemas.triggers + ["order", "redeem"] }

    /// Reads a step's `wait_for` and its branches; nil for a step that does not wait.
    mutating func wait(_ t: [String: LuaValue], line: Int, what: String) -> StepWait? {
        let onEvent = target(t["on_event"]?.stringValue, field: "on_event", line: line, what: what)
        let onTimeout = target(t["on_timeout"]?.stringValue, field: "on_timeout", line: line, what: what)
        guard let spec = t["wait_for"]?.tableValue else {
            if t["on_event"] != nil || t["on_timeout"] != nil {
                problem(line, what, "field `\(t["on_event"] != nil ? "on_event" : "on_timeout")` needs `wait_for = { event = \"payment\", within_days = 3 }` on the same step")
            }
            return nil
        }
        check(Schemas.waitFor, spec, line: line, what: "\(what) wait_for")
        let kinds = Self.journeyEventKinds
        let event = spec["event"]?.stringValue ?? ""
        if spec["event"] != nil, !kinds.contains(event) {
            let hint = closest(to: event, in: kinds).map { ", did you mean \"\($0)\"?" } ?? ""
            problem(line, what, "field `wait_for.event`: unknown event \"\(event)\"\(hint)")
        }
        let days = spec["within_days"]?.intValue ?? 0
        if spec["within_days"] != nil, !(1...365).contains(days) {
            problem(line, what, "field `wait_for.within_days` must be a whole number of days from 1 to 365")
        }
        for field in ["channels", "offer", "message", "only_if"] where t[field] != nil {
            problem(line, what, "field `\(field)`: a step with `wait_for` sends nothing; put what to send in the step it branches to")
        }
        return StepWait(event: event, withinDays: Int(min(max(days, 1), 365)),
                        onEvent: onEvent ?? .exit, onTimeout: onTimeout ?? .following)
    }

    /// `"exit"` or the name of a step.
    func target(_ text: String?, field: String, line: Int, what: String) -> StepTarget? {
        guard let text else { return nil }
        return text == "exit" ? .exit : .step(text)
    }

    /// Branch targets name a later step of the same playbook (so every journey ends), and the
    /// names they use are unambiguous.
    mutating func checkBranches(_ steps: [PlaybookStep], line: Int, what: String) {
        let names = steps.map(\.name)
        for (i, step) in steps.enumerated() {
            var targets: [(String, StepTarget)] = [("next", step.next)]
            if let wait = step.wait { targets += [("on_event", wait.onEvent), ("on_timeout", wait.onTimeout)] }
            for case let (field, .step(name)) in targets {
                let found = names.indices.filter { names[$0] == name }
                if found.isEmpty {
                    let hint = closest(to: name, in: names + ["exit"]).map { ", did you mean \"\($0)\"?" } ?? ""
                    problem(line, "\(what) step \(i + 1)", "field `\(field)`: no step named \"\(name)\"\(hint)")
                } else if found.count > 1 {
                    problem(line, "\(what) step \(i + 1)", "field `\(field)`: \(found.count) steps are named \"\(name)\"; give each step its own name")
                } else if found[0] <= i {
                    problem(line, "\(what) step \(i + 1)", "field `\(field)`: step \"\(name)\" comes before this one; a branch goes to a later step, so every journey ends")
                }
            }
        }
    }
}
