import CrescentCore

/// Where one member's journey through one playbook stands.
///
/// One row per (playbook, member, entry): the history of what each step did lives in the
/// issue, delivery and suppression ledgers, keyed `entryKey/playbook/step/member`, so the row
/// stays small however long the journey (Mautic's per-event log is the warning).
public struct Journey: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        /// Waiting for its next step (`nextDue`).
        case active
        /// Every step ran.
        case done
        /// Left early: an exit event, `within_days` passed, or no offer for the member.
        case exited
    }

    public var playbook: String
    public var member: Int64
    /// What the member entered on, unique per playbook and member: `schedule:<playbook>:<time>`,
    /// `event:<id>`, `date:<scene>:<day>`, or a run id given to `run-playbook`. It is the run
    /// id of every ledger row the journey writes.
    public var entryKey: String
    public var enteredAt: Timestamp
    /// The next step to run (== the plan's step count when done).
    public var step: Int
    public var nextDue: Timestamp?
    public var state: State
    public var exitReason: String?
    /// The offer the journey gave (the runtime's offer id; 0: none yet), for reminders.
    public var offerId: Int
    /// Where the journey's offer is interned in the store (message variables for reminders).
    public var offerVariablesId: Int64?
    /// The store's row of this journey, when it was read from one: its position is then saved
    /// by row id rather than looked up by its text key. Nil for a journey not written yet, whose
    /// first save inserts it. Not part of equality (where the row is, not where the journey stands).
    public var rowId: Int64?

    public init(playbook: String, member: Int64, entryKey: String, enteredAt: Timestamp, step: Int = 0,
                nextDue: Timestamp?, state: State = .active, exitReason: String? = nil, offerId: Int = 0,
                offerVariablesId: Int64? = nil, rowId: Int64? = nil) {
        self.playbook = playbook; self.member = member; self.entryKey = entryKey; self.enteredAt = enteredAt
        self.step = step; self.nextDue = nextDue; self.state = state; self.exitReason = exitReason
        self.offerId = offerId; self.offerVariablesId = offerVariablesId; self.rowId = rowId
    }

    public static func == (a: Journey, b: Journey) -> Bool {
        a.playbook == b.playbook && a.member == b.member && a.entryKey == b.entryKey && a.enteredAt == b.enteredAt
            && a.step == b.step && a.nextDue == b.nextDue && a.state == b.state && a.exitReason == b.exitReason
            && a.offerId == b.offerId && a.offerVariablesId == b.offerVariablesId
    }

    public var isOpen: Bool { state == .active }

    /// Purchases that count for exits and `only_if` start just after entry: the payment a
    /// `payment`-triggered journey entered on is not a reason to leave it.
    public var purchasesFrom: Timestamp { enteredAt.adding(seconds: 1) }
}

/// Why a journey left before its last step, as recorded in `exit_reason`.
public enum JourneyExit {
    /// `exit_on` named an event that arrived (the reason is `event:<kind>`).
    public static func event(_ kind: String) -> String { "event:\(kind)" }
    /// The formula chose no offer for the member at the offer step.
    public static let noOffer = "no_offer"
    /// `when.within_days` passed before the step was due.
    public static let expired = "within_days"
    /// A `wait_for` step timed out with `on_timeout = "exit"`.
    public static let waitTimeout = "wait_timeout"
    /// The guards refused the journey's first offer (`suppressed:<code>`): one string per
    /// reason, made once, not once per member refused (millions in a 10M dry-run).
    public static func suppressed(_ reason: SuppressionReason) -> String { suppressedReasons[reason.rawValue] }
    private static let suppressedReasons: [String] = {
        var out = [String](repeating: "", count: (SuppressionReason.allCases.map(\.rawValue).max() ?? 0) + 1)
        for r in SuppressionReason.allCases { out[r.rawValue] = "suppressed:" + r.code }
        return out
    }()
}
