import CrescentCore
import Foundation

/// `ScriptDiff` for a terminal (`text`) and for a pull request (`markdown`); JSON is the
/// value itself (`Encodable`).
extension ScriptDiff {
    public var text: String {
        var lines = ["\(oldScript) → \(newScript) on \(dataSource), as of \(asOf)"]
        if !meaning.isEmpty {
            lines.append("declarations that changed meaning:")
            for m in meaning { lines.append("  \(m.text)") }
        }
        if !segments.isEmpty {
            lines.append("segments whose members changed:")
            for s in segments { lines.append("  \(s.name): \(Self.segmentText(s))") }
        }
        for p in playbooks {
            lines.append("playbook \(p.name) (\(p.status))")
            guard p.status != "unchanged" else { continue }
            lines.append("  audience \(p.oldAudience) → \(p.newAudience): \(p.entering) entering, \(p.leaving) leaving")
            for (label, sample) in [("entering", p.enteringSample), ("leaving", p.leavingSample)] where !sample.isEmpty {
                lines.append("    \(label): " + sample.map { "\($0.memberId) (\($0.reason))" }.joined(separator: ", "))
            }
            if !p.offers.isEmpty {
                lines.append("  offers changed:")
                for o in p.offers { lines.append("    \(o.from) → \(o.to): \(o.members) member\(o.members == 1 ? "" : "s")") }
            }
            lines.append("  forecast")
            for f in p.figures {
                let label = f.metric.padding(toLength: 12, withPad: " ", startingAt: 0)
                lines.append("    \(label) \(Self.estimate(f.old, f.metric)) → \(Self.estimate(f.new, f.metric))  (\(Self.change(f)))")
            }
        }
        return lines.joined(separator: "\n")
    }

    public var markdown: String {
        var out = "### Playbook changes: `\(oldScript)` → `\(newScript)`\n\nOn `\(dataSource)`, as of \(asOf).\n"
        if !meaning.isEmpty {
            out += "\n**Declarations that changed meaning**\n\n| declaration | field | old | new |\n| --- | --- | --- | --- |\n"
            for m in meaning {
                let what = m.name.isEmpty ? m.kind : "\(m.kind) `\(m.name)`"
                out += "| \(what) | `\(m.field)` | \(Self.code(m.old)) | \(Self.code(m.new)) |\n"
            }
        }
        if !segments.isEmpty {
            out += "\n**Segments whose members changed**\n\n| segment | members | gained | lost |\n| --- | --- | ---: | ---: |\n"
            for s in segments {
                out += "| `\(s.name)` | \(s.old.map(String.init) ?? "–") → \(s.new.map(String.init) ?? "–") | \(s.gained) | \(s.lost) |\n"
            }
        }
        for p in playbooks {
            out += "\n#### `\(p.name)` (\(p.status))\n"
            guard p.status != "unchanged" else { continue }
            out += "\nAudience \(p.oldAudience) → \(p.newAudience): **\(p.entering) entering, \(p.leaving) leaving**.\n"
            for (label, sample) in [("Entering", p.enteringSample), ("Leaving", p.leavingSample)] where !sample.isEmpty {
                out += "\n\(label) (sample): " + sample.map { "`\($0.memberId)` (\($0.reason))" }.joined(separator: ", ") + "\n"
            }
            if !p.offers.isEmpty {
                out += "\n| old offer | new offer | members |\n| --- | --- | ---: |\n"
                for o in p.offers { out += "| \(o.from) | \(o.to) | \(o.members) |\n" }
            }
            out += "\n| forecast | old | new | change |\n| --- | ---: | ---: | ---: |\n"
            for f in p.figures {
                out += "| \(f.metric) | \(Self.estimate(f.old, f.metric)) | \(Self.estimate(f.new, f.metric)) | \(Self.change(f)) |\n"
            }
        }
        return out
    }

    /// A source fragment for a Markdown table cell: code, pipes escaped; `–` when absent.
    static func code(_ source: String?) -> String {
        guard let source else { return "–" }
        return "`" + source.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'") + "`"
    }

    static func segmentText(_ s: SegmentChange) -> String {
        switch (s.old, s.new) {
        case (nil, let n?): "new segment, \(n) members"
        case (let o?, nil): "removed (had \(o) members)"
        default: "\(s.old ?? 0) → \(s.new ?? 0) members (+\(s.gained), −\(s.lost))"
        }
    }

    /// A mean with its interval, or a count; `–` when the version has no such figure.
    static func estimate(_ e: Estimate?, _ metric: String) -> String {
        guard let e else { return "–" }
        let format = metric == "roi" ? "%.2f" : "%.0f"
        if e.low == e.high { return String(format: format, e.mean) }
        return String(format: "\(format) [\(format) – \(format)]", e.mean, e.low, e.high)
    }

    static func change(_ f: FigureChange) -> String {
        guard let c = f.change else { return "–" }
        return String(format: f.metric == "roi" ? "%+.2f" : "%+.0f", c)
    }
}
