import CrescentCore
import CrescentLua
import Foundation

/// What declarative segment conditions read, one column per field, holding the values scripts
/// see on `m` (money in major units, `aov` rounded to cents, ages in whole years, lifecycle as
/// `declining`), so a native filter and the Lua path compare the same numbers.
///
/// Built from the member views a runtime loads (`init?(views:)`), or straight from columns
/// (`init(_:_:)`) without any per-member object. Numeric columns are computed when a filter
/// first asks for them, so a population that is only filtered by tier never computes ages.
public struct SegmentColumns: @unchecked Sendable {
    /// Text fields, compared by interned code.
    public enum TextField: String, CaseIterable, Sendable { case lifecycle, tier, city, gender }
    /// Numeric fields (`r`, `f`, `m` are `m.rfm.*`); an absent value is NaN.
    public enum NumberField: String, CaseIterable, Sendable {
        case orders, totalSpend = "total_spend", aov, recencyDays = "recency_days", daysSinceJoin = "days_since_join"
        case points, age, r, f, m
    }

    public let count: Int
    public let memberId: [Int64]
    let text: [TextField: (codes: [Int32], names: StringCodes)]
    let tagStart: [Int32], tagCodes: [Int32], tags: StringCodes
    let consent: [UInt64], channels: StringCodes
    private let numbers: NumberCache

    /// One column of a numeric field (computed on first use, then kept).
    public func numbers(_ field: NumberField) -> [Double] { numbers.column(field) }

    /// The columns of `views`; nil past 64 distinct consent channels (Lua then filters alone).
    ///
    /// The views are read in place (`for v in views`), never handed out by value through a
    /// closure: a `MemberView` copy retains every field, which was most of a 1.9 M-member
    /// audience's evaluation.
    public init?(views: [MemberView]) {
        let count = views.count
        var lifecycle = TextColumn(), tier = TextColumn(), city = TextColumn(), gender = TextColumn()
        var tagStart: [Int32] = [0], tagCodes: [Int32] = [], tags = StringCodes()
        var consent: [UInt64] = [], channels = StringCodes()
        consent.reserveCapacity(count)
        var memberId: [Int64] = []
        memberId.reserveCapacity(count)
        for v in views {
            memberId.append(v.member.id)
            lifecycle.append(v.lifecycle); tier.append(v.member.tier)
            city.append(v.member.city); gender.append(v.member.gender)
            for t in v.member.tags { tagCodes.append(tags.code(t)) }
            tagStart.append(Int32(tagCodes.count))
            var mask: UInt64 = 0
            for c in v.member.consent {
                let code = channels.code(c)
                guard code < ColumnarPopulation.maxChannels else { return nil }
                mask |= 1 << UInt64(code)
            }
            consent.append(mask)
        }
        text = [.lifecycle: (lifecycle.codes, lifecycle.names), .tier: (tier.codes, tier.names),
                .city: (city.codes, city.names), .gender: (gender.codes, gender.names)]
        self.count = count
        self.memberId = memberId
        self.tagStart = tagStart; self.tagCodes = tagCodes; self.tags = tags
        self.consent = consent; self.channels = channels
        numbers = NumberCache { field in
            views.map { v in
                switch field {
                case .orders: Double(v.orders)
                case .totalSpend: v.totalSpend.major
                case .aov: MemberView.aovMajor(totalSpend: v.totalSpend, orders: v.orders)
                case .recencyDays: v.recencyDays.map(Double.init) ?? .nan
                case .daysSinceJoin: Double(v.asOf.days(since: v.member.joinDate))
                case .points: Double(v.member.pointsBalance)
                case .age: v.age.map(Double.init) ?? .nan
                case .r: Double(v.rfm.r)
                case .f: Double(v.rfm.f)
                case .m: Double(v.rfm.m)
                }
            }
        }
    }

    /// The columns of a columnar population and its derived columns: text, tags and consent are
    /// the population's own arrays (shared, not copied). Tiers are the stored ones.
    /// - parameter scale: scores `rfm.*` on another scale than `d`'s own columns (the live
    ///   engine's), member by member; asked for only when a filter reads one of those fields.
    public init(_ c: ColumnarPopulation, _ d: DerivedColumns, scale: (() -> QuintileReference)? = nil) {
        count = c.count
        memberId = c.memberId
        let stageNames = StringCodes(DerivedColumns.stages.map(MemberViews.stageName))
        text = [.lifecycle: (d.lifecycle.map(Int32.init), stageNames), .tier: (c.tier, c.tiers),
                .city: (c.city, c.cities), .gender: (c.gender, c.genders)]
        tagStart = c.tagStart; tagCodes = c.tagCodes; tags = c.tags
        consent = c.consent; channels = c.channels
        let asOf = d.asOf
        numbers = NumberCache { field in
            let scale = [.r, .f, .m].contains(field) ? scale?() : nil
            return (0..<c.count).map { i in
                switch field {
                case .orders: Double(d.orderCount[i])
                case .totalSpend: Money(minorUnits: d.totalSpend[i]).major
                case .aov: MemberView.aovMajor(totalSpend: Money(minorUnits: d.totalSpend[i]), orders: Int(d.orderCount[i]))
                case .recencyDays: d.recencyDays[i] == DerivedColumns.noRecency ? .nan : Double(d.recencyDays[i])
                case .daysSinceJoin: Double(asOf.days(since: Day(index: c.joinDay[i])))
                case .points: Double(c.points[i])
                case .age: c.birthDay[i] == ColumnarPopulation.noDay ? .nan
                    : Double(MemberView.age(birthday: Day(index: c.birthDay[i]), asOf: asOf))
                case .r: Double(scale?.score(.recency, ofMemberAt: i, in: d) ?? Int(d.r[i]))
                case .f: Double(scale?.score(.frequency, ofMemberAt: i, in: d) ?? Int(d.f[i]))
                case .m: Double(scale?.score(.monetary, ofMemberAt: i, in: d) ?? Int(d.m[i]))
                }
            }
        }
    }
}

/// One text field's codes while a column is built.
private struct TextColumn {
    var codes: [Int32] = []
    var names = StringCodes()
    mutating func append(_ value: String?) { codes.append(value.map { names.code($0) } ?? ColumnarPopulation.noCode) }
}

/// Numeric columns computed once each, on first use (filters of several segments share them).
private final class NumberCache: @unchecked Sendable {
    private let compute: (SegmentColumns.NumberField) -> [Double]
    private var columns: [SegmentColumns.NumberField: [Double]] = [:]
    private let lock = NSLock()

    init(_ compute: @escaping (SegmentColumns.NumberField) -> [Double]) { self.compute = compute }

    func column(_ field: SegmentColumns.NumberField) -> [Double] {
        lock.withLock {
            if let done = columns[field] { return done }
            let made = compute(field)
            columns[field] = made
            return made
        }
    }
}
