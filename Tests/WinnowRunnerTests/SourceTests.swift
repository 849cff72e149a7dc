import Foundation
import Logging
import Synchronization
import Testing
import WinnowCore
import WinnowFormats
import WinnowRunner
import WinnowTestKit

struct FilesSourceTests {
    func readAll(_ source: any RecordSource) async throws -> [SourceItem] {
        let reader = try await source.makeReader()
        defer { reader.close() }
        var items: [SourceItem] = []
        while let item = try await reader.next() { items.append(item) }
        return items
    }

    func makeTree() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("<html><body><p>B</p></body></html>", to: "site/b.html")
        try directory.write("<html><body><p>A</p></body></html>", to: "site/a.htm")
        try directory.write(Gzip.compress(Array("<html><body><p>Zipped</p></body></html>".utf8)), to: "site/deep/c.html.gz")
        try directory.write("not html", to: "site/notes.txt")
        try directory.write("<p>hidden</p>", to: "site/.cache/h.html")
        return directory
    }

    @Test("a directory is walked recursively for HTML files, in sorted order, with gzip bodies decompressed")
    func walksDirectories() async throws {
        let directory = try makeTree()
        defer { directory.remove() }
        let source = FilesSource(patterns: ["site"], baseDirectory: directory.url, baseURL: "https://example.com/pages")
        let items = try await readAll(source)
        let records = items.compactMap { if case .record(let record) = $0 { record } else { nil } }
        #expect(records.map(\.id) == ["site/a.htm", "site/b.html", "site/deep/c.html.gz"])
        #expect(String(decoding: records[2].body?.bytes ?? [], as: UTF8.self) == "<html><body><p>Zipped</p></body></html>")
        #expect(records[0].body?.contentType == "text/html")
        #expect(records[1].url == "https://example.com/pages/site/b.html")
        #expect(records[1].provenance == Provenance(source: "site/b.html", offset: 0, length: 34))
    }

    @Test("a symbolic link to a directory is walked, and ids keep the linked name")
    func followsLinkedDirectory() async throws {
        let directory = try makeTree()
        defer { directory.remove() }
        try FileManager.default.createSymbolicLink(
            at: directory.url.appendingPathComponent("linked"), withDestinationURL: directory.url.appendingPathComponent("site"))
        let files = FilesSource(patterns: ["linked"], baseDirectory: directory.url).matchingFiles()
        let source = FilesSource(patterns: ["linked"], baseDirectory: directory.url)
        #expect(files.map { source.identifier(for: $0) } == ["linked/a.htm", "linked/b.html", "linked/deep/c.html.gz"])
    }

    @Test("globs match names, character classes and ** across directories")
    func expandsGlobs() async throws {
        let directory = try makeTree()
        defer { directory.remove() }
        let files = FilesSource(patterns: ["site/*.html", "site/[a]*", "site/**/*.gz", "nothing/*.html"], baseDirectory: directory.url).matchingFiles()
        let base = directory.url.standardizedFileURL.path + "/"
        #expect(files.map { String($0.path.dropFirst(base.count)) } == ["site/b.html", "site/a.htm", "site/deep/c.html.gz"])
    }

    @Test("wildcards in the base directory's own name are taken literally")
    func literalBaseDirectory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("<p>one</p>", to: "project [draft]/pages/one.html")
        try directory.write("<p>two</p>", to: "project [draft]/pages/two.html")
        let base = directory.url.appendingPathComponent("project [draft]")
        let files = FilesSource(patterns: ["pages/*.html", "pages/two.html"], baseDirectory: base).matchingFiles()
        #expect(files.map(\.lastPathComponent) == ["one.html", "two.html"])
    }

    @Test("a file over maxBytes and a corrupt gzip file are read failures, and reading goes on")
    func reportsReadFailures() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(String(repeating: "<p>big</p>", count: 200), to: "big.html")
        try directory.write([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02], to: "broken.html.gz")
        try directory.write("<p>ok</p>", to: "ok.html")
        let source = FilesSource(patterns: ["."], baseDirectory: directory.url, maxBytes: 1000)
        let reader = try await source.makeReader()
        let total: Int64? = 2000 + 6 + 9
        #expect(reader.totalBytes == total)
        var codes: [String] = []
        var ids: [String] = []
        while let item = try await reader.next() {
            switch item {
            case .failure(let failure):
                codes.append(failure.error.code.rawValue)
                ids.append(failure.recordID)
            case .record(let record):
                ids.append(record.id)
            }
        }
        #expect(ids == ["big.html", "broken.html.gz", "ok.html"])
        #expect(codes == ["too-large", "invalid-input"])
        #expect(reader.bytesRead == reader.totalBytes)
    }
}

