import CrescentCore
import CrescentPersistence
import GRDB

extension CrescentStore {
    static let memberColumns = """
        id, name, gender, birthday, phone, email, city, join_date, tier, points_balance,
        tags, consent, attributes, utc_offset_minutes
        """

    /// The member on the current row of a query over `memberColumns`.
    static func member(at m: RawStatement) -> Member {
        var unshared = SharedMemberFields(limit: 0)
        return member(at: m, sharing: &unshared)
    }

    /// The same, sharing tags, consent and attributes with earlier members read through `shared`.
    static func member(at m: RawStatement, sharing shared: inout SharedMemberFields) -> Member {
        let tags = m.text(10) ?? "", consent = m.text(11) ?? "", attrs = m.text(12) ?? "{}"
        return Member(
            id: m.int(0), name: m.text(1) ?? "", gender: m.text(2), birthday: m.day(3),
            phone: m.text(4), email: m.text(5), city: m.text(6),
            joinDate: m.day(7) ?? Day(index: 0), tier: m.text(8) ?? "basic",
            pointsBalance: m.int(9),
            tags: shared.tags(tags), consent: shared.consent(consent), attributes: shared.attributes(attrs),
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
