import Foundation

/// What a run did: totals, per-stage counters, how it ended and the exit status it calls for.
///
/// The invariant `read == written + dropped + failed` always holds (`isBalanced`). The runner writes the report
/// as `report.json` in the reports directory; `formattedTable()` renders it for people.
public struct RunReport: Sendable, Codable, Equatable {
    /// Records the source produced, read failures included.
    public var read: Int
    /// Records that came out of the last stage.
    public var written: Int
    /// Records a stage dropped.
    public var dropped: Int
    /// Records that failed (in a stage, or while being read).
    public var failed: Int
    /// Records that could not be read (counted in `failed`, at stage `input`).
    public var inputFailures: Int
    /// Bytes of input consumed.
    public var bytesRead: Int64
    /// Wall-clock duration of the run, in seconds.
    public var seconds: Double
    /// The counters of each stage that ran, in pipeline order.
    public var stages: [StageReport]
    /// Whether the run was interrupted (SIGINT/SIGTERM) before its input ended.
    public var interrupted: Bool
    /// Whether the run stopped reading because failures went over `maxFailures`.
    public var stoppedEarly: Bool
    /// The failure limit, as written in the configuration (`"5%"`, `10`).
    public var maxFailures: FailureLimit
    /// Problems that leave the output incomplete: a stage that failed to finish (flush and close its outputs),
    /// or an input that became unreadable mid-run. Any makes the exit status 3.
    public var finishErrors: [String]
    /// The exit status: 0 clean, 1 failures within `maxFailures`, 3 failures above it (or an output that
    /// could not be finished). Status 2 (configuration error) is the CLI's.
    public var exitCode: Int32
    /// The path of `errors.jsonl`.
    public var errorsFile: String
    /// The path of `report.json`.
    public var reportFile: String

    /// Whether `read == written + dropped + failed`.
    public var isBalanced: Bool { read == written + dropped + failed }

    /// Exit status 0: no failures.
    public static let exitClean: Int32 = 0
    /// Exit status 1: some records failed, within `maxFailures`.
    public static let exitFailuresWithinLimit: Int32 = 1
    /// Exit status 2: the configuration is invalid (used by the CLI).
    public static let exitConfigurationError: Int32 = 2
    /// Exit status 3: failures above `maxFailures`, or an output could not be finished.
    public static let exitFailuresAboveLimit: Int32 = 3

    /// The report as a table for a terminal, one row per stage plus totals.
    public func formattedTable() -> String {
        let header = ["stage", "in", "out", "dropped", "failed", "time"]
        var rows = [header]
        for stage in stages {
            rows.append([
                stage.name, String(stage.input), String(stage.output), String(stage.dropped), String(stage.failed),
                Self.formatSeconds(stage.seconds),
            ])
        }
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        var lines = rows.map { row in
            row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.insert(String(repeating: "-", count: lines[0].count), at: 1)
        for stage in stages where !stage.drops.isEmpty {
            let reasons = stage.drops.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            lines.append("  \(stage.name) dropped: \(reasons)")
        }
        var summary = "read \(read), written \(written), dropped \(dropped), failed \(failed)"
        if inputFailures > 0 { summary += " (\(inputFailures) unreadable)" }
        summary += " in \(Self.formatSeconds(seconds))"
        if seconds > 0 { summary += String(format: " (%.0f records/s)", Double(read) / seconds) }
        lines.append(summary)
        if interrupted { lines.append("interrupted: stopped reading, in-flight records finished, outputs closed") }
        if stoppedEarly { lines.append("stopped early: failures went over maxFailures \(maxFailures)") }
        for problem in finishErrors { lines.append("error: \(problem)") }
        if failed > 0 { lines.append("failures are listed in \(errorsFile)") }
        return lines.joined(separator: "\n")
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        seconds < 10 ? String(format: "%.3fs", seconds) : String(format: "%.1fs", seconds)
    }
}

/// The counters of one stage in a run.
public struct StageReport: Sendable, Codable, Equatable {
    /// The stage's label (`"name"`, or its registered name).
    public var name: String
    /// The registered stage name.
    public var use: String
    /// The stage's position in `"stages"`.
    public var index: Int
    /// Records that entered the stage.
    public var input: Int
    /// Records the stage kept.
    public var output: Int
    /// Records the stage dropped.
    public var dropped: Int
    /// Drops by reason.
    public var drops: [String: Int]
    /// Records that failed in the stage.
    public var failed: Int
    /// Time spent in the stage, summed over records (and over concurrent calls), in seconds.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case name, use, index, input = "in", output = "out", dropped, drops, failed, seconds
    }
}
