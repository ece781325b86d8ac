/// Where a scheduled playbook run stands.
public enum ScheduledRunState: String, Sendable {
    case running, done, failed
}
