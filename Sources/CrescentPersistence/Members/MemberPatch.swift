import CrescentCore

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
