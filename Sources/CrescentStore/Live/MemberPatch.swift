import CrescentCore
import GRDB

/// A member upsert from the live API: PATCH-like. The fields the request names replace the
/// stored ones (`null` or `""` clears an optional one); the fields it leaves out keep their
/// stored values, so `{"id": 6, "join_date": "2023-01-01", "consent": ["email"]}` changes
/// consent and join date and nothing else. A member not stored yet gets the importer's
/// defaults for what is left out.
public struct MemberPatch: Sendable, Equatable {
    /// The request decoded under the importer's rules, defaults filled in.
    public var member: Member
    /// The store column names the request gave (`name`, `points_balance`, …).
    public var fields: Set<String>

    public init(member: Member, fields: Set<String>) { self.member = member; self.fields = fields }

    /// Every member field, so a full record is a full replace.
    public static let allFields: Set<String> = ["id", "name", "gender", "birthday", "phone", "email", "city",
                                                "join_date", "tier", "points_balance", "tags", "consent",
                                                "attributes", "utc_offset_minutes"]

    /// The member after this patch is applied over `stored` (nil: a new member).
    public func applied(to stored: Member?) -> Member {
        guard var m = stored else { return member }
        let p = member
        for field in fields {
            switch field {
            case "name": m.name = p.name
            case "gender": m.gender = p.gender
            case "birthday": m.birthday = p.birthday
            case "phone": m.phone = p.phone
            case "email": m.email = p.email
            case "city": m.city = p.city
            case "join_date": m.joinDate = p.joinDate
            case "tier": m.tier = p.tier
            case "points_balance": m.pointsBalance = p.pointsBalance
            case "tags": m.tags = p.tags
            case "consent": m.consent = p.consent
            case "attributes": m.attributes = p.attributes
            case "utc_offset_minutes": m.utcOffsetMinutes = p.utcOffsetMinutes
            default: break
            }
        }
        return m
    }
}

extension CrescentStore {
    static let memberColumns = """
        id, name, gender, birthday, phone, email, city, join_date, tier, points_balance,
        tags, consent, attributes, utc_offset_minutes
        """

    /// The member on the current row of a query over `memberColumns`.
    static func member(at m: RawStatement) -> Member {
        let tags = m.text(10) ?? "", consent = m.text(11) ?? "", attrs = m.text(12) ?? "{}"
        return Member(
            id: m.int(0), name: m.text(1) ?? "", gender: m.text(2), birthday: m.day(3),
            phone: m.text(4), email: m.text(5), city: m.text(6),
            joinDate: m.day(7) ?? Day(index: 0), tier: m.text(8) ?? "basic",
            pointsBalance: m.int(9),
            tags: tags.isEmpty ? [] : tags.split(separator: ",").map(String.init),
            consent: consent.isEmpty ? [] : Set(consent.split(separator: ",").map(String.init)),
            attributes: attrs == "{}" ? [:] : FlatJSON.decode(attrs) ?? [:],
            utcOffsetMinutes: Int(m.int(13)))
    }

    /// One stored member, or nil.
    static func member(id: Int64, in db: Database) throws -> Member? {
        let s = try RawStatement(db, "SELECT \(memberColumns) FROM members WHERE id = ?")
        s.bind(1, id)
        guard try s.step(db) else { return nil }
        let m = member(at: s)
        while try s.step(db) {}   // finishes (and resets) the statement
        return m
    }
}
