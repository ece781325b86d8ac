import Foundation

/// Per-phase peak RSS on Linux: writing 5 to /proc/self/clear_refs resets VmHWM.
enum PhaseMemory {
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// VmHWM (the peak since the last reset) in MiB, or the process's ru_maxrss where /proc is absent.
    static func peakMiB() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kib = Int(line.split(separator: " ").dropFirst().first ?? "") {
            return kib / 1_024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) / 1_024
    }
}

/// The bench's result lines, aligned.
struct PhaseTable {
    private var rows: [[String]] = []

    mutating func add(_ phase: String, _ time: Duration, note: String = "", peak: Bool = true) {
        rows.append([phase, time.timingText, peak ? "\(PhaseMemory.peakMiB())" : "", note])
    }

    mutating func skip(_ phase: String, _ why: String) { rows.append([phase, "-", "", "skipped: " + why]) }

    /// Phase, time and peak aligned as `stats` aligns its tables; the note trails unpadded.
    var text: String {
        let aligned = StatsReport.table(["phase", "time s", "peak RSS MiB"], rows.map { Array($0.prefix(3)) })
            .split(separator: "\n", omittingEmptySubsequences: false)
        return zip(aligned, [""] + [""] + rows.map { $0[3] }).map { line, note in
            note.isEmpty ? String(line) : "\(line)  \(note)"
        }.joined(separator: "\n")
    }
}

/// Times consecutive phases, each with its own peak RSS and the CPU time the process spent in it
/// (every thread; on a shared machine the wall time alone says little): `end(_:)` closes the
/// phase that began at the previous `end` (or at `init`), so a command marks where each phase stops.
struct PhaseClock {
    private(set) var table = PhaseTable()
    private let clock = ContinuousClock()
    private var mark: ContinuousClock.Instant
    private var cpuMark: Double

    init() {
        PhaseMemory.resetPeak()
        mark = clock.now
        cpuMark = Self.cpuSeconds()
    }

    mutating func end(_ phase: String) {
        let now = clock.now, cpu = Self.cpuSeconds()
        table.add(phase, now - mark, note: String(format: "cpu %.2f s", cpu - cpuMark))
        PhaseMemory.resetPeak()
        mark = clock.now
        cpuMark = cpu
    }

    /// User and system CPU time of the whole process so far.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
