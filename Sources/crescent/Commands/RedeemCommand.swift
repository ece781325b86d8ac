import ArgumentParser
import CrescentCore
import CrescentStore
import Foundation

/// `crescent redeem`: apply a ledger coupon to an order.
struct RedeemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redeem",
        abstract: "Apply an issued coupon to an order under its restrictions.",
        discussion: """
        The order is JSON, amounts in yuan; `time` defaults to now, `city` and `shipping_fee` \
        are optional. A refusal prints the reason and exits 1. Replaying a redemption with \
        the same --key (default redeem/<coupon>/<order id>) changes nothing. Order ids are numbers or text ("SO-2026-0001").

          crescent redeem --db crm.sqlite --coupon 17 --order '{"id": "SO-2026-0001",
            "time": "2026-12-03 12:00", "store": "sh01", "city": "Shanghai",
            "items": [{"sku": "m1", "category": "beauty", "amount": 320}]}'
        """)

    @OptionGroup var storeOption: StoreOption
    @Option(help: "The coupon's id in coupon_ledger.") var coupon: Int64
    @Option(help: "The order as JSON, or @FILE.") var order: String
    @Option(help: "The redemption's idempotency key.") var key: String?

    func run() throws {
        let store = try StoreOption.openExisting(try storeOption.location())
        let text: String
        if order.hasPrefix("@") { text = try readScript(String(order.dropFirst())) } else { text = order }
        let parsed = try OrderJSON.parse(text)
        let outcome: RedeemOutcome
        do {
            outcome = try store.redeem(coupon: coupon, order: parsed.order, city: parsed.city, shippingFee: parsed.shippingFee, key: key)
        } catch let unknown as UnknownCoupon { throw ScriptFailure(description: unknown.description) }
        switch outcome {
        case .redeemed(let r):
            print("redeemed coupon \(coupon) on order \(parsed.order.displayId): discount \(r.discount), pays \(r.paidAmount)"
                  + (r.giftSku.map { ", gift \($0)" } ?? ""))
        case .replayed(let discount):
            print("already redeemed under this key (discount \(discount)): nothing changed")
        case .refused(let refusal):
            throw ScriptFailure(description: "coupon \(coupon) refused: \(refusal) [\(refusal.code)]")
        }
    }
}

/// The `--order` JSON of `crescent redeem`, amounts in yuan.
enum OrderJSON {
    static func parse(_ text: String) throws -> (order: Order, city: String?, shippingFee: Money) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw UsageError(message: "--order is not a JSON object")
        }
        // Every number goes through CheckedNumber: 1e300 or NaN is a usage error naming the field.
        func number(_ v: Any?, _ field: String) throws -> Double? {
            guard let v, !(v is NSNull) else { return nil }
            guard let n = v as? NSNumber else { throw UsageError(message: "--order: \(field) must be a number") }
            return n.doubleValue
        }
        func money(_ v: Any?, _ field: String) throws -> Money? {
            guard let d = try number(v, field) else { return nil }
            do { return try CheckedNumber.money(major: d, in: 0...CheckedNumber.amounts.upperBound) }
            catch { throw UsageError(message: "--order: \(field) \(error)") }
        }
        func integer(_ v: Any?, _ field: String, in range: ClosedRange<Double> = CheckedNumber.counts) throws -> Int64? {
            guard let d = try number(v, field) else { return nil }
            do { return try CheckedNumber.integer(d, in: range) }
            catch { throw UsageError(message: "--order: \(field) \(error)") }
        }
        let time: Timestamp
        if let t = object["time"] as? String {
            guard let parsed = Timestamp(t) else { throw UsageError(message: "order time \"\(t)\" is not a time") }
            time = parsed
        } else {
            time = Timestamp(seconds: Int64(Date().timeIntervalSince1970))
        }
        let items = try (object["items"] as? [[String: Any]] ?? []).enumerated().map { i, item in
            OrderItem(sku: item["sku"] as? String ?? "", category: item["category"] as? String ?? "",
                      quantity: Int(try integer(item["quantity"], "items[\(i + 1)].quantity", in: 1...1_000_000) ?? 1),
                      amount: try money(item["amount"], "items[\(i + 1)].amount") ?? .zero)
        }
        guard items.count <= 10_000 else { throw UsageError(message: "--order: at most 10000 items") }
        // Bounded items (<= 10^12 minor units each, <= 10,000 of them) cannot overflow these sums.
        let amount = try money(object["amount"], "amount") ?? items.reduce(Money.zero) { $0 + $1.amount }
        // A number or text ("SO-2026-0001"), as the importers and the API take it.
        let idText = try (object["id"] as? String) ?? integer(object["id"], "id").map { String($0) }
        guard let idText, let (id, reference) = OrderIdentity.parse(idText) else {
            throw UsageError(message: "--order needs an `id`: a number or text such as \"SO-2026-0001\"")
        }
        let order = Order(id: id, memberId: try integer(object["member_id"], "member_id") ?? 0, time: time,
                          store: object["store"] as? String, amount: amount,
                          quantity: items.reduce(0) { $0 + $1.quantity }, items: items, reference: reference)
        return (order, object["city"] as? String, try money(object["shipping_fee"], "shipping_fee") ?? .zero)
    }
}
