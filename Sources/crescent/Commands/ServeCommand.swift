import ArgumentParser
import CrescentChannels
import CrescentDelivery
import CrescentPersistence
import CrescentServer
import Foundation
import Logging

/// `crescent serve`: the live engine.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the live engine: event API, playbook triggers, scheduler, metrics.",
        discussion: """
        Accepted events, orders and member upserts are written to the store's outbox before \
        the answer (202), then processed in order: each event scene runs the playbooks whose \
        `when.trigger` names it; scheduled playbooks run when `when.at` (and `every`) come due. \
        Scripts are reloaded when their files change; a broken edit is rejected and the \
        running version stays. SIGTERM or SIGINT drains in-flight work and stops.

          crescent import data/cdnow_sample.txt --db crm.sqlite
          crescent serve --db crm.sqlite --scripts scripts --token s3cret
          curl -H 'Authorization: Bearer s3cret' http://127.0.0.1:8080/v1/events \\
            -d '{"id":"e1","member_id":1,"kind":"app_open","time":"2026-11-23 10:00"}'

        Endpoints: POST /v1/events, /v1/orders, /v1/members, /v1/scripts/reload; \
        GET /v1/events/{id}, /v1/scripts, /v1/segments?script=F, /v1/playbooks, /health, /metrics.
        """)

    /// The store; a SQLite file is created if missing.
    @OptionGroup var storeOption: StoreOption

    @Option(help: "The folder of playbook scripts (*.lua).")
    var scripts: String

    /// Without --plugins, issued deliveries stay pending (for `crescent deliver`).
    @OptionGroup var pluginOptions: PluginOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port: Int = 8080

    @Option(help: "Bearer token for the /v1 endpoints (default: $CRESCENT_WRITE_TOKEN; none leaves them open).")
    var token: String?

    @Flag(name: .customLong("open-reads"), help: "Let /v1 GET requests through without the token.")
    var openReads = false

    @Option(name: .customLong("read-timeout"), help: "Seconds a client may stay silent mid-request, and the most a whole body may take.")
    var readTimeout: Double = 30

    @Option(name: .customLong("max-body"), help: "Largest request body in bytes.")
    var maxBody: Int = 1 << 20

    @Option(help: "Seconds between scheduler ticks (script reload, due schedules).")
    var tick: Double = 5

    @Option(help: "Seed for the scripts' random choices.")
    var seed: UInt64 = 42

    @Option(help: "This node's id in claims on shared work (default: HOST-PID). Several nodes on one PostgreSQL store each need their own.")
    var node: String?

    @Option(help: "Seconds a claim on events, due steps or scheduled runs holds; a dead node's work is taken over after it.")
    var lease: Int64 = 120

    func run() throws {
        guard (0...65_535).contains(port) else { throw UsageError(message: "--port \(port) is not a port") }
        guard maxBody > 0, tick > 0 else { throw UsageError(message: "--max-body and --tick must be positive") }
        var config = ServerConfiguration(store: try storeOption.location(), scriptsFolder: scripts)
        config.host = host; config.port = port; config.maxBodyBytes = maxBody; config.tickSeconds = tick
        config.seed = seed
        config.openReads = openReads
        guard lease > 0 else { throw UsageError(message: "--lease must be a positive number of seconds") }
        let nodeId = node ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        guard !nodeId.isEmpty else { throw UsageError(message: "--node must not be empty") }
        config.lease = WorkLease(node: nodeId, seconds: lease)
        guard readTimeout > 0, readTimeout.isFinite else { throw ValidationError("--read-timeout must be a positive number of seconds") }
        config.readTimeoutSeconds = readTimeout
        config.writeToken = token ?? ProcessInfo.processInfo.environment["CRESCENT_WRITE_TOKEN"]
        let logger = Logger(label: "crescent.serve")
        logger.info("node \(nodeId) on \(config.store), leases of \(lease) s")
        if config.writeToken == nil {
            logger.warning("no --token: the /v1 endpoints are open; only run this on loopback")
        }
        let finalConfig = config
        // Plugins start (and a bad config fails) before the server takes any request.
        let directory = pluginOptions.plugins == nil ? nil : try LiveDelivery.start(pluginOptions)
        do {
            try runAsync { try await Self.serve(finalConfig, plugins: directory, logger: logger) }
        } catch let e as EngineStartError {
            throw ScriptFailure(description: e.description)
        } catch let unavailable as StoreUnavailable {
            throw UsageError(message: unavailable.description)
        }
    }

    /// Opens the engine, hooks the plugins' delivery pump in, and serves until stopped.
    private static func serve(_ config: ServerConfiguration, plugins: PluginDirectory?, logger: Logger) async throws {
        let engine = try await LiveEngine.open(config)
        var drain: (@Sendable () async -> Void)?
        if let plugins {
            let dispatcher = ChannelDispatcher(ledger: StoreDeliveryLedger(store: engine.store))
            try await plugins.register(on: dispatcher)
            let pump = DeliveryPump(engine: engine, dispatcher: dispatcher, logger: logger)
            drain = { await pump.drain() }
            let channels = await dispatcher.channels
            logger.info("plugins: \(channels.joined(separator: ", "))")
        }
        let server = LiveServer(engine: engine, logger: logger, afterProcessing: drain)
        try await server.run(onReady: { port in
            // Unbuffered, so scripts and tests that wait for this line see it at once.
            FileHandle.standardOutput.write(Data(
                "crescent serve: listening on http://\(config.host):\(port) (\(config.scriptsFolder))\n".utf8))
        })
    }
}
