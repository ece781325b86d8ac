import CrescentCore

/// `economics { margin = 0.35, message_cost = { sms = 0.05, email = 0.002 }, point_value = 0.01, control_group = 0.05 }`
/// into Core's `ProgrammeEconomics`, every problem reported at once with its field.
extension DeclarationParser {
    mutating func economics(line: Int, spec: [String: LuaValue]) -> ProgrammeEconomics? {
        let what = "economics"
        let before = problems.count
        check(Schemas.economics, spec, line: line, what: what)
        var costs: [String: Double] = [:]
        if let table = spec["message_cost"]?.tableValue {
            checkChannels(table.keys.sorted(), line: line, what: "\(what) message_cost")
            for (channel, value) in table.sorted(by: { $0.key < $1.key }) {
                guard let cost = value.doubleValue else {
                    problem(line, what, "field `message_cost.\(channel)` must be a number, got \(FieldSchema.describe(value))")
                    continue
                }
                costs[channel] = cost
            }
        } else if spec["message_cost"]?.arrayValue != nil {
            problem(line, what, "field `message_cost` must be keyed by channel: { sms = 0.05, email = 0.002 }")
        }
        let declared = ["margin", "message_cost", "point_value", "control_group"].filter { spec[$0] != nil }
        var economics = ProgrammeEconomics(
            margin: spec["margin"]?.doubleValue ?? ProgrammeEconomics.defaultMargin, messageCost: costs,
            pointValue: spec["point_value"]?.doubleValue ?? ProgrammeEconomics.defaultPointValue, declared: declared)
        economics.controlGroup = spec["control_group"]?.doubleValue
        for error in economics.validate() { problem(line, what, "field `\(error.field)` \(error.message)") }
        guard problems.count == before else { return nil }
        return economics
    }
}
