/// Members and their orders as arrays of columns: no per-member objects, so ten million
/// members fit in a few hundred megabytes and a pass over one field touches only that field.
///
/// Member `i` is row `i` of every member column. Its orders are rows
/// `orderStart[i] ..< orderStart[i + 1]` of the order columns, sorted by time (then order id),
/// exactly as `Population` keeps them, so the same member has the same index in both.
/// Text fields are interned (`StringCodes`); `noCode` marks an absent one; a member's tags are
/// `tagCodes[tagStart[i] ..< tagStart[i + 1]]`; consent is a bitmask over `channels` codes.
/// Names, contact details, free-form attributes, order items and events are not kept: what
/// stats, derived views and declarative segment conditions read is.
///
/// For example:
/// ```swift
/// var c = ColumnarPopulation()
/// try c.appendMember(id: 7, joinDay: Day("2025-03-01")!, tier: "gold", consent: ["sms"])
/// c.appendOrder(seconds: 1_767_000_000, amount: 12_900, quantity: 1)
/// c.orderCount(ofMemberAt: 0)   // 1
/// ```
public struct ColumnarPopulation: Sendable, Equatable {
    /// A text field the member has no value for (no city, no gender).
    public static let noCode: Int32 = -1
    /// A day the member has no value for (no birthday).
    public static let noDay = Int32.min
    /// Distinct consent channels a bitmask holds.
    public static let maxChannels = 64

    public private(set) var memberId: [Int64] = []
    /// `Day.index` of the join date.
    public private(set) var joinDay: [Int32] = []
    /// `Day.index` of the birthday, or `noDay`.
    public private(set) var birthDay: [Int32] = []
    public private(set) var gender: [Int32] = []
    public private(set) var city: [Int32] = []
    public private(set) var tier: [Int32] = []
    public private(set) var points: [Int64] = []
    public private(set) var utcOffsetMinutes: [Int32] = []
    public private(set) var tagStart: [Int32] = [0]
    public private(set) var tagCodes: [Int32] = []
    /// Bit `c` set: consent on channel `channels.name(c)`.
    public private(set) var consent: [UInt64] = []
    public private(set) var genders = StringCodes()
    public private(set) var cities = StringCodes()
    public private(set) var tiers = StringCodes()
    public private(set) var tags = StringCodes()
    public private(set) var channels = StringCodes()

    /// `orderStart[i] ..< orderStart[i + 1]` are member `i`'s rows of the order columns.
    public private(set) var orderStart: [Int] = [0]
    /// Order time in seconds since 1970 UTC.
    public private(set) var orderSeconds: [Int64] = []
    /// What the member paid, in minor units.
    public private(set) var orderAmount: [Int64] = []
    public private(set) var orderQuantity: [Int32] = []

    public init() {}

    public var count: Int { memberId.count }
    public var orderCount: Int { orderSeconds.count }

    public func orderCount(ofMemberAt i: Int) -> Int { orderStart[i + 1] - orderStart[i] }

    public mutating func reserve(members: Int, orders: Int) {
        for c in [\Self.joinDay, \.birthDay, \.gender, \.city, \.tier, \.utcOffsetMinutes] as [WritableKeyPath<Self, [Int32]>] {
            self[keyPath: c].reserveCapacity(members)
        }
        memberId.reserveCapacity(members); points.reserveCapacity(members); consent.reserveCapacity(members)
        tagStart.reserveCapacity(members + 1); orderStart.reserveCapacity(members + 1)
        orderSeconds.reserveCapacity(orders); orderAmount.reserveCapacity(orders); orderQuantity.reserveCapacity(orders)
    }

    /// Adds a member after the last one; the orders appended next are theirs.
    /// - throws: `ColumnarPopulationError` when a consent channel would be the 65th distinct one.
    public mutating func appendMember(
        id: Int64, joinDay: Day, birthday: Day? = nil, gender: String? = nil, city: String? = nil,
        tier: String = "basic", points: Int64 = 0, tags: [String] = [], consent: [String] = [],
        utcOffsetMinutes: Int = 480
    ) throws {
        var mask: UInt64 = 0
        for c in consent {
            let code = channels.code(c)
            guard code < Self.maxChannels else {
                throw ColumnarPopulationError(memberId: id, message:
                    "consent channel \"\(c)\" is the \(Self.maxChannels + 1)th distinct channel; at most \(Self.maxChannels) are supported")
            }
            mask |= 1 << UInt64(code)
        }
        var tagCodes: [Int32] = []
        for t in tags { tagCodes.append(self.tags.code(t)) }
        appendMember(id: id, joinDay: joinDay.index, birthDay: birthday?.index ?? Self.noDay,
                     gender: gender.map { genders.code($0) } ?? Self.noCode,
                     city: city.map { cities.code($0) } ?? Self.noCode,
                     tier: tiers.code(tier), points: points, tagCodes: tagCodes, consent: mask,
                     utcOffsetMinutes: Int32(clamping: utcOffsetMinutes))
    }

