import CrescentCore
import Foundation

/// Message copy with `{{variable}}` placeholders, optionally one text per segment.
///
/// For example:
/// ```lua
/// message = { default = "{{name}}, 50 off 299 is waiting", vip = "{{name}}, a gift for our VIPs" }
/// ```
public struct MessageTemplate: Sendable, Equatable {
    public var defaultText: String?
    public var bySegment: [String: String]

    /// Limits that keep rendering bounded whatever the script or the data hold: a template
    /// is checked at load, a rendered message while it is built (a 100 KB name in every
    /// placeholder stops at the cap instead of growing without end).
    public static let maxTemplateBytes = 16 * 1024
    public static let maxPlaceholders = 100
    public static let maxRenderedBytes = 64 * 1024

    /// What is wrong with `text` as a template (too long, too many placeholders), if anything.
    public static func sizeProblem(in text: String) -> String? {
        let bytes = text.utf8.count
        if bytes > maxTemplateBytes {
            return "message is \(bytes) bytes long; a template holds at most \(maxTemplateBytes) bytes"
        }
        let count = variables(in: text).count
        if count > maxPlaceholders {
            return "message has \(count) placeholders; a template holds at most \(maxPlaceholders)"
        }
        return nil
    }

    public init(defaultText: String?, bySegment: [String: String] = [:]) {
        self.defaultText = defaultText; self.bySegment = bySegment
    }

    /// The text for a member in `segments`, the member's own segments in the script's
    /// declaration order: the first with its own copy wins, else the default.
    public func text(forSegments segments: [String]) -> String? {
        for s in segments { if let t = bySegment[s] { return t } }
        return defaultText
    }

    public var allTexts: [String] { (defaultText.map { [$0] } ?? []) + bySegment.keys.sorted().map { bySegment[$0]! } }

    /// The placeholder names used in `text`.
    public static func variables(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: " "))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// One problem per placeholder no message can fill, with a suggestion.
    static func unknownVariables(in text: String) -> [String] {
        variables(in: text).filter { !templateVariableNames.contains($0) }.map { name in
            let hint = closest(to: name, in: templateVariableNames).map { ", did you mean `{{\($0)}}`?" } ?? ""
            return "message uses unknown variable `{{\(name)}}`\(hint)"
        }
    }

    /// Fills placeholders. A variable with no value is an error naming it; so is a message
    /// that would grow past `maxRenderedBytes` (naming the placeholder that made it too long).
    public static func render(_ text: String, _ variables: [String: String]) throws(TemplateError) -> String {
        var out = ""
        var rest = Substring(text)
        func append(_ piece: some StringProtocol, for name: String?) throws(TemplateError) {
            guard out.utf8.count + piece.utf8.count <= maxRenderedBytes else {
                throw TemplateError(variable: name ?? "", suggestion: nil, tooLong: true)
            }
            out += piece
        }
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            try append(rest[..<open.lowerBound], for: nil)
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: " ")
            guard let value = variables[name] else {
                throw TemplateError(variable: name, suggestion: closest(to: name, in: Array(variables.keys)))
            }
            try append(value, for: name)
            rest = rest[close.upperBound...]
        }
        try append(rest, for: nil)
        return out
    }
}

public struct TemplateError: Error, Equatable, CustomStringConvertible {
    public var variable: String
    public var suggestion: String?
    /// The rendered message would pass `MessageTemplate.maxRenderedBytes`.
    public var tooLong = false

    public init(variable: String, suggestion: String?, tooLong: Bool = false) {
        self.variable = variable; self.suggestion = suggestion; self.tooLong = tooLong
    }

    public var description: String {
        if tooLong {
            let cause = variable.isEmpty ? "" : " once `{{\(variable)}}` is filled in"
            return "message would be longer than \(MessageTemplate.maxRenderedBytes) bytes\(cause)"
        }
        return "message uses `{{\(variable)}}`, which has no value" + (suggestion.map { "; did you mean `{{\($0)}}`?" } ?? "")
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}

/// Variables every message may use: the member's and the offer's.
public let templateVariableNames: [String] = [
    "name", "first_name", "tier", "points", "id", "lifecycle", "orders", "total_spend", "city",
    "offer", "coupon_value", "min_spend", "valid_days", "valid_until", "points_award", "playbook",
]
