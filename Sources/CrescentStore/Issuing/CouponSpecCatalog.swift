import CrescentCore
import CrescentPersistence
import Foundation
import GRDB

/// Interns coupon specs in `coupon_specs`, so each ledger row carries a small id and a
/// redemption can rebuild the exact coupon the member was given.
///
/// Specs are stored as JSON with sorted keys: the same spec always gets the same id.
enum CouponSpecCatalog {
    /// The id of `spec`, inserting it when new. Call inside a write.
    static func intern(_ spec: CouponSpec, _ db: Database) throws -> Int64 {
        let json = try json(spec)
        try db.execute(sql: "INSERT INTO coupon_specs(spec_json) VALUES (?) ON CONFLICT(spec_json) DO NOTHING",
                       arguments: [json])
        return try Int64.fetchOne(db, sql: "SELECT id FROM coupon_specs WHERE spec_json = ?", arguments: [json])!
    }

    /// The spec stored under `id`, if any.
    static func spec(id: Int64, _ db: Database) throws -> CouponSpec? {
        guard let json = try String.fetchOne(db, sql: "SELECT spec_json FROM coupon_specs WHERE id = ?",
                                             arguments: [id]) else { return nil }
        return try JSONDecoder().decode(CouponSpec.self, from: Data(json.utf8))
    }

    static func json(_ spec: CouponSpec) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(spec), as: UTF8.self)
    }
}