    /// Adds a member whose text fields are already codes of this population's `StringCodes`
    /// (loaders that intern a whole field once, e.g. the store's comma-separated tags).
    public mutating func appendMember(id: Int64, joinDay: Int32, birthDay: Int32, gender: Int32, city: Int32,
                                      tier: Int32, points: Int64, tagCodes: [Int32], consent: UInt64,
                                      utcOffsetMinutes: Int32) {
        memberId.append(id); self.joinDay.append(joinDay); self.birthDay.append(birthDay)
        self.gender.append(gender); self.city.append(city); self.tier.append(tier)
        self.points.append(points); self.utcOffsetMinutes.append(utcOffsetMinutes)
        self.tagCodes.append(contentsOf: tagCodes); tagStart.append(Int32(self.tagCodes.count))
        self.consent.append(consent)
        orderStart.append(orderStart[orderStart.count - 1])
    }

    /// Adds an order of the last member added; orders of a member come in time order.
    @inline(__always)
    public mutating func appendOrder(seconds: Int64, amount: Int64, quantity: Int32) {
        precondition(!memberId.isEmpty, "an order needs a member appended first")
        orderSeconds.append(seconds); orderAmount.append(amount); orderQuantity.append(quantity)
        orderStart[orderStart.count - 1] += 1
    }

    /// Replaces every order at once (loaders that read all members first).
    /// `start` has one entry per member plus one, ascending from 0 to the number of orders.
    public mutating func setOrders(start: [Int], seconds: [Int64], amount: [Int64], quantity: [Int32]) {
        precondition(start.count == count + 1 && start.first == 0 && start.last == seconds.count
                     && amount.count == seconds.count && quantity.count == seconds.count, "inconsistent order columns")
        orderStart = start; orderSeconds = seconds; orderAmount = amount; orderQuantity = quantity
    }

    /// Interning for loaders that read text fields themselves.
    public mutating func genderCode(_ s: String) -> Int32 { genders.code(s) }
    public mutating func cityCode(_ s: String) -> Int32 { cities.code(s) }
    public mutating func tierCode(_ s: String) -> Int32 { tiers.code(s) }
    public mutating func tagCode(_ s: String) -> Int32 { tags.code(s) }
    /// The bit of a consent channel, or nil past `maxChannels`.
    public mutating func channelBit(_ s: String) -> UInt64? {
        let c = channels.code(s)
        return c < Self.maxChannels ? 1 << UInt64(c) : nil
    }

    /// Tag codes of member `i`.
    public func tagCodes(ofMemberAt i: Int) -> ArraySlice<Int32> {
        tagCodes[Int(tagStart[i])..<Int(tagStart[i + 1])]
    }

    /// Consent channel names of member `i`, sorted.
    public func consentNames(ofMemberAt i: Int) -> [String] {
        var out: [String] = []
        var bits = consent[i]
        while bits != 0 {
            out.append(channels.name(Int32(bits.trailingZeroBitCount)))
            bits &= bits - 1
        }
        return out.sorted()
    }

    /// The day after the last order, or nil without orders: the default as-of day of `stats`.
    public var dayAfterLastOrder: Day? {
        guard let last = orderSeconds.max() else { return nil }
        return Timestamp(seconds: last).day.adding(days: 1)
    }
}

extension ColumnarPopulation {
    /// Only the members who had joined before `day`, with their orders, as `Population.asOf`
    /// keeps them (later orders stay: derived views ignore orders from the as-of day on).
    public func joined(before day: Day) -> ColumnarPopulation {
        guard joinDay.contains(where: { $0 >= day.index }) else { return self }
        var out = ColumnarPopulation()
        out.genders = genders; out.cities = cities; out.tiers = tiers; out.tags = tags; out.channels = channels
        for i in 0..<count where joinDay[i] < day.index {
            out.appendMember(id: memberId[i], joinDay: joinDay[i], birthDay: birthDay[i], gender: gender[i], city: city[i],
                             tier: tier[i], points: points[i], tagCodes: Array(tagCodes(ofMemberAt: i)),
                             consent: consent[i], utcOffsetMinutes: utcOffsetMinutes[i])
            for k in orderStart[i]..<orderStart[i + 1] {
                out.appendOrder(seconds: orderSeconds[k], amount: orderAmount[k], quantity: orderQuantity[k])
            }
        }
        return out
    }

