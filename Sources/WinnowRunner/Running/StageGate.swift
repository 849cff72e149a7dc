import Synchronization

/// Serialises calls to one `inputOrder` stage: one record at a time, either in input order (record `i` passes
/// only after every earlier record has passed or skipped the stage) or in arrival order.
///
/// Deadlock-free under a bounded task group: records are started in input order, so the earliest record in
/// flight never waits for a later one.
final class StageGate: Sendable {
    private struct State {
        /// Ordered mode: the sequence number allowed through next.
        var next = 0
        /// Ordered mode: numbers that completed (passed or skipped) before their turn.
        var completed: Set<Int> = []
        /// Ordered mode: records waiting for their turn, by sequence number.
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Unordered mode: whether a record is inside the stage.
        var busy = false
        /// Unordered mode: records waiting, first come first served.
        var queue: [CheckedContinuation<Void, Never>] = []
        var queueHead = 0
    }

    private let ordered: Bool
    private let state = Mutex(State())

    init(ordered: Bool) {
        self.ordered = ordered
    }

    /// Waits until record `sequence` may enter the stage.
    func enter(_ sequence: Int) async {
        let admitted = state.withLock { state -> Bool in
            if ordered { return state.next == sequence }
            if state.busy { return false }
            state.busy = true
            return true
        }
        if admitted { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if ordered {
                    if state.next == sequence { return true }
                    state.waiting[sequence] = continuation
                    return false
                }
                if !state.busy {
                    state.busy = true
                    return true
                }
                state.queue.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Record `sequence` has left the stage.
    func leave(_ sequence: Int) {
        if ordered {
            complete(sequence)
            return
        }
        let nextInLine = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.queueHead < state.queue.count else {
                state.busy = false
                state.queue.removeAll()
                state.queueHead = 0
                return nil
            }
            let continuation = state.queue[state.queueHead]
            state.queueHead += 1
            return continuation
        }
        nextInLine?.resume()
    }

    /// Record `sequence` will never reach the stage (it was dropped or failed earlier).
    func skip(_ sequence: Int) {
        if ordered { complete(sequence) }
    }

    private func complete(_ sequence: Int) {
        let wake = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.completed.insert(sequence)
            while state.completed.remove(state.next) != nil { state.next += 1 }
            return state.waiting.removeValue(forKey: state.next)
        }
        wake?.resume()
    }
}
