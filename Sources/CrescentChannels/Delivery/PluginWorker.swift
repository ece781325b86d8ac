import Foundation

/// A dedicated thread that runs one plugin's jobs in order.
///
/// A `lua_State` has one owner, and the transports block while a request runs on the HTTP
/// client's event loop; a thread of our own keeps both away from NIO and from Swift's
/// cooperative pool, whose few threads must never block.
final class PluginWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopped = false

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = "crescent-plugin-\(name)"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Runs `body` on the worker thread and returns its result to the awaiting caller.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            enqueue { continuation.resume(returning: body()) }
        }
    }

    func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread finish its queued jobs and exit.
    func stop() {
        condition.lock(); stopped = true; condition.signal(); condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty && stopped { condition.unlock(); return }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
