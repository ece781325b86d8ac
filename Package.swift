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
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
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
        // Persistence on SQLite through GRDB: schema, migrations, importers, ledgers.
        .target(
            name: "CrescentStore",
            dependencies: ["CrescentCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The sandboxed runner and the marketer's `crm` API.
        .target(name: "CrescentLua", dependencies: ["CrescentCore", "CLuaShim"]),
        // Targeting, guards, issuing, dry-run simulation, forecast, backtest.
        .target(name: "CrescentEngine", dependencies: ["CrescentCore", "CrescentStore", "CrescentLua"]),
        .executableTarget(
            name: "crescent",
            dependencies: [
                "CrescentEngine", "CrescentStore", "CrescentLua", "CrescentCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CrescentCoreTests", dependencies: ["CrescentCore"]),
        .testTarget(name: "CrescentLuaTests", dependencies: ["CrescentLua"], exclude: ["Fixtures"]),
        .testTarget(name: "CrescentStoreTests", dependencies: ["CrescentStore"]),
        .testTarget(name: "CrescentEngineTests", dependencies: ["CrescentEngine"]),
    ]
)