struct URLListSourceTests {
    @Test("URLs come from a file with comments and from an inline list; a bad line is a read failure")
    func readsURLs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("# seeds\nhttps://example.com/a\n\n  http://example.org/b  \nnot a url\n", to: "urls.txt")
        let source = try URLListSource(setup: StageSetup(
            options: StageOptions(["file": "urls.txt", "list": ["https://example.net/c"]]), baseDirectory: directory.url))
        let reader = try await source.makeReader()
        var records: [Record] = []
        var failures: [ReadFailure] = []
        while let item = try await reader.next() {
            switch item {
            case .record(let record): records.append(record)
            case .failure(let failure): failures.append(failure)
            }
        }
        #expect(records.map(\.id) == ["https://example.com/a", "http://example.org/b", "https://example.net/c"])
        #expect(records.allSatisfy { $0.body == nil && $0.url == $0.id })
        #expect(records[1].provenance == Provenance(source: "urls.txt", offset: 31))
        #expect(failures.map(\.recordID) == ["not a url"])
        #expect(failures.first?.error.code == .invalidInput)
    }

    @Test("a large URL file is read line by line: offsets, an overlong line and a last line without newline")
    func readsLargeFileInChunks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = ""
        for index in 0..<5_000 { text += "https://example.com/page/\(index)\n" }
        let longLineOffset = text.utf8.count
        text += "https://example.com/" + String(repeating: "x", count: 100_000) + "\n"
        let longerLineOffset = text.utf8.count
        text += "https://example.com/" + String(repeating: "y", count: 300_000) + "\n"
        let lastLineOffset = text.utf8.count
        text += "https://example.com/last"
        try directory.write(text, to: "urls.txt")
        let source = URLListSource(file: directory.url.appendingPathComponent("urls.txt"))
        let reader = try await source.makeReader()
        defer { reader.close() }
        var records: [Record] = []
        var failures: [ReadFailure] = []
        while let item = try await reader.next() {
            switch item {
            case .record(let record): records.append(record)
            case .failure(let failure): failures.append(failure)
            }
        }
        #expect(records.count == 5_001)
        #expect(records[4_999].id == "https://example.com/page/4999")
        #expect(records[4_999].provenance?.offset == Int64(longLineOffset - "https://example.com/page/4999\n".utf8.count))
        #expect(records.last?.id == "https://example.com/last")
        #expect(records.last?.provenance?.offset == Int64(lastLineOffset))
        #expect(failures.count == 2)
        #expect(failures.first?.error.message.contains("line at byte \(longLineOffset) is longer than") == true)
        #expect(failures.last?.error.message.contains("line at byte \(longerLineOffset) is longer than") == true)
        #expect(reader.totalBytes == Int64(text.utf8.count))
        #expect(reader.bytesRead == reader.totalBytes)
    }

    @Test("a URL source needs a file or a list")
    func requiresInput() {
        #expect(throws: StageError.self) {
            try URLListSource(setup: StageSetup(options: StageOptions(), baseDirectory: URL(fileURLWithPath: "/")))
        }
    }
}

