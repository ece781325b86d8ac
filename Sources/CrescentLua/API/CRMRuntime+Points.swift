import CrescentCore

/// `crm.points_for` and `crm.points_cash`: the script's `points_rule` applied by Core's
/// `PointsRule`, so a reward formula and the ledger agree on every point.
///
/// For example, with `points_rule "club" { earn = 1, multipliers = { { factor = 2, weekdays = "wednesday" } } }`:
/// ```lua
/// crm.points_for(299, "2026-03-04")   -- 598: a Wednesday
/// crm.points_cash(5200, 299)          -- 52.0, 5200: what 5 200 points pay on a 299 order
/// ```
extension CRMRuntime {
    /// The rule in effect: the loaded script's; none while a script is still loading.
    private func pointsRule(_ function: String) throws -> PointsRule {
        guard let rule = program?.pointsRule?.rule else {
            throw HostError("crm.\(function) needs a points_rule declaration; it applies once the script has loaded, "
                            + "so call crm.\(function) inside a formula or a `where`")
        }
        return rule
    }

    /// `crm.points_for(amount[, day])`: points earned paying `amount` yuan on `day` ("YYYY-MM-DD", default today).
    func pointsFor(_ call: HostCall) throws -> [LuaValue] {
        let rule = try pointsRule("points_for")
        let amount = try yuan(call, 1, "crm.points_for: amount")
        var day = sandbox.clock.now().day
        if call.count >= 2, try call.value(2) != .null {
            let text = try call.string(2, "crm.points_for: day")
            guard let d = Day(text) else { throw HostError("crm.points_for: day \"\(text)\" is not a date; write \"2026-11-11\"") }
            day = d
        }
        return [.int(rule.earnedPoints(forPaid: amount, on: day))]
    }

    /// `crm.points_cash(points[, order_amount])`: the cash (yuan) `points` pay, and the points
    /// that takes; with an order amount, within the rule's per-order cap.
    func pointsCash(_ call: HostCall) throws -> [LuaValue] {
        let rule = try pointsRule("points_cash")
        guard let whole = try call.value(1).intValue else { throw HostError("crm.points_cash: points must be a whole number") }
        let points: Int64
        do { points = try CheckedNumber.integer(whole) } catch { throw HostError("crm.points_cash: points \(error)") }
        guard call.count >= 2, try call.value(2) != .null else {
            let value = rule.value(ofPoints: points)
            return [.double(value.major), .int(value == .zero ? 0 : min(points, rule.points(toPay: value)))]
        }
        let order = try yuan(call, 2, "crm.points_cash: order_amount")
        let (used, value) = rule.maxRedeemable(balance: points, orderAmount: order)
        return [.double(value.major), .int(used)]
    }

    private func yuan(_ call: HostCall, _ i: Int, _ name: String) throws -> Money {
        guard let n = try call.value(i).doubleValue else { throw HostError("\(name) must be a number (yuan)") }
        do { return try CheckedNumber.money(major: n) } catch { throw HostError("\(name) \(error)") }
    }
}
