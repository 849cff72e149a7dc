import Logging
import Synchronization
import WinnowCore

/// The exec stage's child processes: hands each record to an idle child (callers wait in turn when all are
/// busy), starts children lazily, replaces the ones that exited, and stops restarting after too many
/// failures in a row.
final class ChildPool: Sendable {
    let command: ExecCommand
    /// How many children run at once.
    let size: Int
    /// How many restarts in a row (without an answer in between) are allowed before records fail fast.
    let maxRestarts: Int
    private let state: Mutex<State>

    private struct State {
        var logger: Logger
        /// The child of each slot; `nil` before the first start and after a failure.
        var children: [ChildProcess?]
        /// Whether each slot has started a child before (later starts count as restarts).
        var started: [Bool]
        var idle: [Int]
        var waiters: [CheckedContinuation<Int, Never>] = []
        var restartsInARow = 0
        var lastFailure: String?
        var finished = false
    }

    init(command: ExecCommand, size: Int, maxRestarts: Int, logger: Logger) {
        self.command = command
        self.size = size
        self.maxRestarts = maxRestarts
        state = Mutex(State(
            logger: logger, children: Array(repeating: nil, count: size),
            started: Array(repeating: false, count: size), idle: Array((0..<size).reversed())))
    }

    /// Starts every child now (rather than at its first record), logging its output with `logger`.
    func start(logger: Logger) throws(StageError) {
        state.withLock { $0.logger = logger }
        for slot in 0..<size {
            _ = try child(for: slot)
        }
    }

    /// Sends `line` to an idle child and returns its answer; throws `ChildFailure` when the child failed
    /// (it is replaced for the next record), or a `StageError` when no child can be started.
    func exchange(_ line: [UInt8], timeout: Duration?) async throws -> [UInt8] {
        let slot = await acquire()
        defer { release(slot) }
        let child = try child(for: slot)
        do {
            let answer = try await child.exchange(line, timeout: timeout)
            state.withLock { $0.restartsInARow = 0 }
            return answer
        } catch let failure as ChildFailure {
            state.withLock { state in
                state.children[slot] = nil
                state.lastFailure = switch failure {
                case .exited(let status, _): status
                case .timedOut: "did not answer within the timeout"
                }
            }
            throw failure
        }
    }

    /// Closes every child's stdin, waits for them to exit, and kills those still running after `grace`.
    func finish(grace: Duration) async {
        let children = state.withLock { state in
            state.finished = true
            let children = state.children.compactMap { $0 }
            state.children = Array(repeating: nil, count: size)
            return children
        }
        for child in children { child.close(grace: grace) }
        for child in children { await child.waitForExit() }
    }

    /// The running child of `slot`, started (or restarted) when needed.
    private func child(for slot: Int) throws(StageError) -> ChildProcess {
        let decision = state.withLock { state -> Result<(ChildProcess?, Logger), StageError> in
            if state.finished {
                return .failure(StageError(.execFailed, "exec: command '\(command.displayName)' is no longer "
                    + "running: the stage has finished"))
            }
            if let child = state.children[slot] {
                guard let status = child.exitStatus else { return .success((child, state.logger)) }
                state.logger.warning("exec: command '\(command.displayName)' \(status) between records; restarting it")
                state.lastFailure = status
                state.children[slot] = nil
            }
            if state.started[slot] {
                guard state.restartsInARow < maxRestarts else {
                    return .failure(StageError(.execFailed, "exec: command '\(command.displayName)' failed "
                        + "\(state.restartsInARow + 1) times in a row and is not restarted again (last failure: "
                        + "\(state.lastFailure ?? "unknown")); fix the command and run again"))
                }
                state.restartsInARow += 1
            }
            state.started[slot] = true
            return .success((nil, state.logger))
        }
        let (running, logger) = try decision.get()
        if let running { return running }
        do {
            let child = try ChildProcess(command: command, logger: logger)
            state.withLock { $0.children[slot] = child }
            return child
        } catch {
            state.withLock { $0.lastFailure = "could not start: \(error)" }
            throw StageError(.execFailed, "exec: could not start command '\(command.displayName)': \(error)",
                             underlying: error)
        }
    }

    private func acquire() async -> Int {
        await withCheckedContinuation { continuation in
            let slot = state.withLock { state -> Int? in
                if let slot = state.idle.popLast() { return slot }
                state.waiters.append(continuation)
                return nil
            }
            if let slot { continuation.resume(returning: slot) }
        }
    }

    private func release(_ slot: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, Never>? in
            if state.waiters.isEmpty {
                state.idle.append(slot)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: slot)
    }
}
