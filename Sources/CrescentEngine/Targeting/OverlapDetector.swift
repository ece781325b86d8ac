import CrescentCore
import CrescentLua

/// "Same business line, same segment, same time: only one strategy."
///
/// Two playbooks collide when they share a business line, their windows overlap (event
/// scenes on different triggers fire at different moments, so they never collide), and
/// their audiences share members.
public struct PlaybookOverlap: Sendable, Equatable, CustomStringConvertible {
    public var first: String
    public var second: String
    public var businessLine: String
    public var window: String
    public var members: Int
    public var file: String
    public var line: Int

    public var description: String {
        "\(file):\(line): playbooks \"\(first)\" and \"\(second)\" both act on \(members) member\(members == 1 ? "" : "s") "
            + "of business line \"\(businessLine)\" during \(window); give one a different audience, window or business line"
    }
}

public enum OverlapDetector {
    public static func detect(_ program: CRMProgram, audiences: [String: Bitset]) -> [PlaybookOverlap] {
        var out: [PlaybookOverlap] = []
        let list = program.playbooks
        for i in list.indices {
            for j in list.indices where j > i {
                let a = list[i], b = list[j]
                guard a.businessLine == b.businessLine, collide(a.schedule, b.schedule),
                      let sa = audiences[a.name], let sb = audiences[b.name] else { continue }
                let shared = sa.intersectionCount(sb)
                guard shared > 0 else { continue }
                out.append(PlaybookOverlap(first: a.name, second: b.name, businessLine: a.businessLine,
                                           window: describeOverlap(a.schedule, b.schedule), members: shared,
                                           file: program.chunkName, line: b.line))
            }
        }
        return out
    }

    static func collide(_ a: PlaybookSchedule, _ b: PlaybookSchedule) -> Bool {
        if let ta = a.trigger, let tb = b.trigger, ta != tb { return false }
        return a.overlaps(b)
    }

    static func describeOverlap(_ a: PlaybookSchedule, _ b: PlaybookSchedule) -> String {
        if let t = a.trigger, t == b.trigger { return "every \"\(t)\" event" }
        let start = max(a.window.start, b.window.start), end = min(a.window.end, b.window.end)
        let from = start.seconds < -1_000_000_000_000 ? "the start" : start.description
        let to = end.seconds > 1_000_000_000_000 ? "open end" : end.description
        return "\(from) – \(to)"
    }
}
