import CrescentCore
import CrescentLua

/// How a playbook's message is filled for one member: the one implementation the dry-run
/// and live delivery share, so a message previewed is the message sent.
///
/// For example:
/// ```swift
/// let text = try MessageVariables.render(playbook: p, step: 0, view: view, segments: ["platinum"],
///                                        offer: offer.templateVariables, chunkName: "winback.lua")
/// ```
public enum MessageVariables {
    /// The member's variables (`{{name}}`, `{{tier}}`, …), the offer's (`{{coupon_value}}`, …)
    /// and `{{playbook}}`; a member's own value wins over an offer's of the same name.
    public static func variables(view: MemberView, playbook: String, offer: [String: String]) -> [String: String] {
        var vars = view.templateVariables
        vars["playbook"] = playbook
        vars.merge(offer) { mine, _ in mine }
        return vars
    }

    /// The template a step sends: its own message, else the playbook's.
    /// `step` is the index in `playbook.steps` (0 for a playbook without steps).
    public static func template(_ playbook: PlaybookDeclaration, step: Int) -> MessageTemplate? {
        guard playbook.steps.indices.contains(step) else { return playbook.message }
        return playbook.steps[step].message ?? playbook.message
    }

    /// The e-mail subject (and push title): the offer's name, else the playbook's.
    public static func subject(playbook: String, offer: [String: String]) -> String {
        offer["offer"] ?? playbook
    }

    /// The rendered message, or nil when the step has no message text for this member.
    /// - parameter segments: the segments a message table names that the member is in
    ///   (``MessageSegments``), in declaration order: the first with its own copy wins.
    /// - throws: `ScriptError` naming the playbook, its line and the member when a
    ///   placeholder has no value.
    public static func render(playbook: PlaybookDeclaration, step: Int, view: MemberView, segments: [String],
                              offer: [String: String], chunkName: String) throws(ScriptError) -> String? {
        try render(template(playbook, step: step), playbook: playbook, vars: variables(view: view, playbook: playbook.name, offer: offer),
                   segments: segments, memberId: view.member.id, chunkName: chunkName)
    }

    /// Renders `template` with variables already built by ``variables(view:playbook:offer:)``.
    public static func render(_ template: MessageTemplate?, playbook: PlaybookDeclaration, vars: [String: String],
                              segments: [String], memberId: Int64, chunkName: String) throws(ScriptError) -> String? {
        guard let template, let text = template.text(forSegments: segments) else { return nil }
        do { return try MessageTemplate.render(text, vars) } catch {
            throw ScriptError(kind: .validation, file: chunkName, line: playbook.line,
                              message: "playbook \"\(playbook.name)\": \(error)", memberId: memberId)
        }
    }
}
