/// A field inside a declaration, e.g. `budget.platform_share` or `steps[2].only_if`.
public struct FieldPath: Sendable, Equatable, CustomStringConvertible {
    public enum Component: Sendable, Equatable {
        case key(String)
        /// 1-based, as in Lua.
        case index(Int)
        /// The item of a list whose `name` field is this string (a tier by its name).
        case named(String)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    /// Reads `budget.platform_share`, `steps[2].only_if`, `tiers[#3]`.
    public init(parsing text: String) {
        var out: [Component] = []
        for part in text.split(separator: ".") {
            var rest = Substring(part)
            if let open = rest.firstIndex(of: "[") {
                if open > rest.startIndex { out.append(.key(String(rest[..<open]))) }
                rest = rest[open...]
                while rest.first == "[", let close = rest.firstIndex(of: "]") {
                    let inner = rest[rest.index(after: rest.startIndex)..<close]
                    if let n = Int(inner.drop { $0 == "#" }) { out.append(.index(n)) }
                    else { out.append(.named(inner.trimmingCharacters(in: "\""))) }
                    rest = rest[rest.index(after: close)...]
                }
            } else if !rest.isEmpty {
                out.append(.key(String(rest)))
            }
        }
        components = out
    }

    public var description: String {
        var s = ""
        for c in components {
            switch c {
            case .key(let k): s += s.isEmpty ? k : ".\(k)"
            case .index(let n): s += "[\(n)]"
            case .named(let name): s += "[\"\(name)\"]"
            }
        }
        return s
    }
}

/// What a validation problem is about: a declaration (or an offer constructor) and the
/// field in it, so the problem can be reported on the field's own line.
public struct FieldSite: Sendable, Equatable {
    /// `segment`, `playbook`, `tier_ladder`, `points_rule`, or an offer kind (`coupon`, …).
    public var kind: String
    /// The declaration's name; nil for an offer, which is found by its line instead.
    public var name: String?
    public var path: FieldPath
    /// A `{{variable}}` the problem is about, to pick the one message text among several.
    public var variable: String?

    public init(kind: String, name: String?, path: FieldPath, variable: String? = nil) {
        self.kind = kind; self.name = name; self.path = path; self.variable = variable
    }
}

extension FieldSite {
    /// The site a parser problem is about, read from how `DeclarationParser` words it: the
    /// subject (`playbook "p" step 2`, `tier_ladder "club" tier "gold" entry`, `coupon`) and
    /// the message (`field \`budget.platform_share\` …`, `unknown field \`only_iff\``).
    ///
    /// Reading the words keeps the parser's many call sites as they are; a subject or
    /// message this does not recognise leaves the problem on the declaration's line.
    static func inferred(subject: String, message: String) -> FieldSite? {
        var words = Words(subject)
        guard let kind = words.next(), !kind.hasPrefix("\"") else { return nil }
        var name: String?
        if let quoted = words.peek(), quoted.hasPrefix("\"") { _ = words.next(); name = Substring(quoted).trimmingCharacters(in: "\"") }
        var scope: [FieldPath.Component] = []
        while let word = words.next() {
            switch word {
            case "step":
                scope.append(.key("steps"))
                if let n = words.next().flatMap({ Int($0) }) { scope.append(.index(n)) }
            case "tier":
                scope.append(.key("tiers"))
                if let t = words.next() {
                    if let n = Int(t.drop { $0 == "#" }) { scope.append(.index(n)) }
                    else { scope.append(.named(Substring(t).trimmingCharacters(in: "\""))) }
                }
            default: scope += FieldPath(parsing: word).components
            }
        }
        var site = FieldSite(kind: kind, name: name, path: FieldPath(scope))
        site.variable = between(message, "`{{", "}}`")
        if let field = between(message, "field `", "`") {
            site.path.components += FieldPath(parsing: field).components
        } else if message.hasPrefix("expect") {
            site.path.components.append(.key("expect"))
            if let metric = between(message, "metric `", "`") ?? between(message, "expect.", ":") {
                site.path.components.append(.key(metric))
            }
        } else if message.hasPrefix("unknown channel") {
            site.path.components.append(.key("channels"))
        } else if message.hasPrefix("message ") {
            site.path.components.append(.key("message"))
        } else if message.hasPrefix("trigger ") {
            site.path.components += [.key("when"), .key("trigger")]
        } else if let word = message.split(whereSeparator: { $0 == " " || $0 == ":" }).first,
                  word.allSatisfy({ $0.isLetter || $0 == "_" }),
                  message.dropFirst(word.count).hasPrefix(":") || message.dropFirst(word.count).hasPrefix(" must") {
            // Core's own checks start with the field: "min_spend must be >= 0", "valid_until: …".
            site.path.components.append(.key(String(word)))
        }
        return site
    }

    private static func between(_ text: String, _ open: String, _ close: String) -> String? {
        guard let a = text.range(of: open), let b = text[a.upperBound...].range(of: close) else { return nil }
        let inner = String(text[a.upperBound..<b.lowerBound])
        return inner.isEmpty ? nil : inner
    }
}

/// Space-separated words where a quoted name ("gold tier") stays one word.
private struct Words {
    private var rest: Substring
    init(_ text: String) { rest = Substring(text) }

    mutating func next() -> String? {
        rest = rest.drop { $0 == " " }
        guard !rest.isEmpty else { return nil }
        var end = rest.startIndex
        if rest.first == "\"" {
            end = rest[rest.index(after: rest.startIndex)...].firstIndex(of: "\"").map { rest.index(after: $0) } ?? rest.endIndex
        } else {
            end = rest.firstIndex(of: " ") ?? rest.endIndex
        }
        defer { rest = rest[end...] }
        return String(rest[..<end])
    }

    func peek() -> String? { var copy = self; return copy.next() }
}
