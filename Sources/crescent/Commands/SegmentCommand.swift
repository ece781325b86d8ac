import ArgumentParser
import CrescentCore
import CrescentEngine
import CrescentStore
import CrescentLua
import Foundation

struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment", abstract: "Work with segments.", subcommands: [SegmentPreviewCommand.self])
}

struct SegmentPreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Size of every segment, its share of the population, how segments overlap, and the tiers a declared tier_ladder gives.",
        discussion: """
          crescent segment preview scripts/winback_silent.lua \\
            --data data/cdnow_sample.txt
          crescent segment preview scripts/winback_silent.lua --data crm.sqlite --format json
        """)

    @Argument(help: "The script declaring the segments.")
    var file: String

    @OptionGroup var data: DataOptions

    @Option(help: "text, or json (on stdout).")
    var format: OutputFormat = .text

    func run() throws {
        if try previewOnColumns() { return }
        let context: CampaignContext
        // Lua decides only the members the declarative conditions left; the others are in no segment.
        do { context = try data.previewContext(script: file) }
        catch let problems as ScriptProblems { throw ScriptFailure(description: problems.description) }
        catch let error as ScriptError { throw ScriptFailure(description: error.description) }
        let segments: [(name: String, members: Bitset)]
        do { segments = try SegmentEvaluator(runtime: context.runtime).evaluateAll() }
        catch { throw ScriptFailure(description: error.description) }
        Progress.shared.done()
        if format == .json {
            let ladder = context.tiers.map { t in
                Dictionary(uniqueKeysWithValues: t.distribution.map { ($0.tier, SegmentPreview.TierCount(stored: $0.stored, evaluated: $0.evaluated)) })
            }
            print(try OutputFormat.json(SegmentPreview(segments, population: context.populationCount,
                                                       asOf: context.asOf.description, tiers: ladder)))
            return
        }
        print(SegmentPreview.text(segments, population: context.populationCount, asOf: context.asOf.description))
        // A declared ladder decides the tiers segments see: show what it did.
        if let tiers = context.tiers, let ladder = context.program.tierLadder {
            print("\n" + tiers.summary(ladderName: ladder.name))
        }
    }
}

extension SegmentPreviewCommand {
    /// The preview from columns when the script needs no member in Lua (no `where`, no tier
    /// ladder, every condition native): no member records, no sandboxes. False otherwise.
    func previewOnColumns() throws -> Bool {
        let source = try readScript(file)
        func program(_ day: Day) throws -> CRMProgram {
            do { return try CRMRuntime(clock: FixedClock(Timestamp(day: day, hour: 10))).load(source: source, chunkName: file) }
            catch { throw ScriptFailure(description: String(describing: error)) }
        }
        // Declarations do not depend on the day; the real one is known once the data is loaded.
        let probe = try program(PopulationLoader.defaultSyntheticAsOf)
        guard ColumnarSegments.filters(probe) != nil else { return false }
        Progress.shared.step("loading \(data.data) as columns")
        let loaded = try PopulationLoader.loadColumnar(path: data.data, seed: data.seed, asOf: try data.asOfDay()).columns
        let asOf = try data.asOfDay() ?? (data.data.hasPrefix("synthetic:") ? PopulationLoader.defaultSyntheticAsOf
            : loaded.dayAfterLastOrder ?? PopulationLoader.defaultSyntheticAsOf)
        let columns = loaded.joined(before: asOf)
        let segmentColumns = SegmentColumns(columns, DerivedColumns.compute(columns, asOf: asOf))
        let segments: [(name: String, members: Bitset)]
        let evaluator = ColumnarSegments.evaluator(program: try program(asOf), columns: segmentColumns)!
        do { segments = try evaluator.evaluateAll() }
        catch { throw ScriptFailure(description: error.description) }
        Progress.shared.done()
        if format == .json {
            print(try OutputFormat.json(SegmentPreview(segments, population: columns.count, asOf: asOf.description, tiers: nil)))
        } else {
            print(SegmentPreview.text(segments, population: columns.count, asOf: asOf.description))
        }
        return true
    }
}

/// Segment sizes and overlaps: aligned for a terminal (`text`), or as JSON (the value itself).
struct SegmentPreview: Encodable {
    struct Segment: Encodable { var name: String; var members: Int; var share: Double }
    struct TierCount: Encodable { var stored: Int; var evaluated: Int }

    var population: Int
    var asOf: String
    var segments: [Segment]
    /// Members in both, for every pair of segments: `overlap[a][b]`.
    var overlap: [String: [String: Int]]
    /// Members per tier as stored and as the script's tier_ladder evaluates them.
    var tiers: [String: TierCount]?

    init(_ segments: [(name: String, members: Bitset)], population: Int, asOf: String, tiers: [String: TierCount]?) {
        self.population = population
        self.asOf = asOf
        self.segments = segments.map {
            Segment(name: $0.name, members: $0.members.count,
                    share: population > 0 ? Double($0.members.count) / Double(population) : 0)
        }
        overlap = Dictionary(uniqueKeysWithValues: segments.map { a in
            (a.name, Dictionary(uniqueKeysWithValues: segments.map { b in (b.name, a.members.intersectionCount(b.members)) }))
        })
        self.tiers = tiers
    }

    static func text(_ segments: [(name: String, members: Bitset)], population: Int, asOf: String) -> String {
        let width = max(7, segments.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        var lines = ["population \(population) members, as of \(asOf)", "",
                     pad("segment", width) + "   members    share"]
        for s in segments {
            let share = population > 0 ? Double(s.members.count) / Double(population) * 100 : 0
            lines.append(pad(s.name, width) + lpad(String(s.members.count), 10) + lpad(String(format: "%.1f%%", share), 9))
        }
        guard segments.count > 1 else { return lines.joined(separator: "\n") }
        lines += ["", "overlap (members in both)"]
        let col = max(8, segments.map { min($0.name.count, 14) }.max() ?? 8) + 2
        lines.append(pad("", width) + segments.map { lpad(String($0.name.prefix(14)), col) }.joined())
        for a in segments {
            lines.append(pad(a.name, width) + segments.map { b in lpad(String(a.members.intersectionCount(b.members)), col) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
