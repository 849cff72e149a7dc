public import WinnowCore
public import Foundation
import Synchronization
import WinnowFormats

/// The archive stage: writes every record it receives to JSON Lines files (gzip-compressed by default) and
/// passes the record on unchanged.
///
/// Files are `<dir>/<prefix>.jsonl.gz`, then `<prefix>-00001.jsonl.gz`, `<prefix>-00002.jsonl.gz`, … once a
/// file reaches `maxFileSize`. gzip files are written as a sequence of complete members, so a file is a valid
/// gzip stream after every member; `finish` (also called after an interrupt) writes the last member and
/// closes the files, then writes `<prefix>.index.json` listing each file with its record count.
///
/// The stage is a sink (`.inputOrder`): the runner calls it one record at a time, in input order. Its output
/// state still lives behind a `Mutex`, so concurrent calls would be safe, only unordered. File writes are
/// blocking I/O of at most one compressed member per call.
public struct ArchiveStage: ConfigurableStage {
    public static let descriptor = StageDescriptor(
        name: "archive",
        summary: "Writes each record as a JSON line to rolling .jsonl.gz (or .jsonl) files and passes it on.",
        options: [
            OptionSpec(
                "dir", .string, default: "out",
                summary: "The output directory, relative to the pipeline file; created when missing."),
            OptionSpec(
                "formats", .list(.choice(ArchiveFormat.allCases.map(\.rawValue))), default: ["jsonl.gz"],
                summary: "The files to write: \"jsonl.gz\" (gzip-compressed JSON Lines) and/or \"jsonl\" (plain)."),
            OptionSpec(
                "prefix", .string, default: "records",
                summary: "The start of every file name: <prefix>.jsonl.gz, <prefix>-00001.jsonl.gz, …"),
            OptionSpec(
                "maxFileSize", .byteSize, default: "1GB",
                summary: "Start a new file once the current one reaches this size (0 keeps one file)."),
            OptionSpec(
                "includeBody", .boolean, default: false,
                summary: "Also write each record's raw body, base64-encoded, under \"body\"."),
            OptionSpec(
                "level", .integer(1...9), default: 6,
                summary: "The gzip level: 1 is fastest, 9 smallest."),
            OptionSpec(
                "overwrite", .boolean, default: true,
                summary: "Replace the files of an earlier run (and remove its extra rolled files); when false, "
                    + "an existing output file is an error."),
        ],
        ordering: .inputOrder
    )

    /// The validated settings.
    public let configuration: ArchiveConfiguration
    private let outputs: ArchiveOutputs

    public init(setup: StageSetup) throws {
        let options = setup.options
        var formats: [ArchiveFormat] = []
        for name in options.strings("formats") ?? ["jsonl.gz"] {
            guard let format = ArchiveFormat(rawValue: name) else {
                throw StageError(.invalidInput, "unknown archive format \"\(name)\"; use \"jsonl.gz\" or \"jsonl\"")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        guard !formats.isEmpty else {
            throw StageError(.invalidInput, "archive.formats is empty; name at least one of \"jsonl.gz\", \"jsonl\"")
        }
        let prefix = options.string("prefix") ?? "records"
        guard !prefix.isEmpty, !prefix.contains("/") else {
            throw StageError(.invalidInput, "archive.prefix \"\(prefix)\" must be a non-empty file name without \"/\"")
        }
        configuration = ArchiveConfiguration(
            directory: setup.resolve(path: options.string("dir") ?? "out"),
            formats: formats,
            prefix: prefix,
            maxFileSize: options.byteSize("maxFileSize") ?? 1_000_000_000,
            includeBody: options.bool("includeBody") ?? false,
            level: options.int("level") ?? 6,
            overwrite: options.bool("overwrite") ?? true)
        outputs = ArchiveOutputs(configuration: configuration)
    }

    public func prepare(context: LifecycleContext) async throws {
        try outputs.open(logger: context.logger)
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        try outputs.write(record)
        return .keep(record)
    }

    public func finish(context: LifecycleContext) async throws {
        try outputs.close(interrupted: context.interrupted)
    }

    /// The files written so far, in order, with their record counts (complete after `finish`).
    public var writtenFiles: [ArchiveFileSummary] { outputs.summaries }
}

/// An output format of the archive stage.
public enum ArchiveFormat: String, Sendable, CaseIterable {
    /// gzip-compressed JSON Lines, written as complete gzip members.
    case jsonLinesGzip = "jsonl.gz"
    /// Plain JSON Lines.
    case jsonLines = "jsonl"
}

/// The archive stage's settings, after validation.
public struct ArchiveConfiguration: Sendable {
    /// The output directory (resolved against the pipeline file's directory).
    public var directory: URL
    /// The formats written, each to its own files.
    public var formats: [ArchiveFormat]
    /// The start of every file name.
    public var prefix: String
    /// Bytes after which a new file starts; 0 for no limit.
    public var maxFileSize: Int64
    /// Whether each record's raw body is written too (base64).
    public var includeBody: Bool
    /// The gzip level, 1 (fastest) to 9 (smallest).
    public var level: Int
    /// Whether an earlier run's files are replaced (otherwise an existing file is an error).
    public var overwrite: Bool

    /// The name of the `sequence`-th file (0 is the first) of `format`.
    public func fileName(sequence: Int, format: ArchiveFormat) -> String {
        if sequence == 0 { return "\(prefix).\(format.rawValue)" }
        let number = String(sequence)
        return "\(prefix)-\(String(repeating: "0", count: max(0, 5 - number.count)))\(number).\(format.rawValue)"
    }

    /// The name of the index written at the end.
    public var indexName: String { "\(prefix).index.json" }
}

/// One finished (or current) output file: its name, format, record count and size.
public struct ArchiveFileSummary: Sendable, Codable, Equatable {
    /// The file name inside the output directory.
    public var path: String
    /// The format's name (`jsonl.gz`, `jsonl`).
    public var format: String
    /// Records written to the file.
    public var records: Int
    /// The file's size in bytes (an estimate while the file is open).
    public var bytes: Int64
}
