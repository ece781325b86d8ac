import Foundation

/// What a run of the built CLI printed and how it ended.
public struct CLIRun: Sendable {
    public var status: Int32
    /// `.uncaughtSignal` when it crashed or was killed, whatever `status` says.
    public var reason: Process.TerminationReason
    public var stdout: String
    public var stderr: String

    /// Both streams, for tests that only look for a message wherever it was printed.
    public var output: String { stdout + stderr }
}

extension BuiltCLI {
    /// Runs the built `crescent` with `arguments`, help wrapped at 80 columns whatever the
    /// terminal, and waits for it. Standard input is empty.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIRun {
        guard let binary = path else { throw CLINotBuilt() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(["COLUMNS": "80"].merging(environment) { $1 }) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read both pipes while it runs, so a full pipe cannot stall it.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errData.done { usleep(1000) }
        return CLIRun(status: p.terminationStatus, reason: p.terminationReason, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.value, as: UTF8.self))
    }
}

public struct CLINotBuilt: Error, CustomStringConvertible {
    public var description: String { "build the CLI first: swift build" }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    func set(_ d: Data) { lock.lock(); data = d; finished = true; lock.unlock() }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return finished }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}