    /// The columns of a population built from records (files, synthetic data): same members
    /// in the same order, same orders per member in the same order.
    public init(_ population: Population) throws {
        self.init()
        reserve(members: population.count, orders: population.orders.count)
        try append(population)
    }

    /// Appends every member of `population` with their orders (a chunk of a generated base).
    public mutating func append(_ population: Population) throws {
        for (i, m) in population.members.enumerated() {
            try appendMember(id: m.id, joinDay: m.joinDate, birthday: m.birthday, gender: m.gender, city: m.city,
                             tier: m.tier, points: m.pointsBalance, tags: m.tags, consent: m.consent.sorted(),
                             utcOffsetMinutes: m.utcOffsetMinutes)
            for o in population.orders(ofMemberAt: i) {
                appendOrder(seconds: o.time.seconds, amount: o.amount.minorUnits, quantity: Int32(clamping: o.quantity))
            }
        }
    }
}

extension ColumnarPopulation {
    /// Every column and code table of a population, as `ColumnarSnapshot` writes them.
    public struct Columns: Sendable {
        public var memberId: [Int64], joinDay: [Int32], birthDay: [Int32], gender: [Int32], city: [Int32]
        public var tier: [Int32], points: [Int64], utcOffsetMinutes: [Int32]
        public var tagStart: [Int32], tagCodes: [Int32], consent: [UInt64]
        public var genders: [String], cities: [String], tiers: [String], tags: [String], channels: [String]
        public var orderStart: [Int], orderSeconds: [Int64], orderAmount: [Int64], orderQuantity: [Int32]

        public init(memberId: [Int64], joinDay: [Int32], birthDay: [Int32], gender: [Int32], city: [Int32],
                    tier: [Int32], points: [Int64], utcOffsetMinutes: [Int32], tagStart: [Int32], tagCodes: [Int32],
                    consent: [UInt64], genders: [String], cities: [String], tiers: [String], tags: [String],
                    channels: [String], orderStart: [Int], orderSeconds: [Int64], orderAmount: [Int64],
                    orderQuantity: [Int32]) {
            self.memberId = memberId; self.joinDay = joinDay; self.birthDay = birthDay; self.gender = gender
            self.city = city; self.tier = tier; self.points = points; self.utcOffsetMinutes = utcOffsetMinutes
            self.tagStart = tagStart; self.tagCodes = tagCodes; self.consent = consent
            self.genders = genders; self.cities = cities; self.tiers = tiers; self.tags = tags; self.channels = channels
            self.orderStart = orderStart; self.orderSeconds = orderSeconds; self.orderAmount = orderAmount
            self.orderQuantity = orderQuantity
        }
    }

    /// The columns as they are (for a snapshot writer).
    public var columns: Columns {
        Columns(memberId: memberId, joinDay: joinDay, birthDay: birthDay, gender: gender, city: city, tier: tier,
                points: points, utcOffsetMinutes: utcOffsetMinutes, tagStart: tagStart, tagCodes: tagCodes,
                consent: consent, genders: genders.names, cities: cities.names, tiers: tiers.names, tags: tags.names,
                channels: channels.names, orderStart: orderStart, orderSeconds: orderSeconds, orderAmount: orderAmount,
                orderQuantity: orderQuantity)
    }

