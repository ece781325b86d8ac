import CrescentCore
import CrescentPersistence

/// The rules for a valid member, order and event, shared by the CSV and JSON importers.
/// Field names are the store's column names (`join_date`, `member_id`, …).
struct RecordDecoder {
    private var memberIds: Set<Int64> = []
    private var orderIds: Set<Int64> = []
    private var eventIds: Set<String> = []

    static let channelPattern = Set("abcdefghijklmnopqrstuvwxyz0123456789_-")

    mutating func member(_ r: FieldRecord) throws -> Member {
        let id = try r.int("id", in: FieldLimits.id) ?? { throw r.fail("id", "is required") }()
        guard memberIds.insert(id).inserted else { throw r.fail("id", "duplicate member id \(id)") }
        let consent = try r.list("consent")
        for c in consent where c.isEmpty || !c.allSatisfy(RecordDecoder.channelPattern.contains) {
            throw r.fail("consent", "\(FieldLimits.quoted(c)) is not a channel code")
        }
        let offset = try r.int("utc_offset_minutes", in: FieldLimits.utcOffsetMinutes) ?? 480
        return Member(
            id: id, name: try r.text("name") ?? "", gender: try r.text("gender"), birthday: try r.day("birthday"),
            phone: try r.text("phone"), email: try r.text("email"), city: try r.text("city"),
            joinDate: try r.day("join_date") ?? { throw r.fail("join_date", "is required") }(),
            tier: try r.text("tier") ?? "basic", pointsBalance: try r.int("points_balance", in: FieldLimits.points) ?? 0,
            tags: try r.list("tags"), consent: Set(consent), attributes: try r.map("attributes"),
            utcOffsetMinutes: Int(offset))
    }

    mutating func order(_ r: FieldRecord) throws -> Order {
        let text = try r.required("id")
        guard let (id, reference) = OrderIdentity.parse(text.trimmedSpaces()) else {
            throw r.fail("id", "\"\(text)\" is not an order id (a number, or up to \(OrderIdentity.maxReferenceBytes) bytes of text without spaces)")
        }
        guard orderIds.insert(id).inserted else { throw r.fail("id", "duplicate order id \(reference ?? String(id))") }
        let items = try r.items("items")
        // Items hold at most 10^4 × 10^6 units: the sum cannot overflow, but can leave the range.
        let itemUnits = items.reduce(Int64(0)) { $0 + Int64($1.quantity) }
        let quantity = try r.int("quantity", in: FieldLimits.quantity) ?? (items.isEmpty ? 1 : itemUnits)
        guard FieldLimits.quantity.contains(quantity) else {
            throw r.fail("items", "\(quantity) units in all; at most \(FieldLimits.quantity.upperBound)")
        }
        return Order(
            id: id, memberId: try r.int("member_id", in: FieldLimits.id) ?? { throw r.fail("member_id", "is required") }(),
            time: try r.time("time") ?? { throw r.fail("time", "is required") }(),
            store: try r.text("store"),
            amount: try r.money("amount") ?? { throw r.fail("amount", "is required") }(),
            quantity: Int(quantity), items: items, discount: try r.money("discount") ?? .zero, reference: reference)
    }

    mutating func event(_ r: FieldRecord) throws -> BehaviorEvent {
        let id = try r.required("id")
        guard eventIds.insert(id).inserted else { throw r.fail("id", "duplicate event id \(FieldLimits.quoted(id))") }
        return BehaviorEvent(
            id: id, memberId: try r.int("member_id", in: FieldLimits.id) ?? { throw r.fail("member_id", "is required") }(),
            kind: try r.required("kind"), time: try r.time("time") ?? { throw r.fail("time", "is required") }(),
            attributes: try r.map("attributes"))
    }

    /// Appends one record of `kind` to `batch`.
    mutating func add(_ r: FieldRecord, as kind: ImportKind, to batch: inout ImportBatch) throws {
        switch kind {
        case .members: batch.members.append(try member(r)); batch.memberLines.append(r.line)
        case .orders: batch.orders.append(try order(r)); batch.orderLines.append(r.line)
        case .events: batch.events.append(try event(r)); batch.eventLines.append(r.line)
        case .cdnow: throw ImportError(file: r.file, line: r.line, message: "CDNOW is not a record format")
        }
    }

    /// Guesses the kind from field names: `join_date` → members, `kind` → events, `amount` → orders.
    static func sniff(fields: some Collection<String>) -> ImportKind? {
        let f = Set(fields)
        if f.contains("join_date") { return .members }
        if f.contains("kind") { return .events }
        if f.contains("amount") && f.contains("member_id") { return .orders }
        return nil
    }
}
