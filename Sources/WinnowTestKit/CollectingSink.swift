public import WinnowCore
import Synchronization

/// A sink that keeps every record it receives, in the order received, and notes its lifecycle calls.
///
/// Register it with `factory(name:)` to use it in a pipeline built from a configuration; the factory hands
/// out this very instance, so the test can inspect it after the run.
public final class CollectingSink: Stage {
    private struct State {
        var records: [Record] = []
        var prepared = 0
        var finished = 0
        var finishedAfterInterrupt = false
    }

    private let state = Mutex(State())
    /// How the runner should call it; `inputOrder` (the default) is what real sinks declare.
    public let ordering: StageDescriptor.Ordering

    public init(ordering: StageDescriptor.Ordering = .inputOrder) {
        self.ordering = ordering
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        state.withLock { $0.records.append(record) }
        return .keep(record)
    }

    public func prepare(context: LifecycleContext) async throws {
        state.withLock { $0.prepared += 1 }
    }

    public func finish(context: LifecycleContext) async throws {
        state.withLock {
            $0.finished += 1
            $0.finishedAfterInterrupt = context.interrupted
        }
    }

    /// The records received so far.
    public var records: [Record] { state.withLock { $0.records } }
    /// The ids of the records received, in order.
    public var ids: [String] { records.map(\.id) }
    /// How many times `prepare` was called.
    public var prepareCount: Int { state.withLock { $0.prepared } }
    /// How many times `finish` was called.
    public var finishCount: Int { state.withLock { $0.finished } }
    /// Whether the last `finish` said the run was interrupted.
    public var finishedAfterInterrupt: Bool { state.withLock { $0.finishedAfterInterrupt } }

    /// A factory that registers this instance under `name`.
    public func factory(name: String = "collect") -> StageFactory {
        StageFactory(
            descriptor: StageDescriptor(name: name, summary: "Collects records for tests.", ordering: ordering),
            make: { _ in self })
    }
}