struct ProgressReporterTests {
    @Test("JSON progress writes one parsable object per line with the run's figures")
    func writesJSONLines() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lines = LineCollector()
        let progress = ProgressReporter(mode: .json, interval: .milliseconds(20)) { lines.append($0) }
        let runner = PipelineRunner(
            source: InMemorySource(records: numberedRecords(60), bytesPerItem: 100), steps: [PipelineStep(name: "slow", index: 0, stage: InFlightProbe(delay: .milliseconds(3)))],
            settings: RunSettings(concurrency: 2, reportsDirectory: directory.url), progress: progress)
        let report = try await runner.run()
        let objects = try lines.text.split(separator: "\n").map {
            try JSONDecoder().decode(ProgressReporter.Snapshot.self, from: Data($0.utf8))
        }
        #expect(objects.count >= 2)
        #expect(objects.last?.done == report.read)
        #expect(objects.last?.totalBytes == 6000)
        #expect(objects.last?.bytesRead == 6000)
        #expect(objects.map(\.done) == objects.map(\.done).sorted())
    }

    @Test("records that cannot be read count as done and failed in the progress figures")
    func countsReadFailures() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lines = LineCollector()
        var items = numberedRecords(10).map(SourceItem.record)
        items.insert(.failure(ReadFailure(recordID: "bad", source: "memory", error: StageError(.io, "unreadable"))), at: 4)
        let runner = PipelineRunner(
            source: InMemorySource(items: items), steps: [PipelineStep(name: "pass", index: 0, stage: DropEveryFifth())],
            settings: RunSettings(concurrency: 2, reportsDirectory: directory.url),
            progress: ProgressReporter(mode: .json, interval: .seconds(60)) { lines.append($0) })
        let report = try await runner.run()
        let final = try JSONDecoder().decode(
            ProgressReporter.Snapshot.self, from: Data(try #require(lines.text.split(separator: "\n").last).utf8))
        #expect(report.read == 11)
        #expect(final.read == report.read)
        #expect(final.done == report.read)
        #expect(final.failed == report.failed)
        #expect(final.failed == 1)
    }

    @Test("the terminal mode rewrites one line with records, rates, ETA and failures")
    func writesTerminalLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lines = LineCollector()
        let runner = PipelineRunner(
            source: InMemorySource(records: numberedRecords(14), bytesPerItem: 1000),
            steps: [PipelineStep(name: "fail", index: 0, stage: FailEverySeventh())],
            settings: RunSettings(concurrency: 2, reportsDirectory: directory.url),
            progress: ProgressReporter(mode: .terminal, interval: .milliseconds(5)) { lines.append($0) })
        _ = try await runner.run()
        let final = try #require(lines.text.components(separatedBy: "\r\u{1B}[K").last)
        #expect(final.hasPrefix("14 records  "))
        #expect(final.contains("MB/s  ETA 0:00  2 failed"))
        #expect(final.hasSuffix("\n"))
    }

    @Test("the quiet mode writes nothing and the automatic mode honours the flags")
    func quietMode() async throws {
        #expect(ProgressReporter.Mode.automatic(quiet: true, json: true) == .quiet)
        #expect(ProgressReporter.Mode.automatic(json: true) == .json)
        let lines = LineCollector()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let runner = PipelineRunner(
            source: InMemorySource(records: numberedRecords(5)), steps: [],
            settings: RunSettings(concurrency: 2, reportsDirectory: directory.url),
            progress: ProgressReporter(mode: .quiet, interval: .milliseconds(1)) { lines.append($0) })
        let report = try await runner.run()
        #expect(report.written == 5)
        #expect(lines.text.isEmpty)
    }
}

/// Collects what a progress reporter writes.
final class LineCollector: Sendable {
    private let storage = Mutex("")
    func append(_ text: String) { storage.withLock { $0 += text } }
    var text: String { storage.withLock { $0 } }
}

