import CrescentPersistence
import Foundation
import GRDB

/// Interns an offer's message variables in `offer_variables`, so each pending delivery
/// carries a small id and the message composed later names the offer actually issued.
///
/// Variables are stored as JSON with sorted keys: the same variables always get the same id.
enum OfferVariablesCatalog {
    /// The id of `variables`, inserting them when new. Call inside a write.
    static func intern(_ variables: [String: String], _ db: Database) throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(variables), as: UTF8.self)
        try db.execute(sql: "INSERT INTO offer_variables(variables_json) VALUES (?) ON CONFLICT(variables_json) DO NOTHING",
                       arguments: [json])
        return try Int64.fetchOne(db, sql: "SELECT id FROM offer_variables WHERE variables_json = ?", arguments: [json])!
    }

    /// The variables stored under `id` (empty when there are none).
    static func variables(id: Int64, _ db: Database) throws -> [String: String] {
        guard let json = try String.fetchOne(db, sql: "SELECT variables_json FROM offer_variables WHERE id = ?",
                                             arguments: [id]) else { return [:] }
        return try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
    }
}
