import CrescentCore
import CrescentLua
import CrescentPersistence

/// `crescent measure`: the script's playbooks measured on a store's ledgers, priced with the
/// script's economics. The store reads the rows, Core does the statistics; this only joins them.
public enum MeasureRun {
    public struct UnknownPlaybook: Error, CustomStringConvertible {
        public var description: String
    }

    /// - throws: ``UnknownPlaybook`` when `scope.playbook` is not declared in the script.
    public static func measure(program: CRMProgram, store: any OutcomeLedger, storeName: String, scope: MeasureScope,
                               since: Day? = nil, until: Day? = nil) throws -> MeasureReport {
        let declared = program.playbooks.map(\.name)
        if let name = scope.playbook, !declared.contains(name) {
            let hint = closest(to: name, in: declared).map { ", did you mean \"\($0)\"?" } ?? ""
            throw UnknownPlaybook(description: "\(program.chunkName) declares no playbook \"\(name)\"\(hint)")
        }
        let economics = program.economics ?? ProgrammeEconomics()
        let rows = Dictionary(uniqueKeysWithValues: try store.measured(scope).map { ($0.playbook, $0) })
        let names = scope.playbook.map { [$0] } ?? declared
        let playbooks = names.map { name in
            LiftMeasurement.measure(playbook: name, members: rows[name]?.members ?? [], costs: rows[name]?.costs ?? RealisedCosts(),
                                    economics: economics)
        }
        return MeasureReport(script: program.chunkName, store: storeName, playbook: scope.playbook, runId: scope.runId,
                             since: since, until: until, economics: economics, playbooks: playbooks)
    }
}
