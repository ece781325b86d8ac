/// What the store holds about one playbook's issues, for the status endpoint.
public struct PlaybookActivity: Sendable, Codable, Equatable {
    public init() {}
    public var issued = 0
    public var deliveriesByState: [String: Int] = [:]
    public var suppressed: [String: Int] = [:]
}
