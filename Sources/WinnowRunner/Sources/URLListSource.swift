public import Foundation
public import WinnowCore

/// Reads a list of URLs, each one record without a body (the fetch stage downloads them).
///
/// Options: `file` (a text file, one URL per line; blank lines and lines starting with `#` are skipped) and/or
/// `list` (URLs inline). A line that is not an absolute `http`/`https` URL is a read failure. The record id
/// and URL are the URL as written.
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
        var entries: [URLListReader.Entry] = []
        var total: Int64 = 0
        if let file {
            let data: Data
            do {
                data = try Data(contentsOf: file)
            } catch {
                throw StageError(.io, "cannot read the URL list \(file.path): \(error.localizedDescription)")
            }
            total = Int64(data.count)
            var offset: Int64 = 0
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
                let length = Int64(line.utf8.count) + 1
                defer { offset += length }
                let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty || text.hasPrefix("#") { continue }
                entries.append(.init(url: text, source: fileLabel ?? file.path, offset: offset, end: min(offset + length, total)))
            }
        }
        for url in list {
            entries.append(.init(url: url, source: "urls.list", offset: nil, end: total))
        }
        return URLListReader(entries: entries, totalBytes: total)
    }
}

/// Hands out the entries of a URL list one at a time.
final class URLListReader: RecordReader {
    struct Entry {
        var url: String
        var source: String
        var offset: Int64?
        var end: Int64
    }

    private let entries: [Entry]
    private var position = 0
    private(set) var bytesRead: Int64 = 0
    let totalBytes: Int64?

    init(entries: [Entry], totalBytes: Int64) {
        self.entries = entries
        self.totalBytes = totalBytes > 0 ? totalBytes : nil
    }

    func next() async throws -> SourceItem? {
        guard position < entries.count else { return nil }
        let entry = entries[position]
        position += 1
        bytesRead = entry.end
        guard let components = URLComponents(string: entry.url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else {
            return .failure(ReadFailure(
                recordID: entry.url, source: entry.source,
                error: StageError(.invalidInput, "\"\(entry.url)\" is not an absolute http(s) URL")))
        }
        return .record(Record(id: entry.url, url: entry.url, provenance: Provenance(source: entry.source, offset: entry.offset)))
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
