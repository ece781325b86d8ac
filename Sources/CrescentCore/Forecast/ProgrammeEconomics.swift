/// What a programme keeps from a sale and pays to reach a member: the assumptions behind
/// incremental profit (`economics { margin = 0.35, message_cost = { sms = 0.05 }, point_value = 0.01 }`).
///
/// Undeclared values take the defaults below; the report states every value it used.
public struct ProgrammeEconomics: Hashable, Sendable, Codable {
    /// Share of revenue that is gross margin (0...1).
    public var margin: Double
    /// Cost of one issued message or reminder per channel (major units).
    public var messageCost: [String: Double]
    /// What one awarded point costs the programme (major units).
    public var pointValue: Double
    /// Fields the script declared; the rest are defaults.
    public var declared: [String]
    /// Sticky share of the programme's members that no playbook touches except transactional
    /// ones (`control_group = 0.05`): what the whole programme is measured against. Nil: none.
    public var controlGroup: Double? = nil

    public static let defaultMargin = 0.30
    public static let defaultMessageCost: [String: Double] = [
        "sms": 0.05, "email": 0.002, "push": 0, "inapp": 0, "wechat": 0.01, "calltask": 2.0, "webhook": 0,
    ]
    public static let defaultPointValue = 0.01

    public init(margin: Double = defaultMargin, messageCost: [String: Double] = [:],
                pointValue: Double = defaultPointValue, declared: [String] = []) {
        self.margin = margin
        self.messageCost = Self.defaultMessageCost.merging(messageCost) { _, declared in declared }
        self.pointValue = pointValue; self.declared = declared.sorted()
    }

    /// Cost of one message on `channel`; a channel with no declared or default cost is free.
    public func cost(ofMessageOn channel: String) -> Double { messageCost[channel] ?? 0 }

    /// Cost of every message in `issuedByChannel` (counts per channel), in major units.
    public func messageCost(_ issuedByChannel: [String: Int]) -> Double {
        issuedByChannel.keys.sorted().reduce(0) { $0 + Double(issuedByChannel[$1]!) * cost(ofMessageOn: $1) }
    }

    /// Problems with the values, naming the Lua field.
    public func validate() -> [CouponSpecError] {
        var errors: [CouponSpecError] = []
        if !(margin.isFinite && (0...1).contains(margin)) {
            errors.append(.init(field: "margin", message: "must be a share from 0 to 1, got \(margin)"))
        }
        for (channel, cost) in messageCost.sorted(by: { $0.key < $1.key }) where !(cost.isFinite && cost >= 0) {
            errors.append(.init(field: "message_cost.\(channel)", message: "must be a finite cost >= 0, got \(cost)"))
        }
        if let c = controlGroup, !(c.isFinite && (0..<1).contains(c)) {
            errors.append(.init(field: "control_group", message: "must be a share from 0 up to (not including) 1, e.g. 0.05, got \(c)"))
        }
        if !(pointValue.isFinite && pointValue >= 0) {
            errors.append(.init(field: "point_value", message: "must be a finite value >= 0, got \(pointValue)"))
        }
        return errors
    }
}
