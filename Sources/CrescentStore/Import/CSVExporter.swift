import CrescentCore
import CrescentPersistence

/// Writes members, orders and events as CSV that `CSVImporter` reads back unchanged.
///
/// Output is a pure function of the input (sorted consent, sorted attribute keys), so the
/// same population always gives the same bytes — the generator's determinism test relies on it.
public enum CSVExporter {
    public static let memberHeader = "id,name,gender,birthday,phone,email,city,join_date,tier,points_balance,tags,consent,attributes,utc_offset_minutes"
    public static let orderHeader = "id,member_id,time,store,amount,quantity,discount,items"
    public static let eventHeader = "id,member_id,kind,time,attributes"

    public static func members(_ members: [Member]) -> String {
        var out = memberHeader + "\n"
        for m in members {
            let attrs = m.attributes.keys.sorted().map { "\($0)=\(m.attributes[$0]!)" }.joined(separator: ";")
            let fields = [String(m.id), m.name, m.gender ?? "", m.birthday?.description ?? "", m.phone ?? "",
                          m.email ?? "", m.city ?? "", m.joinDate.description, m.tier, String(m.pointsBalance),
                          m.tags.joined(separator: ";"), m.consent.sorted().joined(separator: ";"), attrs,
                          String(m.utcOffsetMinutes)]
            out += fields.map(CSVReader.escape).joined(separator: ",") + "\n"
        }
        return out
    }

    public static func orders(_ orders: [Order]) -> String {
        var out = orderHeader + "\n"
        for o in orders {
            let items = o.items.map { "\($0.sku)|\($0.category)|\($0.quantity)|\($0.amount)" }.joined(separator: ";")
            let fields = [o.displayId, String(o.memberId), o.time.description, o.store ?? "", o.amount.description,
                          String(o.quantity), o.discount.description, items]
            out += fields.map(CSVReader.escape).joined(separator: ",") + "\n"
        }
        return out
    }

    public static func events(_ events: [BehaviorEvent]) -> String {
        var out = eventHeader + "\n"
        for e in events {
            let attrs = e.attributes.keys.sorted().map { "\($0)=\(e.attributes[$0]!)" }.joined(separator: ";")
            out += [e.id, String(e.memberId), e.kind, e.time.description, attrs]
                .map(CSVReader.escape).joined(separator: ",") + "\n"
        }
        return out
    }
}
