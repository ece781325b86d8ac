import CrescentCore
import CrescentPersistence

extension CrescentStore {
    /// The guard history of `members` and the reservations of `campaigns` as they stand, read
    /// without writing anything: what `explain` walks the guards against.
    public func guardState(members: [Int64], campaigns: [String], at now: Timestamp) throws -> StoreGuardState {
        try writer.read { db in
            var state = try StoreGuardState.load(db, now: now, members: members, expectedMembers: members.count)
            try state.refreshReservations(db, campaigns: campaigns)
            return state
        }
    }
}

extension CrescentStore {
    /// The message variables of an offer a journey gave (its `offer_variables_id`), for a reminder's text.
    public func offerVariables(id: Int64) throws -> [String: String] {
        try writer.read { try OfferVariablesCatalog.variables(id: id, $0) }
    }
}
