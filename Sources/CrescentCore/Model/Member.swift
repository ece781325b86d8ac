/// A channel code: `sms`, `email`, `push`, `inapp`, `wechat`, `webhook`, `calltask`, or a plugin's own.
public typealias ChannelCode = String

/// One member of the loyalty programme.
public struct Member: Hashable, Sendable, Codable {
    public var id: Int64
    public var name: String
    public var gender: String?
    public var birthday: Day?
    public var phone: String?
    public var email: String?
    public var city: String?
    public var joinDate: Day
    /// Tier name, e.g. `basic`, `silver`, `gold`, `platinum`.
    public var tier: String
    public var pointsBalance: Int64
    public var tags: [String]
    /// Channels the member has consented to be contacted on.
    public var consent: Set<ChannelCode>
    /// Social attributes: education, occupation, income, interests, …
    public var attributes: [String: String]
    /// Offset of the member's local time from UTC, for quiet hours.
    public var utcOffsetMinutes: Int

    public init(id: Int64, name: String = "", gender: String? = nil, birthday: Day? = nil,
                phone: String? = nil, email: String? = nil, city: String? = nil,
                joinDate: Day, tier: String = "basic", pointsBalance: Int64 = 0,
                tags: [String] = [], consent: Set<ChannelCode> = [],
                attributes: [String: String] = [:], utcOffsetMinutes: Int = 480) {
        self.id = id; self.name = name; self.gender = gender; self.birthday = birthday
        self.phone = phone; self.email = email; self.city = city; self.joinDate = joinDate
        self.tier = tier; self.pointsBalance = pointsBalance; self.tags = tags
        self.consent = consent; self.attributes = attributes; self.utcOffsetMinutes = utcOffsetMinutes
    }
}
