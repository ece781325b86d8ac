import CrescentPersistence
import GRDB

/// The key format of each run a writer meets: `.legacy` for the runs `legacy_key_runs`
/// lists (open when the store moved to padded keys), `.padded` for every other.
///
/// The list is fixed once migrated, so a store without legacy runs (every new store) asks
/// nothing per run, and a batch of one run asks once.
struct IssueKeyFormats {
    private let lookup: RawStatement?
    private var last: (runId: String, playbook: String, format: IssueScope.KeyFormat)?

    init(_ db: Database) throws {
        let any = try RawStatement(db, "SELECT 1 FROM legacy_key_runs LIMIT 1")
        lookup = try any.exists(db)
            ? RawStatement(db, "SELECT 1 FROM legacy_key_runs WHERE run_id = ?1 AND playbook = ?2") : nil
    }

    /// The scope a run's step writes under, in the run's key format.
    mutating func scope(_ db: Database, runId: String, playbook: String, step: Int) throws -> IssueScope {
        IssueScope(runId: runId, playbook: playbook, step: step, keyFormat: try format(db, runId: runId, playbook: playbook))
    }

    private mutating func format(_ db: Database, runId: String, playbook: String) throws -> IssueScope.KeyFormat {
        guard let lookup else { return .padded }
        if let last, last.runId == runId, last.playbook == playbook { return last.format }
        lookup.bind(1, runId)
        lookup.bind(2, playbook)
        let format: IssueScope.KeyFormat = try lookup.exists(db) ? .legacy : .padded
        last = (runId, playbook, format)
        return format
    }
}
