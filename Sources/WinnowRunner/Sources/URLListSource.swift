public import Foundation
public import WinnowCore

/// Reads a list of URLs, each one record without a body (the fetch stage downloads them).
///
/// Options: `file` (a text file, one URL per line; blank lines and lines starting with `#` are skipped) and/or
/// `list` (URLs inline). A line that is not an absolute `http`/`https` URL is a read failure. The record id
/// and URL are the URL as written. The file is read in chunks as records are needed, so its size does not
/// matter; lines longer than 64 KiB are read failures.
public struct URLListSource: ConfigurableSource {
    public static let descriptor = StageDescriptor(
        name: "urls",
        summary: "Reads URLs from a text file (one per line, # comments) or an inline list; the fetch stage downloads them.",
        options: [
            OptionSpec("file", .string, optional: true, summary: "A text file with one URL per line, relative to the pipeline file."),
            OptionSpec("list", .list(.string), optional: true, summary: "URLs given inline."),
        ])

    /// The URL file, when given.
    public var file: URL?
    /// URLs given inline.
    public var list: [String]
    /// How the file is named in provenance and `errors.jsonl`.
    let fileLabel: String?

    /// Builds the source from validated `urls` options; needs `file` or `list`.
    public init(setup: StageSetup) throws {
        let fileOption = setup.options.string("file")
        let list = setup.options.strings("list") ?? []
        guard fileOption != nil || !list.isEmpty else {
            throw StageError(.invalidInput, "give \"file\" (a text file with one URL per line) or \"list\" (URLs inline)")
        }
        self.file = fileOption.map { setup.resolve(path: $0) }
        self.fileLabel = fileOption
        self.list = list
    }

    /// Creates a source in code from a URL file and/or a list.
    public init(file: URL? = nil, list: [String] = []) {
        self.file = file
        self.fileLabel = file?.path
        self.list = list
    }

    public func makeReader() async throws -> any RecordReader {
        guard let file else { return URLListReader(file: nil, fileLabel: "", list: list, totalBytes: nil) }
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: file)
        } catch {
            throw StageError(.io, "cannot read the URL list \(file.path): \(error.localizedDescription)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value
        return URLListReader(file: handle, fileLabel: fileLabel ?? file.path, list: list, totalBytes: size)
    }
}

/// Hands out the URLs of a list one at a time: the file's lines, read in chunks as they are needed (a list of
/// any size is never held in memory), then the inline ones.
final class URLListReader: RecordReader {
    /// How much of the file one read takes.
    static let chunkSize = 64 * 1024
    /// Lines longer than this are read failures (no URL is that long), so a file without newlines cannot
    /// fill the memory.
    static let maximumLineLength = 64 * 1024

    private var file: FileHandle?
    private let fileLabel: String
    private let list: [String]
    private var listPosition = 0
    /// Bytes read from the file; those before `pendingStart` have been handed out.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// The file offset of `pending[pendingStart]`.
    private var pendingOffset: Int64 = 0
    private(set) var bytesRead: Int64 = 0
    let totalBytes: Int64?

    init(file: FileHandle?, fileLabel: String, list: [String], totalBytes: Int64?) {
        self.file = file
        self.fileLabel = fileLabel
        self.list = list
        self.totalBytes = totalBytes.flatMap { $0 > 0 ? $0 : nil }
    }

    func next() async throws -> SourceItem? {
        while let line = try nextLine() {
            guard !line.tooLong else {
                return .failure(ReadFailure(
                    recordID: "\(fileLabel):\(line.offset)", source: fileLabel,
                    error: StageError(.invalidInput, "line at byte \(line.offset) is longer than "
                        + "\(Self.maximumLineLength) bytes, so it is no URL; put one URL per line")))
            }
            let text = String(decoding: line.bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text.hasPrefix("#") { continue }
            return Self.item(for: text, source: fileLabel, offset: line.offset)
        }
        guard listPosition < list.count else { return nil }
        let url = list[listPosition]
        listPosition += 1
        return Self.item(for: url, source: "urls.list", offset: nil)
    }

    func close() {
        try? file?.close()
        file = nil
    }

    /// A record for an absolute http(s) URL, a read failure for anything else.
    private static func item(for url: String, source: String, offset: Int64?) -> SourceItem {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else {
            return .failure(ReadFailure(
                recordID: url, source: source,
                error: StageError(.invalidInput, "\"\(url)\" is not an absolute http(s) URL")))
        }
        return .record(Record(id: url, url: url, provenance: Provenance(source: source, offset: offset)))
    }

    /// The next line of the file (without its newline) and its byte offset, or `nil` at the end of the file.
    private func nextLine() throws -> (bytes: [UInt8], offset: Int64, tooLong: Bool)? {
        guard let file else { return nil }
        let lineOffset = pendingOffset
        var searchFrom = pendingStart
        var tooLong = false
        while true {
            if let newline = pending[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[pendingStart..<newline])
                consume(upTo: newline + 1)
                return (line, lineOffset, tooLong || line.count > Self.maximumLineLength)
            }
            if pending.count - pendingStart > Self.maximumLineLength {
                // Keep the line's offset, drop its bytes, and go on looking for its end.
                tooLong = true
                consume(upTo: pending.count)
            }
            pending.removeFirst(pendingStart)
            pendingStart = 0
            searchFrom = pending.count
            let chunk: Data
            do {
                chunk = try file.read(upToCount: Self.chunkSize) ?? Data()
            } catch {
                throw StageError(.io, "cannot read the URL list \(fileLabel): \(error.localizedDescription)")
            }
            if chunk.isEmpty {
                close()
                guard pending.count > pendingStart || tooLong else { return nil }
                let line = Array(pending[pendingStart...])
                consume(upTo: pending.count)
                return (line, lineOffset, tooLong || line.count > Self.maximumLineLength)
            }
            pending.append(contentsOf: chunk)
        }
    }

    /// Marks the pending bytes before `end` as handed out.
    private func consume(upTo end: Int) {
        pendingOffset += Int64(end - pendingStart)
        pendingStart = end
        bytesRead = pendingOffset
    }
}

/// The inputs the runner provides: `files` and `urls`.
public enum StandardSources {
    /// The factories of the standard inputs.
    public static var all: [SourceFactory] {
        [SourceFactory(FilesSource.self), SourceFactory(URLListSource.self)]
    }

    /// Registers the standard inputs into `registry`.
    public static func register(into registry: inout StageRegistry) {
        for factory in all { registry.register(factory) }
    }
}
