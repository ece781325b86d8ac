import Dispatch

/// Runs async work from a synchronous command's `run()` and waits for it.
///
/// The CLI's `main` stays synchronous (it maps errors to exit codes); commands that talk to
/// plugins or serve HTTP bridge through this one helper.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

private final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }
