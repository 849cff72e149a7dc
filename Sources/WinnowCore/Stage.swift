public import Logging

/// A step of a pipeline: it receives one record at a time and keeps it (possibly changed), drops it with a
/// reason, or fails it by throwing.
///
/// Implementation requirements:
/// - Conform to `Sendable`. The runner calls `process(_:context:)` for many records at once (up to the
///   pipeline's concurrency), so keep per-record state in the record or in `context.workspace`, never in
///   the stage. Shared resources (an output file, a connection pool) live behind a `Mutex` or an actor.
/// - Throw to fail the record: the runner logs the error with the record's id, source and stage name to
///   `errors.jsonl`, and the batch goes on. Throw a `StageError` to give a code and a clear message.
/// - Return `.drop(reason:)` for records that are fine but unwanted (too short, wrong language); the
///   reason is counted per stage.
/// - Do not block the thread: the cooperative pool has as many threads as cores. Blocking I/O belongs on
///   a dedicated thread, or in bounded chunks.
/// - Stages whose `descriptor.ordering` is `.inputOrder` (sinks) are called one record at a time, in the
///   order the source produced them; `finish(context:)` must flush and close what they write.
public protocol Stage: Sendable {
    /// Processes one record.
    func process(_ record: Record, context: StageContext) async throws -> StageOutcome

    /// Called once before the first record; opens outputs, loads models. Defaults to nothing.
    func prepare(context: LifecycleContext) async throws

    /// Called once after the last record (also after an interrupt); flushes and closes outputs. Defaults to
    /// nothing.
    func finish(context: LifecycleContext) async throws
}

extension Stage {
    public func prepare(context: LifecycleContext) async throws {}
    public func finish(context: LifecycleContext) async throws {}
}

/// What a stage decided about a record.
public enum StageOutcome: Sendable {
    /// The record goes on to the next stage (or to the end of the pipeline).
    case keep(Record)
    /// The record leaves the pipeline; the reason is counted (keep reasons short and stable, e.g.
    /// `"not html"`, `"too short"`).
    case drop(reason: String)
}

/// Describes a stage to the registry, the CLI (`winnow stages`) and the configuration validator.
public struct StageDescriptor: Sendable {
    /// The name used in `pipeline.json` (`"use": "clean"`).
    public var name: String
    /// One line saying what the stage does.
    public var summary: String
    /// The options the stage accepts under `"with"`.
    public var options: [OptionSpec]
    /// How the runner calls the stage: concurrently, or one record at a time in input order.
    public var ordering: Ordering

    public init(name: String, summary: String, options: [OptionSpec] = [], ordering: Ordering = .concurrent) {
        self.name = name
        self.summary = summary
        self.options = options
        self.ordering = ordering
    }

    /// How the runner schedules calls to a stage.
    public enum Ordering: Sendable {
        /// Records are processed concurrently, in any order.
        case concurrent
        /// Records arrive one at a time, in input order (for sinks that write outputs).
        case inputOrder
    }
}

/// Everything a stage may use while processing one record.
///
/// It is a per-record value: `workspace` holds state shared by the stages of that one record (such as the
/// parsed HTML document), and is never shared with other records.
public struct StageContext {
    /// The logger, with the record id and stage name in its metadata.
    public var logger: Logger
    /// The record's 0-based position in the input.
    public var recordIndex: Int
    /// The stage's 0-based position in the pipeline.
    public var stageIndex: Int
    /// State shared by all stages for this record (parsed DOM and other caches).
    public let workspace: RecordWorkspace

    public init(logger: Logger, recordIndex: Int, stageIndex: Int, workspace: RecordWorkspace) {
        self.logger = logger
        self.recordIndex = recordIndex
        self.stageIndex = stageIndex
        self.workspace = workspace
    }
}

/// What a stage receives in `prepare` and `finish`.
public struct LifecycleContext: Sendable {
    /// The logger, with the stage name in its metadata.
    public var logger: Logger
    /// Whether the run was interrupted (SIGINT/SIGTERM) before its input ended.
    public var interrupted: Bool

    public init(logger: Logger, interrupted: Bool = false) {
        self.logger = logger
        self.interrupted = interrupted
    }
}

/// Per-record scratch space shared by the stages that process one record, keyed by type.
///
/// The HTML layer keeps the parsed document here so that it is parsed once per record. A workspace lives in
/// one task and is not `Sendable`.
public final class RecordWorkspace {
    private var values: [ObjectIdentifier: Any] = [:]

    public init() {}

    /// The value stored for `key`, if any.
    public subscript<Key: WorkspaceKey>(key: Key.Type) -> Key.Value? {
        get { values[ObjectIdentifier(key)] as? Key.Value }
        set { values[ObjectIdentifier(key)] = newValue }
    }
}

@available(*, unavailable)
extension RecordWorkspace: Sendable {}

/// A key for a value kept in a `RecordWorkspace`.
public protocol WorkspaceKey {
    /// The type of the value stored under this key.
    associatedtype Value
}
