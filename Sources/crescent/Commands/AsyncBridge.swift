import Dispatch

/// Runs async work to completion from a synchronous command.
///
/// Why not `AsyncParsableCommand`: `Crescent.main` is synchronous so it can map every
/// command's errors to the documented exit codes in one place. The main thread waits on a
/// semaphore while the work runs on Swift's cooperative pool, which the main thread is not part of.
func runAsync<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = AsyncResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Written once by the task, read after the semaphore: the semaphore orders the two.
private final class AsyncResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }
