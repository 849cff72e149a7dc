import Dispatch
import Foundation
import Synchronization

/// A flag that asks a running pipeline to stop reading, finish the records in flight and close its outputs.
///
/// Trip it from anywhere (a signal handler, a test, a timeout); the runner checks it before reading each
/// record. `SignalTrap` trips it on SIGINT and SIGTERM.
public final class RunInterruption: Sendable {
    private let state = Mutex<String?>(nil)

    public init() {}

    /// Asks the run to stop; the first reason given is kept.
    public func trip(reason: String = "interrupted") {
        state.withLock { current in
            if current == nil { current = reason }
        }
    }

    /// Whether `trip` has been called.
    public var isTripped: Bool { state.withLock { $0 != nil } }

    /// The reason given to the first `trip`, if any.
    public var reason: String? { state.withLock { $0 } }
}

/// Turns SIGINT and SIGTERM into a `RunInterruption`: the first signal trips it (the run winds down
/// cleanly); a second one exits the process at once with status 130.
///
/// The trap replaces the default action of its signals (`SIG_IGN` plus a dispatch signal source) until
/// `cancel()` is called or the trap is deinitialised, which restores the default action.
///
/// ```swift
/// let interruption = RunInterruption()
/// let trap = SignalTrap(interruption: interruption) { signal in logger.warning("stopping after signal \(signal)") }
/// defer { trap.cancel() }
/// ```
public final class SignalTrap {
    /// SIGINT and SIGTERM, the signals trapped by default.
    public static let terminationSignals: [Int32] = [SIGINT, SIGTERM]

    private let signals: [Int32]
    private var sources: [any DispatchSourceSignal] = []

    /// Installs the trap.
    ///
    /// - Parameters:
    ///   - signals: the signals to catch (default SIGINT and SIGTERM).
    ///   - exitOnSecondSignal: whether a second signal ends the process at once (status 130).
    ///   - onSignal: called on a background queue with the signal number, for each signal received.
    public init(
        interruption: RunInterruption, signals: [Int32] = SignalTrap.terminationSignals, exitOnSecondSignal: Bool = true,
        onSignal: (@Sendable (Int32) -> Void)? = nil
    ) {
        self.signals = signals
        let counter = SignalCounter()
        let queue = DispatchQueue(label: "winnow.signals")
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                let count = counter.increment()
                onSignal?(number)
                if count == 1 {
                    interruption.trip(reason: "signal \(number)")
                } else if exitOnSecondSignal {
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Removes the trap and restores the default action of its signals.
    public func cancel() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for number in signals { signal(number, SIG_DFL) }
    }

    deinit {
        if !sources.isEmpty { cancel() }
    }
}

/// Counts signals received, across dispatch handler invocations.
private final class SignalCounter: Sendable {
    private let count = Atomic<Int>(0)

    func increment() -> Int {
        count.add(1, ordering: .relaxed).newValue
    }
}
