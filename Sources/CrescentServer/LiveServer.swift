import CrescentCore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Drives the engine: processes the outbox as events arrive, ticks the scheduler, and on
/// graceful shutdown drains what was accepted before it returns.
///
/// The service group stops the HTTP server first (it stops accepting and finishes in-flight
/// requests), so once this loop sees the shutdown no new event can arrive; it then processes
/// the outbox for up to `drainSeconds`. Whatever is left stays `pending` in the store and the
/// next start picks it up.
struct EngineLoop: Service {
    let engine: LiveEngine
    let journal: JournalWriter
    let logger: Logger
    var drainSeconds: Double = 10
    /// Called after a round that processed events or ticked (the delivery pump hooks in here).
    var afterProcessing: (@Sendable () async -> Void)?

    func run() async throws {
        let tick = Duration.milliseconds(Int64(engine.configuration.tickSeconds * 1000))
        var lastTick = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var processed = 0
            do {
                processed = try await engine.processPending()
                var ticked = false
                if ContinuousClock.now - lastTick >= tick {
                    ticked = true
                    lastTick = ContinuousClock.now
                    let report = try await engine.tick()
                    for (file, problem) in report.rejected.sorted(by: { $0.key < $1.key }) {
                        logger.error("script \(file) rejected; the running version stays: \(problem)")
                    }
                    for file in report.loaded { logger.info("script \(file) loaded") }
                }
                if processed > 0 || ticked { await afterProcessing?() }
            } catch {
                logger.error("engine: \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
            if processed == 0 { try? await Task.sleep(for: .milliseconds(5)) }
        }
        let deadline = ContinuousClock.now + .milliseconds(Int64(drainSeconds * 1000))
        while ContinuousClock.now < deadline, (try? await engine.processPending()) ?? 0 > 0 {}
        await afterProcessing?()
        do { try engine.flushWork() } catch { logger.warning("node work tallies not written: \(error)") }
        journal.stop()
        engine.stop()
        logger.info("engine stopped; \((try? engine.store.pendingEventCount()) ?? -1) events left pending")
    }
}

/// Runs `crescent serve`: the HTTP API and the engine loop until SIGTERM, SIGINT or
/// ``shutdown()``, each of which stops gracefully: no new requests, in-flight ones answered,
/// the outbox drained.
///
/// For example:
/// ```swift
/// let server = LiveServer(engine: try await LiveEngine.open(config))
/// try await server.run(onReady: { port in print("listening on \(port)") })
/// ```
public final class LiveServer: Sendable {
    public let engine: LiveEngine
    private let group: ServiceGroup
    private let ready: ReadyCallback

    /// - parameter afterProcessing: called after each round that processed events (deliveries).
    public init(engine: LiveEngine, logger: Logger = Logger(label: "crescent.serve"),
                afterProcessing: (@Sendable () async -> Void)? = nil) {
        self.engine = engine
        let journal = JournalWriter(store: engine.store, clock: engine.clock)
        let api = LiveAPI(engine: engine, journal: journal)
        let config = engine.configuration
        var loop = EngineLoop(engine: engine, journal: journal, logger: logger)
        loop.afterProcessing = afterProcessing
        let ready = ReadyCallback()
        self.ready = ready
        // A connection that sends nothing for `readTimeoutSeconds` while its request (headers
        // or body) is incomplete, or between requests, is closed: slow clients cannot hold
        // connections open. `LiveAPI` also bounds the time a whole body may take.
        let idleMilliseconds = Int64(config.readTimeoutSeconds * 1000)
        let app = Application(
            router: api.router(),
            server: .http1(configuration: .init(idleTimeout: .milliseconds(idleMilliseconds))),
            configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port),
                                                    serverName: "crescent"),
            services: [loop],
            onServerRunning: { channel in ready.call(channel.localAddress?.port ?? config.port) },
            logger: logger)
        group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint],
                                                  logger: logger))
    }

    /// Serves until a graceful shutdown completes.
    /// - parameter onReady: called with the bound port once connections are accepted (the
    ///   configured port, or the one the system chose for port 0).
    public func run(onReady: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        ready.set(onReady)
        try await group.run()
    }

    /// Starts a graceful shutdown, as SIGTERM does.
    public func shutdown() async { await group.triggerGracefulShutdown() }
}

/// The ready callback, set when `run` starts (the application is built before).
private final class ReadyCallback: @unchecked Sendable {
    private let lock = NSLock()
    private var callback: (@Sendable (Int) -> Void)?
    func set(_ c: @escaping @Sendable (Int) -> Void) { lock.lock(); callback = c; lock.unlock() }
    func call(_ port: Int) { lock.lock(); let c = callback; lock.unlock(); c?(port) }
}
