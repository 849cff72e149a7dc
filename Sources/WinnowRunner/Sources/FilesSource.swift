public import Foundation
public import WinnowCore
public import Logging
import WinnowFormats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads HTML files from disk: globs and directories (walked recursively), each file one record.
///
/// Options: `paths` (globs or directories, relative to the pipeline file's directory), `url` (a base URL the
/// records' URLs are built from), `maxBytes` (files larger than this, or decompressing to more, fail with
/// code `too-large`). `.gz` files are decompressed. Records come in sorted path order; the id is the path
/// relative to the base directory, the body's content type `text/html`.
///
/// Files are read whole with `FileManager` on the calling task: for pages of a few megabytes this blocks the
/// cooperative pool only briefly; `maxBytes` bounds the worst case.
public struct FilesSource: ConfigurableSource {
    public static let descriptor = StageDescriptor(
        name: "files",
        summary: "Reads HTML files (.html, .htm, .xhtml, optionally .gz) from globs and directories.",
        options: [
            OptionSpec("paths", .list(.string), summary: "Globs (*, ?, [abc], **) or directories, relative to the pipeline file; directories are walked recursively for HTML files."),
            OptionSpec("url", .string, optional: true, summary: "Base URL: a record's URL is this plus its relative path."),
            OptionSpec("maxBytes", .byteSize, default: "64MB", summary: "Largest file (after decompression) read; larger ones fail with code too-large."),
        ])

    /// File name endings read when a directory is walked.
    public static let htmlExtensions = [".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".xhtml.gz"]

    /// The globs or directories to read.
    public var patterns: [String]
    /// The directory relative patterns resolve against, and ids are relative to.
    public var baseDirectory: URL
    /// The base URL records' URLs are built from.
    public var baseURL: String?
    /// The largest file read.
    public var maxBytes: Int64
    let logger: Logger

    /// Builds the source from validated `files` options.
    public init(setup: StageSetup) throws {
        guard let patterns = setup.options.strings("paths"), !patterns.isEmpty else {
            throw StageError(.invalidInput, "\"paths\" must list at least one glob or directory")
        }
        self.init(
            patterns: patterns, baseDirectory: setup.baseDirectory, baseURL: setup.options.string("url"),
            maxBytes: setup.options.byteSize("maxBytes") ?? 64_000_000, logger: setup.logger)
    }

    /// Creates a source in code; `patterns` resolve against `baseDirectory`.
    public init(patterns: [String], baseDirectory: URL, baseURL: String? = nil, maxBytes: Int64 = 64_000_000,
                logger: Logger = Logger(label: "winnow.files")) {
        self.patterns = patterns
        self.baseDirectory = baseDirectory.standardizedFileURL
        self.baseURL = baseURL
        self.maxBytes = maxBytes
        self.logger = logger
    }

    public func makeReader() async throws -> any RecordReader {
        FilesReader(files: matchingFiles(), source: self)
    }

    /// The files the patterns select, sorted and without duplicates.
    public func matchingFiles() -> [URL] {
        var seen: Set<String> = []
        var files: [URL] = []
        for pattern in patterns {
            let matches = Self.expand(pattern, relativeTo: baseDirectory.path)
            if matches.isEmpty { logger.warning("\"\(pattern)\" matches no file") }
            for path in matches.sorted() where seen.insert(path).inserted {
                files.append(URL(fileURLWithPath: path))
            }
        }
        return files
    }

    /// Expands one pattern, relative to `base` unless absolute: a directory (walked), a plain file, or a
    /// glob. Only the pattern's own characters are wildcards; `base` is taken literally (it may contain `[`).
    static func expand(_ pattern: String, relativeTo base: String) -> [String] {
        var isDirectory: ObjCBool = false
        let isAbsolute = pattern.hasPrefix("/")
        let hasWildcard = pattern.contains { "*?[".contains($0) }
        if !hasWildcard {
            let path = isAbsolute ? pattern : base + "/" + pattern
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
            return isDirectory.boolValue ? walk(path) : [standardized(path)]
        }
        let components = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let root = isAbsolute || base == "/" ? "" : (base.hasSuffix("/") ? String(base.dropLast()) : base)
        var results: [String] = []
        match(components[...], under: root, results: &results)
        return results.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
            return isDirectory.boolValue ? walk(path) : [path]
        }
    }

