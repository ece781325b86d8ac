/// What a playbook's held-out members will be able to show, forecast before launch: the lift
/// the forecast expects in the qualifying-purchase rate (a purchase that meets the offer's
/// minimum spend: a redemption for the treated, the same purchase with no offer for the held
/// out) and the smallest lift groups of these sizes detect at 95 % confidence with 80 % power.
///
/// Treated is every member who reached the playbook's guards and was not held out (intention
/// to treat: members a later guard refused still count, as they will in `crescent measure`).
///
/// For example:
/// ```swift
/// let m = MeasurableLift(treated: 9_000, holdout: 1_000, controlGroup: 0,
///                        baselineRate: 0.10, expectedLift: 0.02)!
/// m.minimumDetectableEffect   // ≈ 0.0281: a 2-point lift is too small to tell from chance
/// m.detectable                // false
/// ```
public struct MeasurableLift: Hashable, Sendable, Codable {
    public var treated: Int
    /// Members the playbook's own holdout kept out.
    public var holdout: Int
    /// Members the programme's control group kept out.
    public var controlGroup: Int
    /// The held-out (no offer) qualifying-purchase rate the forecast expects.
    public var baselineRate: Double
    /// Treated rate − held-out rate the forecast expects, per treated member.
    public var expectedLift: Double
    /// The smallest absolute lift the groups detect; nil when a group is empty.
    public var minimumDetectableEffect: Double?
    public var confidence: Double
    public var power: Double
    /// True when the expected lift is at least the minimum detectable effect.
    public var detectable: Bool

    public var heldOut: Int { holdout + controlGroup }

    /// Nil when no one is held out: there is nothing to measure against.
    public init?(treated: Int, holdout: Int, controlGroup: Int, baselineRate: Double, expectedLift: Double) {
        guard holdout + controlGroup > 0 else { return nil }
        self.treated = treated; self.holdout = holdout; self.controlGroup = controlGroup
        self.baselineRate = baselineRate; self.expectedLift = expectedLift
        minimumDetectableEffect = LiftStatistics.minimumDetectableEffect(
            baseRate: baselineRate, treated: treated, control: holdout + controlGroup)
        confidence = 0.95; power = 0.80
        detectable = minimumDetectableEffect.map { expectedLift >= $0 } ?? false
    }

    /// One sentence for the terminal and the page.
    public var summary: String {
        let pts = { (v: Double) in ReportText.fixed(v * 100, 2) + " pts" }
        let groups = "\(treated) treated vs \(heldOut) held out (holdout \(holdout), control group \(controlGroup))"
        guard let mde = minimumDetectableEffect else {
            return "Measurable lift: \(groups): no treated members, nothing to measure."
        }
        return "Measurable lift: \(groups). Expected lift in the qualifying-purchase rate \(pts(expectedLift)) "
            + "on a baseline of \(ReportText.percent(baselineRate)); the smallest lift these groups detect "
            + "(95% confidence, 80% power) is \(pts(mde)): "
            + (detectable ? "detectable." : "too small to detect; hold out more members or widen the audience.")
    }
}
