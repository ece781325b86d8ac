import CrescentCore
import CrescentLua

/// Who a playbook targets, shared by every entry point of the journey engine so the dry-run
/// and the live runs choose the same members.
enum PlaybookAudience {
    /// Everyone the playbook targets: the union of its audience segments.
    static func audience(_ context: CampaignContext, _ playbook: PlaybookDeclaration) throws -> (audience: Bitset, segments: [String: Bitset]) {
        let evaluated = try SegmentEvaluator(runtime: context.runtime).evaluateAudiences()
        return (evaluated.audiences[playbook.name] ?? Bitset(capacity: context.runtime.memberCount), evaluated.segments)
    }
}
