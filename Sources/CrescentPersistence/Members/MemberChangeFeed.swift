import CrescentCore

/// A point in a store's log of member writes: what ``MemberChangeFeed/memberChanges(since:)``
/// reports comes after it. Opaque outside the store (SQLite: the log's last row; PostgreSQL:
/// the oldest transaction still running when it was taken).
public struct MemberChangeMark: Sendable, Equatable {
    public var value: Int64
    public init(_ value: Int64) { self.value = value }
}

/// Who was written since a mark, and the mark to ask from next time.
public struct MemberChanges: Sendable, Equatable {
    /// Members whose row or visible orders changed, ascending (may hold some from just before
    /// the mark: never misses one).
    public var members: [Int64]
    /// A bulk write (an import of more than ``MemberChangeLog/bulkWriteMembers`` members)
    /// was logged as "everyone": read them all.
    public var everyone: Bool
    public var mark: MemberChangeMark
    public init(members: [Int64], everyone: Bool, mark: MemberChangeMark) {
        self.members = members; self.everyone = everyone; self.mark = mark
    }
}

/// The members other writers changed since a mark: a live engine on a store several nodes
/// share reads back only those before a run over everyone, not every member's records.
///
/// Logged, in the transaction that makes the change visible: a member upsert or an order once
/// its `payment` event is finished (processed or dead-lettered: ``MemberRepository/loadMembers(ids:)``
/// hides it while pending), a tier change, and imports (each member, or "everyone" past
/// ``bulkWriteMembers``).
public protocol MemberChangeFeed {
    /// Where the log stands now: changes committed after this are reported by `memberChanges(since:)`.
    func memberChangeMark() throws -> MemberChangeMark
    /// Members changed since `mark` (some just before it too), and the mark to continue from.
    func memberChanges(since mark: MemberChangeMark) throws -> MemberChanges
}

/// The ids an insert of members and orders logs: each member written, or nil ("everyone")
/// past `MemberChangeFeed.bulkWriteMembers`.
public enum MemberChangeLog {
    /// Past this many members, an import logs one "everyone" row instead of a row per member
    /// (bulk loads stay fast; a run after one reads every member, as it would anyway).
    public static let bulkWriteMembers = 10_000

    public static func written(members: [Member], orders: [Order]) -> [Int64?] {
        var ids = Set(members.map(\.id))
        for o in orders {
            ids.insert(o.memberId)
            if ids.count > bulkWriteMembers { return [nil] }
        }
        return ids.count > bulkWriteMembers ? [nil] : ids.sorted()
    }
}
