import CrescentCore
import Foundation

extension TierAssignment {
    /// The tier table `crescent segment preview` prints under the segments: members per
    /// tier as stored and as the ladder decides on the as-of day, then the moves.
    ///
    /// For example:
    /// ```
    /// tier ladder "club" on 2026-03-01
    /// tier      stored  evaluated   share
    /// basic        510        480   48.0%
    /// …
    /// upgrades 40, renewals 120, downgrades 10, unchanged 830
    /// ```
    public func summary(ladderName: String) -> String {
        let rows = distribution
        let total = decisions.count
        let width = max(8, rows.map(\.tier.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        var lines = ["tier ladder \"\(ladderName)\" on \(asOf)",
                     pad("tier", width) + lpad("stored", 10) + lpad("evaluated", 11) + lpad("share", 9)]
        for r in rows {
            let share = total > 0 ? Double(r.evaluated) / Double(total) * 100 : 0
            lines.append(pad(r.tier, width) + lpad(String(r.stored), 10) + lpad(String(r.evaluated), 11)
                         + lpad(String(format: "%.1f%%", share), 9))
        }
        lines.append("upgrades \(count(.upgrade)), renewals \(count(.renewal)), downgrades \(count(.downgrade)), "
                     + "unchanged \(count(.none))")
        return lines.joined(separator: "\n")
    }
}
