public import Logging
public import Foundation

/// What a factory receives to build a stage or a source from its validated configuration.
public struct StageSetup: Sendable {
    /// The validated options, defaults filled in.
    public var options: StageOptions
    /// The directory relative paths in the configuration are resolved against (the pipeline file's).
    public var baseDirectory: URL
    /// The stage's position in the pipeline (`nil` for sources).
    public var stageIndex: Int?
    /// A logger for messages while building.
    public var logger: Logger

    public init(options: StageOptions, baseDirectory: URL, stageIndex: Int? = nil,
                logger: Logger = Logger(label: "winnow")) {
        self.options = options
        self.baseDirectory = baseDirectory
        self.stageIndex = stageIndex
        self.logger = logger
    }

    /// Resolves a path from the configuration against `baseDirectory` (absolute paths stay as they are).
    public func resolve(path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        return baseDirectory.appendingPathComponent(path)
    }
}

/// Knows how to build one kind of stage: its descriptor plus a constructor from options.
public struct StageFactory: Sendable {
    public var descriptor: StageDescriptor
    public var make: @Sendable (StageSetup) throws -> any Stage

    public init(descriptor: StageDescriptor, make: @escaping @Sendable (StageSetup) throws -> any Stage) {
        self.descriptor = descriptor
        self.make = make
    }
}

/// Knows how to build one kind of input (files, WARC archives, URL lists) from options.
public struct SourceFactory: Sendable {
    public var descriptor: StageDescriptor
    public var make: @Sendable (StageSetup) throws -> any RecordSource

    public init(descriptor: StageDescriptor, make: @escaping @Sendable (StageSetup) throws -> any RecordSource) {
        self.descriptor = descriptor
        self.make = make
    }
}

/// The stages and sources a pipeline may name, keyed by the names used in `pipeline.json`.
///
/// The CLI registers the built-in stages; programs that embed Winnow add their own before running.
public struct StageRegistry: Sendable {
    public private(set) var stages: [String: StageFactory] = [:]
    public private(set) var sources: [String: SourceFactory] = [:]

    public init() {}

    /// Adds (or replaces) a stage kind under its descriptor's name.
    public mutating func register(_ factory: StageFactory) {
        stages[factory.descriptor.name] = factory
    }

    /// Adds (or replaces) an input kind under its descriptor's name.
    public mutating func register(_ factory: SourceFactory) {
        sources[factory.descriptor.name] = factory
    }

    /// The stage names in alphabetical order.
    public var stageNames: [String] { stages.keys.sorted() }

    /// The input names in alphabetical order.
    public var sourceNames: [String] { sources.keys.sorted() }
}

/// A stage that describes itself and builds itself from options; what the registry needs of built-in stages.
public protocol ConfigurableStage: Stage {
    /// The stage's name, summary and options.
    static var descriptor: StageDescriptor { get }
    /// Builds the stage from validated options; throws a `StageError` for values that pass type checks but
    /// cannot be used (an unwritable directory, a malformed selector).
    init(setup: StageSetup) throws
}

/// An input that describes itself and builds itself from options.
public protocol ConfigurableSource: RecordSource {
    /// The input's name (the key under `"input"`), summary and options.
    static var descriptor: StageDescriptor { get }
    /// Builds the source from validated options.
    init(setup: StageSetup) throws
}

extension StageFactory {
    /// The factory of a self-describing stage type.
    public init<S: ConfigurableStage>(_ type: S.Type) {
        self.init(descriptor: S.descriptor, make: { try S(setup: $0) })
    }
}

extension SourceFactory {
    /// The factory of a self-describing source type.
    public init<S: ConfigurableSource>(_ type: S.Type) {
        self.init(descriptor: S.descriptor, make: { try S(setup: $0) })
    }
}
