import CrescentCore

/// Who claims shared work (due steps, scheduled runs, accepted events, pending deliveries)
/// and for how long: a claim whose lease expired (the node died) is handed out again.
public struct WorkLease: Sendable, Equatable {
    /// The claiming node's id, stable for the life of its process.
    public var node: String
    /// How long a claim holds without being finished.
    public var seconds: Int64
    /// When the claim made at `now` expires.
    public func expires(from now: Timestamp) -> Timestamp { now.adding(seconds: seconds) }

    public init(node: String, seconds: Int64) { self.node = node; self.seconds = seconds }

    /// One engine per store (the SQLite default).
    public static let singleNode = WorkLease(node: "local", seconds: 300)
}
