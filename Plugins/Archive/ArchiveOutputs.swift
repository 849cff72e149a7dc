import Foundation
import Logging
import Synchronization
import WinnowCore
import WinnowFormats

/// The open files of one archive stage, behind a mutex.
final class ArchiveOutputs: Sendable {
    private let configuration: ArchiveConfiguration
    private let state: Mutex<State>

    /// The mutable part: one rolling writer per format and the shared record encoder.
    private struct State {
        var writers: [ArchiveFormat: RollingWriter] = [:]
        var encoder: JSONEncoder?
        var finished: [ArchiveFileSummary] = []
        var opened = false
        var closed = false
    }

    init(configuration: ArchiveConfiguration) {
        self.configuration = configuration
        state = Mutex(State())
    }

    var summaries: [ArchiveFileSummary] {
        state.withLock { state in
            state.finished + configuration.formats.compactMap { state.writers[$0]?.summary }
        }
    }

    /// Creates the directory, clears an earlier run's files (when overwriting) and opens the first files.
    func open(logger: Logger) throws {
        let configuration = configuration
        do {
            try FileManager.default.createDirectory(at: configuration.directory, withIntermediateDirectories: true)
        } catch {
            throw StageError(
                .io, "cannot create the archive directory \(configuration.directory.path): \(error.localizedDescription)")
        }
        if configuration.overwrite {
            for name in staleFiles() {
                logger.info("removing \(name) left by an earlier run")
                try? FileManager.default.removeItem(at: configuration.directory.appendingPathComponent(name))
            }
        }
        try state.withLock { state in
            let encoder = JSONEncoder()
            // Sorted keys make the output reproducible: without them swift-foundation writes object keys in
            // hash order, which differs between processes.
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if configuration.includeBody { encoder.userInfo[.includeBody] = true }
            state.encoder = encoder
            for format in configuration.formats {
                state.writers[format] = try RollingWriter(configuration: configuration, format: format)
            }
            state.opened = true
        }
    }

    /// Encodes `record` once and appends it to every format's current file, rolling files as they fill.
    func write(_ record: Record) throws {
        let configuration = configuration
        try state.withLock { state in
            guard state.opened, !state.closed, let encoder = state.encoder else {
                throw StageError(.internal, "the archive stage received a record outside prepare…finish")
            }
            let line: [UInt8]
            do {
                line = [UInt8](try encoder.encode(record)) + [UInt8(ascii: "\n")]
            } catch {
                throw StageError(.internal, "cannot encode record \(record.id) as JSON: \(error)")
            }
            for format in configuration.formats {
                guard let writer = state.writers[format] else { continue }
                if let finished = try writer.write(line) { state.finished.append(finished) }
            }
        }
    }

    /// Closes every file (writing the last gzip member) and writes the index.
    ///
    /// Every file is closed even when closing one of them fails; the first failure is thrown after the index
    /// (marked incomplete) has been written.
    func close(interrupted: Bool) throws {
        let configuration = configuration
        let closed: (files: [ArchiveFileSummary], failure: (any Error)?)? = state.withLock { state in
            // After a failed prepare there is nothing to close, and an earlier run's index stays as it was.
            guard state.opened, !state.closed else { return nil }
            state.closed = true
            var failure: (any Error)?
            for format in configuration.formats {
                guard let writer = state.writers[format] else { continue }
                do {
                    if let last = try writer.close() { state.finished.append(last) }
                } catch {
                    failure = failure ?? error
                }
            }
            state.writers = [:]
            return (state.finished, failure)
        }
        guard let (files, failure) = closed else { return }
        try writeIndex(files: files, complete: !interrupted && failure == nil)
        if let failure { throw failure }
    }

    /// Writes `<prefix>.index.json` listing `files`.
    private func writeIndex(files: [ArchiveFileSummary], complete: Bool) throws {
        let index = ArchiveIndex(
            complete: complete, records: files.filter { $0.format == configuration.formats[0].rawValue }
                .reduce(0) { $0 + $1.records },
            files: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = configuration.directory.appendingPathComponent(configuration.indexName)
        do {
            try encoder.encode(index).write(to: url, options: .atomic)
        } catch {
            throw StageError(.io, "cannot write the archive index \(url.path): \(error.localizedDescription)")
        }
    }

    /// Files in the output directory that an earlier run with the same prefix wrote.
    private func staleFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: configuration.directory.path)) ?? []
        let prefix = configuration.prefix
        return names.filter { name in
            if name == configuration.indexName { return true }
            for format in ArchiveFormat.allCases {
                if name == "\(prefix).\(format.rawValue)" { return true }
                let suffix = ".\(format.rawValue)"
                guard name.hasPrefix(prefix + "-"), name.hasSuffix(suffix) else { continue }
                let middle = name.dropFirst(prefix.count + 1).dropLast(suffix.count)
                if middle.count >= 5, middle.allSatisfy(\.isASCII), middle.allSatisfy(\.isNumber) { return true }
            }
            return false
        }.sorted()
    }
}

/// The index written next to the files: what was written and whether the run completed.
struct ArchiveIndex: Codable {
    var schema = 1
    /// Whether the run reached the end of its input (false after an interrupt).
    var complete: Bool
    /// Records written (in each format).
    var records: Int
    var files: [ArchiveFileSummary]
}

/// The current file of one format, which moves on to a new file once `maxFileSize` is reached.
final class RollingWriter {
    private let configuration: ArchiveConfiguration
    private let format: ArchiveFormat
    private var sequence = 0
    private var current: JSONLinesWriter?
    private var currentName = ""

    init(configuration: ArchiveConfiguration, format: ArchiveFormat) throws {
        self.configuration = configuration
        self.format = format
        try openNext()
    }

    var summary: ArchiveFileSummary? {
        current.map { ArchiveFileSummary(path: currentName, format: format.rawValue, records: $0.lineCount, bytes: $0.approximateSize) }
    }

    /// Appends one encoded line; returns the summary of the file it closed when that file became full.
    func write(_ line: [UInt8]) throws -> ArchiveFileSummary? {
        if current == nil { try openNext() }
        guard let writer = current else { return nil }
        try writer.writeLine(line)
        if configuration.maxFileSize > 0 && writer.approximateSize >= configuration.maxFileSize {
            return try close()
        }
        return nil
    }

    /// Closes the current file; returns its summary, or `nil` when no file was open.
    func close() throws -> ArchiveFileSummary? {
        guard let writer = current else { return nil }
        current = nil
        try writer.close()
        return ArchiveFileSummary(path: currentName, format: format.rawValue, records: writer.lineCount, bytes: writer.fileSize)
    }

    private func openNext() throws {
        currentName = configuration.fileName(sequence: sequence, format: format)
        sequence += 1
        let path = configuration.directory.appendingPathComponent(currentName).path
        let destination: JSONLinesWriter.Destination
        switch format {
        case .jsonLinesGzip:
            // Members of up to 1 MiB compress well; small files get members of a quarter of the limit, so a
            // file overshoots maxFileSize by at most one member.
            let memberSize = configuration.maxFileSize > 0
                ? Int(min(1 << 20, max(4 << 10, configuration.maxFileSize / 4)))
                : 1 << 20
            destination = .gzip(level: configuration.level, memberSize: memberSize)
        case .jsonLines:
            destination = .plain
        }
        current = try JSONLinesWriter(
            path: path, destination: destination, existing: configuration.overwrite ? .overwrite : .fail)
    }
}

@available(*, unavailable)
extension RollingWriter: Sendable {}