    /// A population from columns read back from a file, checked so that nothing built on it
    /// can index out of range: equal lengths, ascending member ids, offsets that ascend from 0
    /// to their column's length, codes within their tables, distinct names in every table.
    /// - throws: `ColumnarLayoutError` naming the first column that breaks a rule.
    public init(validating c: Columns) throws {
        func fail(_ column: String, _ message: String) -> ColumnarLayoutError {
            ColumnarLayoutError(column: column, message: message)
        }
        let n = c.memberId.count
        for (name, count) in [("joinDay", c.joinDay.count), ("birthDay", c.birthDay.count), ("gender", c.gender.count),
                              ("city", c.city.count), ("tier", c.tier.count), ("points", c.points.count),
                              ("utcOffsetMinutes", c.utcOffsetMinutes.count), ("consent", c.consent.count)]
        where count != n {
            throw fail(name, "has \(count) rows for \(n) members")
        }
        for i in 1..<max(1, n) where c.memberId[i - 1] >= c.memberId[i] {
            throw fail("memberId", "row \(i) does not ascend")
        }
        try Self.checkOffsets(c.tagStart, members: n, rows: c.tagCodes.count, column: "tagStart")
        try Self.checkOffsets(c.orderStart, members: n, rows: c.orderSeconds.count, column: "orderStart")
        guard c.orderAmount.count == c.orderSeconds.count, c.orderQuantity.count == c.orderSeconds.count else {
            throw fail("orderAmount", "order columns differ in length")
        }
        var tables: [StringCodes] = []
        for (name, names) in [("genders", c.genders), ("cities", c.cities), ("tiers", c.tiers), ("tags", c.tags),
                              ("channels", c.channels)] {
            let codes = StringCodes(names)
            guard codes.count == names.count else { throw fail(name, "repeats a name") }
            tables.append(codes)
        }
        func checkCodes(_ column: [Int32], _ name: String, table: Int, absent: Bool) throws {
            let limit = Int32(tables[table].count), low: Int32 = absent ? Self.noCode : 0
            if let bad = column.firstIndex(where: { $0 < low || $0 >= limit }) {
                throw fail(name, "row \(bad) holds code \(column[bad]) outside 0..<\(limit)")
            }
        }
        try checkCodes(c.gender, "gender", table: 0, absent: true)
        try checkCodes(c.city, "city", table: 1, absent: true)
        try checkCodes(c.tier, "tier", table: 2, absent: false)
        try checkCodes(c.tagCodes, "tagCodes", table: 3, absent: false)
        guard c.channels.count <= Self.maxChannels else { throw fail("channels", "more than \(Self.maxChannels) names") }
        let unknownBits = c.channels.count == Self.maxChannels ? 0 : ~UInt64(0) << UInt64(c.channels.count)
        if let bad = c.consent.firstIndex(where: { $0 & unknownBits != 0 }) {
            throw fail("consent", "row \(bad) sets a bit past the \(c.channels.count) channels")
        }
        self.init()
        memberId = c.memberId; joinDay = c.joinDay; birthDay = c.birthDay; gender = c.gender; city = c.city
        tier = c.tier; points = c.points; utcOffsetMinutes = c.utcOffsetMinutes
        tagStart = c.tagStart; tagCodes = c.tagCodes; consent = c.consent
        (genders, cities, tiers, tags, channels) = (tables[0], tables[1], tables[2], tables[3], tables[4])
        orderStart = c.orderStart; orderSeconds = c.orderSeconds; orderAmount = c.orderAmount; orderQuantity = c.orderQuantity
    }

    /// `start` has `members + 1` entries ascending from 0 to `rows`.
    private static func checkOffsets<T: BinaryInteger>(_ start: [T], members: Int, rows: Int, column: String) throws {
        guard start.count == members + 1, start.first == 0, start.last == T(rows) else {
            throw ColumnarLayoutError(column: column, message: "needs \(members + 1) offsets from 0 to \(rows)")
        }
        for i in 1..<start.count where start[i - 1] > start[i] {
            throw ColumnarLayoutError(column: column, message: "offset \(i) goes back")
        }
    }
}

/// Columns that do not form a population (a damaged snapshot), named by column.
public struct ColumnarLayoutError: Error, CustomStringConvertible, Equatable {
    public var column: String
    public var message: String
    public init(column: String, message: String) { self.column = column; self.message = message }
    public var description: String { "column \(column): \(message)" }
}

/// A member the columnar layout cannot hold, named by id.
public struct ColumnarPopulationError: Error, CustomStringConvertible, Equatable {
    public var memberId: Int64
    public var message: String
    public init(memberId: Int64, message: String) { self.memberId = memberId; self.message = message }
    public var description: String { "member \(memberId): \(message)" }
}

extension ColumnarPopulation {
    /// Replaces member `i`'s fields (not their id, not their orders) with codes of this
    /// population's tables: the live engine applies an upsert in place. A different number of
    /// tags shifts the tag rows after the member's (one move of the tag columns).
    public mutating func setMember(at i: Int, joinDay: Int32, birthDay: Int32, gender: Int32, city: Int32,
                                   tier: Int32, points: Int64, tagCodes: [Int32], consent: UInt64, utcOffsetMinutes: Int32) {
        self.joinDay[i] = joinDay; self.birthDay[i] = birthDay; self.gender[i] = gender; self.city[i] = city
        self.tier[i] = tier; self.points[i] = points; self.consent[i] = consent; self.utcOffsetMinutes[i] = utcOffsetMinutes
        let from = Int(tagStart[i]), to = Int(tagStart[i + 1])
        self.tagCodes.replaceSubrange(from..<to, with: tagCodes)
        let shift = Int32(tagCodes.count - (to - from))
        if shift != 0 { for k in (i + 1)..<tagStart.count { tagStart[k] += shift } }
    }
}
