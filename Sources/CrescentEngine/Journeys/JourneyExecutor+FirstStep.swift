import CrescentCore

extension JourneyExecutor where Recorder == StoreJourneyRecorder {
    /// Enters members as ``enter(_:at:entryKey:)`` does, and when the first step is due at
    /// once, runs it in the same write: each journey is inserted once, at its position after
    /// that step, in the step's batch transaction (with its ledger rows), instead of an entry
    /// insert and then an update by the batch. A crash leaves each journey entered with its
    /// step written, or not entered at all, so entering again takes up exactly who is missing.
    ///
    /// Entries are no longer one transaction: a caller that must know whether everyone
    /// entered (a launch) marks it (`markLaunchEntering`/`markLaunchEntered`).
    /// A first step that waits (`delay`) is entered as `enter` does.
    /// - returns: the journeys started.
    @discardableResult
    public mutating func enterWithFirstStep(_ members: [Int32], at: Timestamp,
                                            entryKey: (Int64) -> String) throws -> [Journey] {
        // In member order, as the due read would hand them out after an entry write.
        let fresh = try entrants(members, at: at, entryKey: entryKey).sorted { $0.member < $1.member }
        log.noteEntered(fresh.count, on: at.day)
        guard let due = fresh.first?.nextDue, due <= at else {
            try recorder.begin(fresh)
            return fresh
        }
        var start = 0
        while start < fresh.count {
            let end = min(start + batchSize, fresh.count)
            try run(Array(fresh[start..<end]), now: at)
            start = end
        }
        return fresh
    }
}
