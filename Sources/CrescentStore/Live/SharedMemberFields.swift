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
        shared(text, in: &tags) { $0.isEmpty ? [] : $0.split(separator: ",").map(String.init) }
    }

    mutating func consent(_ text: String) -> Set<ChannelCode> {
        shared(text, in: &consent) { $0.isEmpty ? [] : Set($0.split(separator: ",").map(String.init)) }
    }

    mutating func attributes(_ text: String) -> [String: String] {
        shared(text, in: &attributes) { $0 == "{}" ? [:] : FlatJSON.decode($0) ?? [:] }
    }

    private func shared<T>(_ text: String, in cache: inout [String: T], _ decode: (String) -> T) -> T {
        if let known = cache[text] { return known }
        let value = decode(text)
        if cache.count < limit { cache[text] = value }
        return value
    }
}
