import CrescentCore
import CrescentPersistence

/// Tags, consent and attributes decoded once per distinct stored text while many members are
/// read, so members with the same combination share one array, set or dictionary
/// (copy-on-write) instead of holding a copy each: most of a member record's memory when
/// millions are read (a dry-run's candidates), and the values are the same either way.
struct SharedMemberFields {
    private var tags: [String: [String]] = [:]
    private var consent: [String: Set<ChannelCode>] = [:]
    private var attributes: [String: [String: String]] = [:]
    /// Distinct texts kept per field; past it, texts are decoded without keeping them (a field
    /// unique to each member would only double its memory in the cache).
    private let limit: Int

    init(limit: Int = 50_000) { self.limit = limit }

    mutating func tags(_ text: String) -> [String] {
        let limit = self.limit
        return Self.shared(text, in: &tags, limit: limit) { $0.isEmpty ? [] : $0.split(separator: ",").map(String.init) }
    }

    mutating func consent(_ text: String) -> Set<ChannelCode> {
        let limit = self.limit
        return Self.shared(text, in: &consent, limit: limit) { $0.isEmpty ? [] : Set($0.split(separator: ",").map(String.init)) }
    }

    mutating func attributes(_ text: String) -> [String: String] {
        let limit = self.limit
        return Self.shared(text, in: &attributes, limit: limit) { $0 == "{}" ? [:] : FlatJSON.decode($0) ?? [:] }
    }

    /// Static, so the cache is modified in place (a method of `self` taking `&self.cache` would
    /// copy the whole dictionary on every call).
    private static func shared<T>(_ text: String, in cache: inout [String: T], limit: Int, _ decode: (String) -> T) -> T {
        if let known = cache[text] { return known }
        let value = decode(text)
        if cache.count < limit { cache[text] = value }
        return value
    }
}
