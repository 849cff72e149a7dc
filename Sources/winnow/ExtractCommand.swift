import ArgumentParser
import Foundation
import Logging
import WinnowCore
import WinnowFormats

/// `winnow extract`: one-shot clean + parse of HTML files, printing text, Markdown or JSON.
struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract the main content of HTML files (clean + parse) and print it.",
        discussion: """
            Reads each FILE (.html, .htm or gzip-compressed .html.gz; - for standard input) and prints its main \
            content. With --format jsonl, one JSON object per input: source, url, title, text, markdown, metadata. \
            With --format predictions, one JSON object mapping each file's id (its name without .html/.gz) to \
            {"articleBody": text}, the format of extraction benchmarks. --stats prints pages/s, MB/s and peak \
            memory for the clean and parse work alone to standard error. Exit status: 0 every input extracted, \
            1 some inputs failed (each named on standard error), 2 invalid options.
            """
    )

    /// The output formats of `winnow extract`.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, json, jsonl, predictions
    }

    @Option(help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format = .text

    @Option(help: "The page's URL, for resolving relative links and URL-based metadata.")
    var url: String?

    @Option(name: .customLong("clean"), help: ArgumentHelp("A clean stage option as KEY=VALUE (repeatable), e.g. comments=keep.", valueName: "key=value"))
    var cleanOptions: [String] = []

    @Option(name: .customLong("parse"), help: ArgumentHelp("A parse stage option as KEY=VALUE (repeatable).", valueName: "key=value"))
    var parseOptions: [String] = []

    @Flag(help: "Print pages/s, MB/s and peak RSS of clean + parse to standard error.")
    var stats = false

    @OptionGroup var logging: LoggingOptions

    @Argument(help: "HTML files (.html, .html.gz) or - for standard input.")
    var files: [String]

    mutating func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one file, or - for standard input.") }
        if format == .json && files.count > 1 {
            throw ValidationError("--format json prints one object; use --format jsonl for several files.")
        }
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "winnow.extract")
        let extractor: Extractor
        do {
            extractor = try Extractor(
                registry: CLIRegistry.standard,
                cleanOptions: try Self.parseAssignments(cleanOptions, stage: "clean"),
                parseOptions: try Self.parseAssignments(parseOptions, stage: "parse"),
                logger: logger)
        } catch {
            FileHandle.standardError.write(Data("winnow extract: \(error)\n".utf8))
            throw ExitCode(2)
        }

        var predictions: [String: [String: String]] = [:]
        var failures = 0
        var measurement = ExtractionMeasurement()
        let output = StandardOutput()

        for (index, file) in files.enumerated() {
            let record: Record
            do {
                record = try Self.readRecord(file, url: url)
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("winnow extract: \(file): \(error)\n".utf8))
                continue
            }
            let started = ContinuousClock.now
            let result = await extractor.extract(record, index: index)
            measurement.add(bytes: record.body?.bytes.count ?? 0, duration: ContinuousClock.now - started)
            switch result {
            case .success(let extracted):
                switch format {
                case .text: output.write(extracted.content?.text ?? "", terminator: "\n")
                case .markdown: output.write(extracted.content?.markdown ?? "", terminator: "\n")
                case .json: output.write(try Self.summaryJSON(extracted, pretty: true), terminator: "\n")
                case .jsonl: output.write(try Self.summaryJSON(extracted, pretty: false), terminator: "\n")
                case .predictions: predictions[Self.identifier(of: file)] = ["articleBody": extracted.content?.text ?? ""]
                }
            case .failure(let message):
                failures += 1
                FileHandle.standardError.write(Data("winnow extract: \(file): \(message)\n".utf8))
                if format == .predictions { predictions[Self.identifier(of: file)] = ["articleBody": ""] }
            }
        }
        if format == .predictions {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            output.write(String(decoding: try encoder.encode(predictions), as: UTF8.self), terminator: "\n")
        }
        output.flush()
        if stats { FileHandle.standardError.write(Data((measurement.report + "\n").utf8)) }
        if failures > 0 { throw ExitCode(1) }
    }

    /// Reads a file (or standard input) into a record whose id is the file's name without extensions.
    static func readRecord(_ file: String, url: String?) throws -> Record {
        var bytes: [UInt8]
        if file == "-" {
            bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw StageError(.io, "cannot read the file (missing or unreadable)")
            }
            bytes = [UInt8](data)
        }
        if bytes.starts(with: [0x1f, 0x8b]) {
            bytes = try Gzip.decompress(bytes, maxOutputBytes: 256 << 20)
        }
        return Record(
            id: identifier(of: file), url: url, provenance: Provenance(source: file),
            body: Body(bytes: bytes, contentType: "text/html"))
    }

    /// A file's id: its base name without `.gz` and `.html`/`.htm`.
    static func identifier(of file: String) -> String {
        if file == "-" { return "stdin" }
        var name = (file as NSString).lastPathComponent
        for suffix in [".gz", ".html", ".htm", ".xhtml"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        return name
    }

    /// The JSON object printed per input by `--format json` and `jsonl`.
    static func summaryJSON(_ record: Record, pretty: Bool) throws -> String {
        struct Summary: Encodable {
            var source: String?
            var url: String?
            var title: String?
            var text: String
            var markdown: String
            var metadata: Metadata
            var warnings: [String]?
        }
        let summary = Summary(
            source: record.provenance?.source, url: record.url ?? record.metadata.canonical,
            title: record.content?.title ?? record.metadata.title, text: record.content?.text ?? "",
            markdown: record.content?.markdown ?? "", metadata: record.metadata,
            warnings: record.warnings.isEmpty ? nil : record.warnings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    /// Parses `key=value` pairs; values are JSON when they parse as JSON, strings otherwise.
    static func parseAssignments(_ assignments: [String], stage: String) throws -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--\(stage) \(assignment): expected KEY=VALUE")
            }
            let key = String(assignment[..<equals])
            let raw = String(assignment[assignment.index(after: equals)...])
            values[key] = (try? JSONDecoder().decode(JSONValue.self, from: Data(raw.utf8))) ?? .string(raw)
        }
        return values
    }
}
