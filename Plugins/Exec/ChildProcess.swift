import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a child could not answer a line.
enum ChildFailure: Error, Sendable {
    /// The child exited (or was killed) before answering; `status` reads "exited with status 3", `stderr`
    /// holds its last lines on stderr.
    case exited(status: String, stderr: [String])
    /// No answer came before the deadline; the child has been killed.
    case timedOut
}

/// One running child process and the thread that moves bytes between it and the pipeline.
///
/// Callers hand it one line at a time (`exchange(_:timeout:)`) and await the answer line; the pool guarantees
/// that one exchange is in flight per child. All blocking work (writing the line, reading stdout and stderr,
/// waiting for the child to exit) happens on one dedicated thread per child that `poll`s the three pipes, so
/// the cooperative pool never blocks. That thread also enforces the per-line deadline (killing the child's
/// process group when it passes) and the grace period after `close(grace:)`.
final class ChildProcess: Sendable {
    /// The child's process id.
    let pid: pid_t
    private let streams: SpawnedProcess
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let name: String
    private let logger: Logger
    private let state: Mutex<State>

    /// How many stderr lines are kept for error messages.
    static let keptErrorLines = 5
    /// How long stdout and stderr are still read after the child exited (its own children may hold them).
    static let drainPeriod = Duration.milliseconds(200)

    private struct Pending {
        var line: [UInt8]
        /// Whether the I/O thread has taken the line for writing.
        var sent = false
        var deadline: ContinuousClock.Instant?
        var continuation: CheckedContinuation<[UInt8], any Error>
    }

    private struct State {
        var pending: Pending?
        var closeDeadline: ContinuousClock.Instant?
        /// Set once the child has exited and its pipes are closed.
        var exit: (status: String, stderr: [String])?
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var recentErrors: [String] = []
    }

    /// Starts `command` and the thread that serves it.
    init(command: ExecCommand, logger: Logger) throws(SpawnError) {
        let wake = try ProcessSpawner.makePipe()
        for descriptor in [wake.read, wake.write] {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        do {
            streams = try ProcessSpawner.spawn(
                executable: command.executable, arguments: command.arguments, environment: command.environment,
                workingDirectory: command.workingDirectory)
        } catch {
            closeDescriptor(wake.read)
            closeDescriptor(wake.write)
            throw error
        }
        pid = streams.pid
        wakeRead = wake.read
        wakeWrite = wake.write
        name = command.displayName
        var logger = logger
        logger[metadataKey: "stage"] = "\(ExecStage.descriptor.name)"
        logger[metadataKey: "pid"] = "\(streams.pid)"
        self.logger = logger
        state = Mutex(State())
        let thread = Thread { [self] in serve() }
        thread.name = "winnow-exec-\(streams.pid)"
        thread.start()
    }

    /// How the child ended ("exited with status 0"), once it has.
    var exitStatus: String? { state.withLock { $0.exit?.status } }

    /// Writes `line` (which ends with a newline) to the child's stdin and returns the next line it writes on
    /// stdout, without the newline; throws `ChildFailure` when the child exits first or `timeout` passes.
    func exchange(_ line: [UInt8], timeout: Duration?) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            let exit = state.withLock { state -> (status: String, stderr: [String])? in
                if let exit = state.exit { return exit }
                state.pending = Pending(
                    line: line, deadline: timeout.map { ContinuousClock.now + $0 }, continuation: continuation)
                return nil
            }
            if let exit {
                continuation.resume(throwing: ChildFailure.exited(status: exit.status, stderr: exit.stderr))
            } else {
                wake()
            }
        }
    }

    /// Closes the child's stdin once the line being written (if any) is out, and kills the child if it has
    /// not exited `grace` later.
    func close(grace: Duration) {
        state.withLock { state in
            let deadline = ContinuousClock.now + grace
            state.closeDeadline = min(state.closeDeadline ?? deadline, deadline)
        }
        wake()
    }

    /// Returns once the child has exited and its pipes are closed.
    func waitForExit() async {
        await withCheckedContinuation { continuation in
            let exited = state.withLock { state in
                if state.exit != nil { return true }
                state.exitWaiters.append(continuation)
                return false
            }
            if exited { continuation.resume() }
        }
    }

    /// Nudges the I/O thread out of `poll`. Writes under the lock so the pipe cannot be closed meanwhile.
    private func wake() {
        state.withLock { state in
            guard state.exit == nil else { return }
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }

    private func killGroup() {
        // The child leads its own process group; killing the group also stops what it started.
        if kill(-pid, SIGKILL) != 0 { kill(pid, SIGKILL) }
    }

    // MARK: - The I/O thread

    /// The I/O thread's loop: writes pending lines, reads answer and stderr lines, enforces deadlines and
    /// reaps the child; ends once the child has exited and its output is drained.
    private func serve() {
        // A write to a child that has gone raises SIGPIPE on this thread; blocked, the write returns EPIPE.
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &blocked, nil)

        var io = StreamState()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
        defer { chunk.deallocate() }
        var exitCode: Int32?
        var drainDeadline: ContinuousClock.Instant?

        while true {
            let now = ContinuousClock.now
            let (line, deadline, closeDeadline) = state.withLock { state in
                var line: [UInt8]?
                if state.pending != nil, state.pending?.sent == false {
                    state.pending?.sent = true
                    line = state.pending?.line
                }
                return (line, state.pending?.deadline, state.closeDeadline)
            }
            if let line, io.stdinOpen {
                io.outgoing = line
                io.written = 0
                io.writeSome(to: streams.stdin)
            }
            if let deadline, now >= deadline, let timedOut = takePending() {
                timedOut.resume(throwing: ChildFailure.timedOut)
                killGroup()
                io.killed = true
                io.outgoing = []
            }
            if closeDeadline != nil, io.stdinOpen, io.outgoing.isEmpty {
                io.closeStdin(streams.stdin)
            }
            if let closeDeadline, now >= closeDeadline, exitCode == nil, !io.killed {
                logger.warning("\(name): did not exit within the grace period after its input was closed; killed")
                killGroup()
                io.killed = true
            }
            if exitCode == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    exitCode = status
                    drainDeadline = now + Self.drainPeriod
                }
            }
            if exitCode != nil, let drainDeadline, (!io.stdoutOpen && !io.stderrOpen) || now >= drainDeadline {
                break
            }

            var descriptors = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            if io.stdoutOpen { descriptors.append(pollfd(fd: streams.stdout, events: Int16(POLLIN), revents: 0)) }
            if io.stderrOpen { descriptors.append(pollfd(fd: streams.stderr, events: Int16(POLLIN), revents: 0)) }
            if io.stdinOpen, !io.outgoing.isEmpty {
                descriptors.append(pollfd(fd: streams.stdin, events: Int16(POLLOUT), revents: 0))
            }
            // Idle, wake once a second to notice a child that exited while its output pipes stay open (held by
            // a process it started); once its stdout closed or it was killed, check often for its exit.
            var wait = (!io.stdoutOpen || io.killed) && exitCode == nil ? Duration.milliseconds(10) : .seconds(1)
            for limit in [deadline, io.killed ? nil : closeDeadline, drainDeadline].compactMap({ $0 }) {
                wait = min(wait, limit - now)
            }
            let milliseconds = max(0, Int32(wait / .milliseconds(1)) + 1)
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            guard ready > 0 else { continue }

            for descriptor in descriptors where descriptor.revents != 0 {
                switch descriptor.fd {
                case wakeRead:
                    _ = read(wakeRead, chunk.baseAddress, chunk.count)
                case streams.stdin:
                    io.writeSome(to: streams.stdin)
                case streams.stdout:
                    for line in io.readAvailable(from: streams.stdout, into: chunk, stream: .stdout) { deliver(line) }
                case streams.stderr:
                    for line in io.readAvailable(from: streams.stderr, into: chunk, stream: .stderr) { report(line) }
                default:
                    break
                }
            }
        }
        finishServing(exitCode: exitCode ?? 0, io: &io)
    }

    /// Closes every pipe, records how the child ended and fails whatever still waits for it.
    private func finishServing(exitCode: Int32, io: inout StreamState) {
        if let rest = io.stdoutLines.finish() { deliver(rest) }
        if let rest = io.stderrLines.finish() { report(rest) }
        io.closeStdin(streams.stdin)
        if io.stdoutOpen { closeDescriptor(streams.stdout) }
        if io.stderrOpen { closeDescriptor(streams.stderr) }
        let status = Self.describe(exitCode: exitCode)
        let (pending, waiters, errors) = state.withLock { state in
            let pending = state.pending
            state.pending = nil
            state.exit = (status, state.recentErrors)
            let waiters = state.exitWaiters
            state.exitWaiters = []
            closeDescriptor(wakeRead)
            closeDescriptor(wakeWrite)
            return (pending, waiters, state.recentErrors)
        }
        pending?.continuation.resume(throwing: ChildFailure.exited(status: status, stderr: errors))
        for waiter in waiters { waiter.resume() }
    }

    private func takePending() -> CheckedContinuation<[UInt8], any Error>? {
        state.withLock { state in
            let continuation = state.pending?.continuation
            state.pending = nil
            return continuation
        }
    }

    /// Hands an answer line to the waiting exchange, or logs it when nothing waits for one.
    private func deliver(_ line: [UInt8]) {
        let continuation = state.withLock { state -> CheckedContinuation<[UInt8], any Error>? in
            guard state.pending?.sent == true else { return nil }
            let continuation = state.pending?.continuation
            state.pending = nil
            return continuation
        }
        if let continuation {
            continuation.resume(returning: line)
        } else {
            logger.warning(
                "\(name): wrote a line on stdout while no record was waiting for an answer; ignored: \(Self.excerpt(line))")
        }
    }

    /// Logs a stderr line at warning level and keeps it for error messages.
    private func report(_ line: [UInt8]) {
        let text = Self.excerpt(line, limit: 2_000)
        state.withLock { state in
            state.recentErrors.append(Self.excerpt(line, limit: 300))
            if state.recentErrors.count > Self.keptErrorLines { state.recentErrors.removeFirst() }
        }
        logger.warning("\(name): \(text)")
    }

    // MARK: - Helpers

    /// The start of a line as text, shortened to `limit` characters.
    static func excerpt(_ line: [UInt8], limit: Int = 200) -> String {
        let text = String(decoding: line.prefix(limit * 4), as: UTF8.self)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    /// "exited with status 3" or "was killed by signal 9 (SIGKILL)" for a `waitpid` status.
    static func describe(exitCode status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exited with status \((status >> 8) & 0xff)" }
        let names: [Int32: String] = [
            SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGTERM: "SIGTERM", SIGINT: "SIGINT",
            SIGPIPE: "SIGPIPE", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGFPE: "SIGFPE",
        ]
        return "was killed by signal \(signal)" + (names[signal].map { " (\($0))" } ?? "")
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds.rounded() == seconds ? "\(Int(seconds))s" : "\(Int((seconds * 1000).rounded()))ms"
    }
}

/// What the I/O thread knows about the three pipes; lives on that thread only.
private struct StreamState {
    var stdinOpen = true
    var stdoutOpen = true
    var stderrOpen = true
    var killed = false
    /// The line being written and how much of it is out.
    var outgoing: [UInt8] = []
    var written = 0
    var stdoutLines = LineSplitter()
    var stderrLines = LineSplitter()

    enum Stream { case stdout, stderr }

    mutating func closeStdin(_ descriptor: Int32) {
        guard stdinOpen else { return }
        closeDescriptor(descriptor)
        stdinOpen = false
        outgoing = []
    }

    /// Writes as much of the outgoing line as the pipe takes.
    mutating func writeSome(to descriptor: Int32) {
        let count = outgoing.withUnsafeBytes { bytes in
            write(descriptor, bytes.baseAddress.map { $0 + written }, bytes.count - written)
        }
        if count > 0 {
            written += count
            if written == outgoing.count {
                outgoing = []
                written = 0
            }
        } else if count < 0, errno != EAGAIN, errno != EINTR {
            // EPIPE: the child closed its stdin or exited; the exit (or the deadline) fails the record.
            closeStdin(descriptor)
        }
    }

    /// Reads what is available and returns the lines it completes; closes the pipe at its end.
    mutating func readAvailable(from descriptor: Int32, into chunk: UnsafeMutableRawBufferPointer, stream: Stream) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        // Read a few chunks per wake-up: enough for long lines, without starving the other pipes.
        for _ in 0..<16 {
            let count = readDescriptor(descriptor, chunk)
            if count > 0 {
                let bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<count])
                switch stream {
                case .stdout: lines += stdoutLines.append(bytes)
                case .stderr:
                    lines += stderrLines.append(bytes)
                    // Diagnostics are for people: a stderr "line" of more than 64 KiB is cut rather than held.
                    if stderrLines.pendingCount > 65_536, let long = stderrLines.finish() { lines.append(long) }
                }
                continue
            }
            if count == 0 || (errno != EAGAIN && errno != EINTR) {
                closeDescriptor(descriptor)
                switch stream {
                case .stdout:
                    stdoutOpen = false
                    if let rest = stdoutLines.finish() { lines.append(rest) }
                case .stderr:
                    stderrOpen = false
                    if let rest = stderrLines.finish() { lines.append(rest) }
                }
            }
            break
        }
        return lines
    }
}

private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

private func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
