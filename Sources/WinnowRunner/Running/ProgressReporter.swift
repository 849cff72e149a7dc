import Foundation
import Synchronization

/// Shows how a run is going: a live line on a terminal, a log line every few seconds otherwise, or one JSON
/// object per second for machines.
///
/// The runner updates it with relaxed atomics on the hot path; a background task renders it at intervals.
public final class ProgressReporter: Sendable {
    /// How progress is shown.
    public enum Mode: Sendable, Equatable {
        /// A live line rewritten with `\r` (for an interactive terminal).
        case terminal
        /// A plain line every 5 seconds (for logs).
        case log
        /// One JSON object per line every second (`--json-progress`).
        case json
        /// Nothing.
        case quiet

        /// The mode for the flags given: quiet wins, then JSON, then terminal when stderr is a TTY, else log.
        public static func automatic(quiet: Bool = false, json: Bool = false) -> Mode {
            if quiet { return .quiet }
            if json { return .json }
            return isatty(STDERR_FILENO) == 1 ? .terminal : .log
        }

        /// The default time between two renderings in this mode.
        public var interval: Duration {
            switch self {
            case .terminal: .milliseconds(250)
            case .log: .seconds(5)
            case .json: .seconds(1)
            case .quiet: .seconds(3600)
            }
        }
    }

    /// A snapshot of the figures shown.
    public struct Snapshot: Sendable, Codable, Equatable {
        /// Records read so far.
        public var read: Int
        /// Records that left the pipeline (written, dropped or failed).
        public var done: Int
        /// Records that failed.
        public var failed: Int
        /// Input bytes consumed.
        public var bytesRead: Int64
        /// Total input bytes, when known.
        public var totalBytes: Int64?
        /// Seconds since the start.
        public var seconds: Double
        /// Records per second over the whole run.
        public var recordsPerSecond: Double
        /// Input megabytes (10⁶ bytes) per second over the whole run.
        public var megabytesPerSecond: Double
        /// Estimated seconds left, when the input size is known.
        public var etaSeconds: Double?
    }

    /// How progress is shown.
    public let mode: Mode
    private let interval: Duration
    private let write: @Sendable (String) -> Void
    private let read = Atomic<Int>(0)
    private let done = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let bytesRead = Atomic<Int64>(0)
    private let totalBytes = Atomic<Int64>(-1)
    private let started = Mutex<ContinuousClock.Instant?>(nil)
    private let ticker = Mutex<Task<Void, Never>?>(nil)
    /// Set by `stop()`; also the lock every rendering holds.
    private let stopped = Mutex(false)

    /// Creates a reporter; `write` receives each rendering (default: standard error).
    public init(mode: Mode, interval: Duration? = nil, write: (@Sendable (String) -> Void)? = nil) {
        self.mode = mode
        self.interval = interval ?? mode.interval
        self.write = write ?? { text in FileHandle.standardError.write(Data(text.utf8)) }
    }

    // MARK: Hot path

    func recordRead() { read.add(1, ordering: .relaxed) }

    func recordDone(failed didFail: Bool) {
        done.add(1, ordering: .relaxed)
        if didFail { failed.add(1, ordering: .relaxed) }
    }

    func update(bytesRead value: Int64) { bytesRead.store(value, ordering: .relaxed) }

    // MARK: Lifecycle

    /// Starts rendering at intervals.
    func start(totalBytes total: Int64?) {
        totalBytes.store(total ?? -1, ordering: .relaxed)
        started.withLock { $0 = .now }
        guard mode != .quiet else { return }
        let interval = interval
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                // Rendered under the lock `stop()` takes, so no interim line can follow the final one.
                let running = self.stopped.withLock { stopped in
                    if !stopped { self.render(final: false) }
                    return !stopped
                }
                if !running { return }
            }
        }
        ticker.withLock { $0 = task }
    }

    /// Stops rendering and shows the final figures.
    func stop() {
        ticker.withLock { task in
            task?.cancel()
            task = nil
        }
        stopped.withLock { stopped in
            stopped = true
            if mode != .quiet { render(final: true) }
        }
    }

    /// The current figures.
    public func snapshot() -> Snapshot {
        let start = started.withLock { $0 } ?? .now
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let bytes = bytesRead.load(ordering: .relaxed)
        let total = totalBytes.load(ordering: .relaxed)
        let doneCount = done.load(ordering: .relaxed)
        var eta: Double?
        if total > 0, bytes > 0, seconds > 0 {
            eta = max(0, Double(total - bytes) / (Double(bytes) / seconds))
        }
        return Snapshot(
            read: read.load(ordering: .relaxed), done: doneCount, failed: failed.load(ordering: .relaxed),
            bytesRead: bytes, totalBytes: total >= 0 ? total : nil, seconds: seconds,
            recordsPerSecond: seconds > 0 ? Double(doneCount) / seconds : 0,
            megabytesPerSecond: seconds > 0 ? Double(bytes) / 1e6 / seconds : 0, etaSeconds: eta)
    }

    private func render(final: Bool) {
        let figures = snapshot()
        switch mode {
        case .quiet:
            return
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            guard let data = try? encoder.encode(figures) else { return }
            write(String(decoding: data, as: UTF8.self) + "\n")
        case .terminal:
            write("\r\u{1B}[K" + Self.line(figures) + (final ? "\n" : ""))
        case .log:
            write(Self.line(figures) + "\n")
        }
    }

    /// The progress figures as one line of text.
    static func line(_ figures: Snapshot) -> String {
        var parts = [
            "\(figures.done) records", String(format: "%.0f records/s", figures.recordsPerSecond),
            String(format: "%.1f MB/s", figures.megabytesPerSecond),
        ]
        if let eta = figures.etaSeconds, figures.totalBytes != nil {
            let total = Int(eta.rounded())
            parts.append(String(format: "ETA %d:%02d", total / 60, total % 60))
        }
        if figures.failed > 0 { parts.append("\(figures.failed) failed") }
        return parts.joined(separator: "  ")
    }
}
