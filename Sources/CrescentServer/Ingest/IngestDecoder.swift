import CrescentCore
import CrescentStore
import Foundation

/// Turns a write request's JSON body into journal entries, or an `APIError` naming the
/// record and field at fault. Nothing of a batch is accepted when any record is bad.
///
/// A body is one record (`{"id": "e1", "member_id": 7, "kind": "app_open", "time": …}`), an
/// array of records, or an object with the array under the endpoint's name
/// (`{"events": [...]}`). Records use the importers' field names and rules, so the API and
/// `crescent import` accept exactly the same data.
enum IngestDecoder {
    static let fields: [ImportKind: [String]] = [
        .members: ["id", "name", "gender", "birthday", "phone", "email", "city", "join_date", "tier",
                   "points_balance", "tags", "consent", "attributes", "utc_offset_minutes"],
        .orders: ["id", "member_id", "time", "store", "amount", "quantity", "items", "discount"],
        .events: ["id", "member_id", "kind", "time", "attributes"],
    ]
    static let maxRecords = 1_000
    private static let kindCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789_")

    static func decode(_ body: Data, as kind: ImportKind) throws(APIError) -> [JournalEntry] {
        guard !body.isEmpty else { throw APIError(.badRequest, "empty_body", "the request has no body") }
        // The locator first: it names the place, and bounds nesting before Foundation parses.
        if let problem = JSONSyntaxLocator.firstProblem(in: [UInt8](body)) {
            throw APIError(.badRequest, "bad_json", "the body is not valid JSON: \(problem)")
        }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: body) } catch {
            throw APIError(.badRequest, "bad_json", "the body is not valid JSON (not UTF-8 text?)")
        }
        let records = try records(root, kind: kind)
        guard !records.isEmpty else { throw APIError(.badRequest, "empty_batch", "the batch holds no \(kind.rawValue)") }
        guard records.count <= maxRecords else {
            throw APIError(.contentTooLarge, "too_many_records",
                           "\(records.count) records in one request; at most \(maxRecords)")
        }
        return try records.enumerated().map { (n, object) throws(APIError) in
            try entry(object, kind: kind, record: n + 1)
        }
    }

    private static func records(_ root: Any, kind: ImportKind) throws(APIError) -> [[String: Any]] {
        if let array = root as? [Any] { return try objects(array) }
        guard let object = root as? [String: Any] else {
            throw APIError(.badRequest, "bad_shape", "the body must be a JSON object or an array of objects")
        }
        if let batch = object[kind.rawValue] {
            guard object.count == 1, let array = batch as? [Any] else {
                throw APIError(.badRequest, "bad_shape", "`\(kind.rawValue)` must be the body's only field, an array",
                               field: kind.rawValue)
            }
            return try objects(array)
        }
        return [object]
    }

    private static func objects(_ array: [Any]) throws(APIError) -> [[String: Any]] {
        try array.enumerated().map { (n, element) throws(APIError) in
            guard let object = element as? [String: Any] else {
                throw APIError(.badRequest, "bad_shape", "record \(n + 1) is not a JSON object", record: n + 1)
            }
            return object
        }
    }

    private static func entry(_ object: [String: Any], kind: ImportKind, record: Int) throws(APIError) -> JournalEntry {
        let known = fields[kind]!
        for key in object.keys.sorted() where !known.contains(key) {
            let hint = closest(to: key, in: known).map { ", did you mean `\($0)`?" } ?? ""
            throw APIError(.badRequest, "unknown_field", "record \(record): unknown field `\(FieldLimits.shortened(key))`\(hint)",
                           field: key, record: record)
        }
        let batch: ImportBatch
        do {
            batch = try JSONImporter.record(object, kind: kind, file: "record \(record)")
        } catch let e as ImportError {
            let field = e.location.flatMap { $0.split(separator: "\"").dropFirst().first.map(String.init) }
            throw APIError(.badRequest, "bad_field", "record \(record): " + [e.location, e.message].compactMap { $0 }
                .joined(separator: ": "), field: field, record: record)
        } catch {
            throw APIError(.badRequest, "bad_json", "record \(record): \(error)", record: record)
        }
        switch kind {
        case .members:
            // PATCH-like: only the fields the request names replace stored ones.
            return .member(MemberPatch(member: batch.members[0], fields: Set(object.keys)))
        case .orders: return .order(batch.orders[0])
        default:
            let e = batch.events[0]
            guard e.kind.count <= 64, e.kind.allSatisfy(kindCharacters.contains) else {
                throw APIError(.badRequest, "bad_field", "record \(record): field \"kind\": \"\(e.kind)\" must be lower-case letters, digits and _",
                               field: "kind", record: record)
            }
            guard e.id.utf8.count <= 200 else {
                throw APIError(.badRequest, "bad_field", "record \(record): field \"id\": longer than 200 bytes",
                               field: "id", record: record)
            }
            return .event(e)
        }
    }
}
