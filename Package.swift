// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode with strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Winnow",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "winnow", targets: ["winnow"]),
        .library(name: "WinnowCore", targets: ["WinnowCore"]),
        .library(name: "WinnowRunner", targets: ["WinnowRunner"]),
        .library(name: "WinnowHTML", targets: ["WinnowHTML"]),
        .library(name: "WinnowFormats", targets: ["WinnowFormats"]),
        .library(name: "WinnowBuiltinStages", targets: ["WinnowBuiltinStages"]),
        .library(name: "WinnowTestKit", targets: ["WinnowTestKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(
            name: "WinnowCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WinnowHTML",
            dependencies: ["CLibXML2", "WinnowCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WinnowFormats",
            dependencies: ["CZlib", "WinnowCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WinnowRunner",
            dependencies: [
                "WinnowCore", "WinnowFormats",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FetchStage",
            dependencies: ["WinnowCore"],
            path: "Plugins/Fetch",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CleanStage",
            dependencies: ["WinnowCore", "WinnowHTML"],
            path: "Plugins/Clean",
            exclude: ["Stoplists/LICENSE.rst"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ParseStage",
            dependencies: ["WinnowCore", "WinnowHTML"],
            path: "Plugins/Parse",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EnrichStage",
            dependencies: ["WinnowCore"],
            path: "Plugins/Enrich",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ArchiveStage",
            dependencies: ["WinnowCore", "WinnowFormats"],
            path: "Plugins/Archive",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ExecStage",
            dependencies: ["WinnowCore"],
            path: "Plugins/Exec",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WinnowBuiltinStages",
            dependencies: ["WinnowCore", "FetchStage", "CleanStage", "ParseStage", "EnrichStage", "ArchiveStage", "ExecStage"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WinnowTestKit",
            dependencies: ["WinnowCore", "WinnowRunner"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "winnow",
            dependencies: [
                "WinnowCore", "WinnowRunner", "WinnowBuiltinStages", "WinnowFormats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WinnowCoreTests",
            dependencies: ["WinnowCore", "WinnowTestKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WinnowHTMLTests",
            dependencies: ["WinnowHTML", "WinnowCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WinnowFormatsTests",
            dependencies: ["WinnowFormats"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WinnowRunnerTests",
            dependencies: ["WinnowRunner", "WinnowCore", "WinnowTestKit", "WinnowBuiltinStages"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StageTests",
            dependencies: ["WinnowCore", "WinnowTestKit", "WinnowBuiltinStages", "FetchStage", "CleanStage", "ParseStage", "EnrichStage", "ArchiveStage", "ExecStage", "WinnowFormats", "WinnowHTML"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["winnow", "WinnowFormats"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
