// swift-tools-version:6.1
import PackageDescription

/// Settings for our own targets: Swift 6 language mode (the tools version sets it), the upcoming features the
/// hummingbird anchors enable, and warnings as errors when CI asks for it (`CREDIT_STRICT=1`), so that a warning
/// in a dependency never fails our build.
let strict = Context.environment["CREDIT_STRICT"] == "1"
let swiftSettings: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ] + (strict ? [.unsafeFlags(["-warnings-as-errors"])] : [])

let package = Package(
    name: "credit-platform",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "credit", targets: ["credit"]),
        .library(name: "CreditCore", targets: ["CreditCore"]),
        .library(name: "CreditStore", targets: ["CreditStore"]),
        .library(name: "CreditWeb", targets: ["CreditWeb"]),
        .library(name: "CreditDemo", targets: ["CreditDemo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .target(
            name: "CreditCore",
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CreditDemo",
            dependencies: ["CreditCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CreditStore",
            dependencies: [
                "CreditCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // The pool's own error (`ConnectionPoolError`: no connection for a minute, the pool closed), which
                // PostgresClient throws as it is; read by CreditDatabase.isUnavailable.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CreditWeb",
            dependencies: [
                "CreditCore",
                "CreditStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "credit",
            dependencies: [
                "CreditCore",
                "CreditDemo",
                "CreditStore",
                "CreditWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "credit-bench",
            dependencies: [
                "CreditCore",
                "CreditDemo",
                "CreditStore",
                "CreditWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/CreditBench",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CreditTestSupport",
            dependencies: [
                "CreditCore", "CreditDemo", "CreditStore", .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Tests/CreditTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CreditCoreTests",
            dependencies: ["CreditCore", "CreditDemo", "CreditTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CreditStoreTests",
            dependencies: [
                "CreditCore", "CreditDemo", "CreditStore", "CreditTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CreditWebTests",
            dependencies: [
                "CreditCore",
                "CreditDemo",
                "CreditStore",
                "CreditWeb",
                "CreditTestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
