/// A script problem, with enough context for a marketer to find it.
///
/// Printed as `file:line: message (member 123)`.
public struct ScriptError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The chunk does not parse.
        case syntax
        /// An error raised while running (including `error()` and host API refusals).
        case runtime
        /// The instruction budget ran out (an infinite loop, or too much work).
        case budget
        /// The memory cap was hit.
        case memory
        /// The wall-clock deadline passed.
        case deadline
        /// The script used something the sandbox does not offer (`io`, `os.execute`, …).
        case forbidden
        /// The script returned something the host cannot take (a function, a cycle, bad UTF-8).
        case result
        /// The script ran but what it declared is invalid (unknown field, wrong type, …).
        case validation
    }

    public var kind: Kind
    public var file: String
    public var line: Int?
    public var message: String
    public var memberId: Int64?
    /// The column of the offending key, when the source map placed the problem.
    public var column: Int?
    /// The declaration field a validation problem is about (`playbook "p"` `budget.platform_share`).
    public var site: FieldSite?

    public init(kind: Kind, file: String, line: Int? = nil, message: String, memberId: Int64? = nil,
                column: Int? = nil, site: FieldSite? = nil) {
        self.kind = kind; self.file = file; self.line = line; self.message = message; self.memberId = memberId
        self.column = column; self.site = site
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": " + message
        if let memberId { s += " (member \(memberId))" }
        return s
    }
}
