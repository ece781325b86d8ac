import CrescentLua
import Foundation

/// Where `tasks.create{...}` puts outbound-call tasks (e.g. a worn-tyre lead for the call centre).
public protocol TaskSink: Sendable {
    /// Stores a task and returns its id.
    func create(plugin: String, task: [String: LuaValue]) throws -> String
}

/// Where `inbox.put{...}` puts in-app messages, one inbox per member.
public protocol InboxSink: Sendable {
    /// Stores a message in a member's inbox and returns its id.
    func put(plugin: String, member: Int64, item: [String: LuaValue]) throws -> String
}

/// The sinks the host functions write to.
public struct ChannelSinks: Sendable {
    public var tasks: any TaskSink
    public var inbox: any InboxSink
    public init(tasks: any TaskSink = InMemoryTaskSink(), inbox: any InboxSink = InMemoryInboxSink()) {
        self.tasks = tasks; self.inbox = inbox
    }
}

/// Call tasks kept in memory, in creation order.
public final class InMemoryTaskSink: TaskSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [[String: LuaValue]] = []
    public init() {}
    public var tasks: [[String: LuaValue]] { lock.lock(); defer { lock.unlock() }; return stored }
    public func create(plugin: String, task: [String: LuaValue]) throws -> String {
        lock.lock(); defer { lock.unlock() }
        stored.append(task)
        return "task-\(stored.count)"
    }
}

/// Inboxes kept in memory: member id → messages, oldest first.
public final class InMemoryInboxSink: InboxSink, @unchecked Sendable {
    private let lock = NSLock()
    private var boxes: [Int64: [[String: LuaValue]]] = [:]
    private var count = 0
    public init() {}
    public func inbox(of member: Int64) -> [[String: LuaValue]] { lock.lock(); defer { lock.unlock() }; return boxes[member] ?? [] }
    public func put(plugin: String, member: Int64, item: [String: LuaValue]) throws -> String {
        lock.lock(); defer { lock.unlock() }
        boxes[member, default: []].append(item)
        count += 1
        return "inbox-\(count)"
    }
}
