// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Crescent",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "crescent", targets: ["crescent"]),
        .library(name: "CrescentEngine", targets: ["CrescentEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // System Lua 5.4 (Debian liblua5.4-dev), found through pkg-config.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // Tiny C layer: trampolines that raise Lua errors after Swift returns,
        // the capped allocator, the instruction/deadline hook, macro wrappers.
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        // Domain types and pure logic. Knows nothing of Lua or SQL.
        .target(name: "CrescentCore"),
        // The store interface: repositories (members, issuing ledgers, guard state, journeys,
        // deliveries, the event queue, scheduled runs), their value types and `StoreLocation`.
        // No SQL and no database driver: every store implementation conforms to it.
        .target(name: "CrescentPersistence", dependencies: ["CrescentCore"]),
        // The default store, on SQLite through GRDB: schema, migrations, importers, ledgers.
        // The only target (with the PostgreSQL store) that imports a driver or writes SQL.
        .target(
            name: "CrescentStore",
            // CrescentPostgres: `StoreLocation.open()` (here) opens either kind of store.
            dependencies: ["CrescentCore", "CrescentPersistence", "CrescentPostgres",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The same store concepts on PostgreSQL through postgres-nio: migrations, idempotent
        // ledgers, conditional stock/budget updates and lease-based claiming for several nodes.
        .target(
            name: "CrescentPostgres",
            dependencies: [
                "CrescentCore", "CrescentPersistence",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The sandboxed runner and the marketer's `crm` API.
        .target(name: "CrescentLua", dependencies: ["CrescentCore", "CLuaShim"]),
        // Targeting, guards, issuing, dry-run simulation, forecast, backtest.
        .target(name: "CrescentEngine", dependencies: ["CrescentCore", "CrescentPersistence", "CrescentStore", "CrescentLua",
                                                     .product(name: "HeapModule", package: "swift-collections")]),
        // Channel plugins: manifest loader, sandboxed HTTP/SMTP transports, retry, rate limit,
        // the delivery ledger, and loopback fake servers (Testing/) for `crescent plugin test`.
        .target(
            name: "CrescentChannels",
            dependencies: [
                "CrescentCore", "CrescentLua",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            // NIO channel handlers and the worker thread are checked by hand (@unchecked Sendable).
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        // Live and dry-run delivery: pending deliveries composed into messages and sent through
        // the channel plugins, every attempt in the store's delivery ledger.
        .target(
            name: "CrescentDelivery",
            dependencies: ["CrescentEngine", "CrescentChannels", "CrescentPersistence", "CrescentLua",
                           "CrescentCore"]
        ),
        // The live engine (`crescent serve`): event ingestion API over an outbox, the event
        // processor, the scheduler, script reload and Prometheus metrics.
        .target(
            name: "CrescentServer",
            dependencies: [
                "CrescentEngine", "CrescentChannels", "CrescentDelivery", "CrescentPersistence", "CrescentStore", "CrescentLua",
                "CrescentCore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "crescent",
            dependencies: [
                "CrescentEngine", "CrescentPersistence", "CrescentStore", "CrescentLua", "CrescentCore", "CrescentChannels",
                "CrescentDelivery", "CrescentServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CrescentCoreTests", dependencies: ["CrescentCore"]),
        .testTarget(name: "CrescentLuaTests", dependencies: ["CrescentLua"], exclude: ["Fixtures"]),
        // Runs against a real PostgreSQL named by CRESCENT_TEST_POSTGRES; skips without it.
        // The DataStore contract suites run over both stores; the two-node kill test runs the built
        // `crescent serve` twice on one PostgreSQL.
        .testTarget(name: "CrescentPostgresTests",
                    dependencies: ["CrescentPostgres", "CrescentStore", "CrescentPersistence", "CrescentCore", "CrescentServer", "crescent",
                                   "CrescentTestSupport",
                                   .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                   .product(name: "NIOCore", package: "swift-nio"),
                                   .product(name: "NIOHTTP1", package: "swift-nio")]),
        .testTarget(name: "CrescentStoreTests", dependencies: ["CrescentStore", "CrescentTestSupport"], exclude: ["Fixtures"]),
        // Depends on the CLI too: the kill test runs the built `crescent` binary.
        // Finds the built CLI for the tests that run it as a process.
        // Also gives suites a fresh store of each kind (SQLite, and PostgreSQL when
        // CRESCENT_TEST_POSTGRES names a server) so they run on both.
        .target(name: "CrescentTestSupport", dependencies: ["CrescentStore", "CrescentPersistence", "CrescentPostgres"],
                path: "Tests/CrescentTestSupport"),
        .testTarget(name: "CrescentEngineTests", dependencies: ["CrescentEngine", "crescent", "CrescentTestSupport"],
                    exclude: ["Snapshots", "Fixtures"]),
        // Depends on the CLI too: the SIGKILL test runs the built `crescent serve`.
        .testTarget(
            name: "CrescentServerTests",
            dependencies: [
                "CrescentServer", "CrescentEngine", "CrescentDelivery", "CrescentStore", "CrescentCore", "CrescentLua", "crescent",
                "CrescentTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "CrescentChannelsTests",
            dependencies: ["CrescentChannels", "CrescentLua", "CrescentCore", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl"),
                           .product(name: "X509", package: "swift-certificates"),
                           .product(name: "SwiftASN1", package: "swift-asn1")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "CrescentDeliveryTests",
            dependencies: ["CrescentDelivery", "crescent", "CrescentTestSupport"]
        ),
    ]
)
