import CrescentCore
import CrescentPersistence

/// Where the live engine reads the whole records (names, contact details, attributes, order
/// items) of the members a batch touches: its columns hold only what metrics and segment
/// filters read, so a member's record is read when a script is about to see them.
protocol MemberRecordSource {
    /// The members with `ids` and their orders with items, as the engine should see them now
    /// (``MemberRepository/loadMembers(ids:)``: an order whose `payment` event is still pending
    /// is left out until processed). Unknown ids are left out.
    func records(ids: [Int64]) throws -> Population
}

/// The store's rows: the journal writes every accepted member and order before the engine
/// processes its event, so the store holds each record the engine has applied.
struct StoredMemberRecords: MemberRecordSource {
    let store: any MemberRepository
    func records(ids: [Int64]) throws -> Population { try store.loadMembers(ids: ids) }
}

/// A population held in memory (the records the engine started from, for tests and callers
/// without a store). Members and orders applied later are the engine's own overlay.
struct HeldMemberRecords: MemberRecordSource {
    let population: Population
    func records(ids: [Int64]) -> Population {
        let rows = ids.compactMap { population.index(ofMember: $0) }
        return Population(members: rows.map { population.members[$0] }, orders: rows.flatMap { population.orders(ofMemberAt: $0) })
    }
}