    private static func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Matches path components against the file system; `**` matches any number of directories.
    private static func match(_ components: ArraySlice<String>, under directory: String, results: inout [String]) {
        guard let component = components.first else {
            results.append(directory.isEmpty ? "/" : directory)
            return
        }
        let rest = components.dropFirst()
        let current = directory.isEmpty ? "/" : directory
        if component == "**" {
            match(rest, under: directory, results: &results)
            for child in subdirectories(of: current) {
                match(components, under: directory + "/" + child, results: &results)
            }
            return
        }
        if !component.contains(where: { "*?[".contains($0) }) {
            let path = directory + "/" + component
            if FileManager.default.fileExists(atPath: path) { match(rest, under: path, results: &results) }
            return
        }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: current) else { return }
        for entry in entries.sorted() where !entry.hasPrefix(".") || component.hasPrefix(".") {
            if fnmatch(component, entry, 0) == 0 {
                match(rest, under: directory + "/" + entry, results: &results)
            }
        }
    }

    private static func subdirectories(of directory: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return entries.sorted().filter { entry in
            var isDirectory: ObjCBool = false
            return !entry.hasPrefix(".")
                && FileManager.default.fileExists(atPath: directory + "/" + entry, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
    }

    /// Every HTML file under `directory`, recursively.
    private static func walk(_ directory: String) -> [String] {
        // The enumerator does not descend into a symbolic link, so walk its target but report paths under
        // the name the configuration used.
        let target = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: target) else { return [] }
        var files: [String] = []
        let root = standardized(directory)
        while let relative = enumerator.nextObject() as? String {
            let lowered = relative.lowercased()
            guard htmlExtensions.contains(where: { lowered.hasSuffix($0) }) else { continue }
            guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
            files.append(root + "/" + relative)
        }
        return files.sorted()
    }

    /// The id of a file: its path relative to the base directory, or its absolute path outside it.
    public func identifier(for file: URL) -> String {
        let path = file.standardizedFileURL.path
        let base = baseDirectory.path.hasSuffix("/") ? baseDirectory.path : baseDirectory.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    func url(for identifier: String) -> String? {
        guard let baseURL else { return nil }
        let encoded = identifier.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? identifier
        return baseURL.hasSuffix("/") ? baseURL + encoded : baseURL + "/" + encoded
    }
}

/// Reads the files of a `FilesSource` one at a time.
final class FilesReader: RecordReader {
    private let files: [URL]
    private let source: FilesSource
    private var position = 0
    private(set) var bytesRead: Int64 = 0
    let totalBytes: Int64?

    init(files: [URL], source: FilesSource) {
        self.files = files
        self.source = source
        totalBytes = files.reduce(Int64(0)) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value
            return total + (size ?? 0)
        }
    }

    func next() async throws -> SourceItem? {
        guard position < files.count else { return nil }
        let file = files[position]
        position += 1
        let identifier = source.identifier(for: file)
        func failure(_ code: StageError.Code, _ message: String) -> SourceItem {
            .failure(ReadFailure(recordID: identifier, source: identifier, error: StageError(code, message)))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value ?? 0
        if size > source.maxBytes {
            bytesRead += size
            return failure(.tooLarge, "file is \(size) bytes, over maxBytes \(source.maxBytes); raise input.files.maxBytes to read it")
        }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            return failure(.io, "cannot read the file: \(error.localizedDescription)")
        }
        bytesRead += Int64(data.count)
        var bytes = [UInt8](data)
        if file.pathExtension.lowercased() == "gz" {
            do {
                bytes = try Gzip.decompress(bytes, maxOutputBytes: Int(clamping: source.maxBytes))
            } catch let error as StageError {
                return .failure(ReadFailure(recordID: identifier, source: identifier, error: error))
            } catch {
                return failure(.invalidInput, "cannot decompress the gzip file: \(error)")
            }
        }
        return .record(Record(
            id: identifier, url: source.url(for: identifier),
            provenance: Provenance(source: identifier, offset: 0, length: Int64(data.count)),
            body: Body(bytes: bytes, contentType: "text/html")))
    }
}
