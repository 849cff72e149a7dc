import Foundation
import Logging
import Testing
import WinnowCore
import WinnowFormats
import WinnowTestKit
@testable import ArchiveStage

/// A temporary output directory for one test, removed at the end.
private struct ArchiveScratch: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func makeStage(_ values: [String: JSONValue] = [:]) throws -> ArchiveStage {
        try ArchiveStage(
            setup: StageSetup(
                options: StageOptions(values, applying: ArchiveStage.descriptor.options), baseDirectory: url))
    }

    func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url.appendingPathComponent(relativePath)))
    }

    /// The records in one output file, decompressing `.gz` files.
    func records(in relativePath: String) throws -> [Record] {
        var data = try bytes(relativePath)
        if relativePath.hasSuffix(".gz") { data = try Gzip.decompress(data) }
        return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Record.self, from: Data($0)) }
    }

    /// The file names in `directory` (the output directory by default), sorted.
    func files(in directory: String = "out") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent(directory).path).sorted()
    }
}

private let lifecycle = LifecycleContext(logger: Logger(label: "archive-test"))

private func context(_ index: Int) -> StageContext {
    StageContext(logger: Logger(label: "archive-test"), recordIndex: index, stageIndex: 4, workspace: RecordWorkspace())
}

/// A realistic record: URL, fetch facts, extracted content, metadata, enrichment and a warning.
private func sampleRecord(_ index: Int, words: Int = 60) -> Record {
    let text = (0..<words).map { "word\($0 * 31 % 97)" }.joined(separator: " ")
    return Record(
        id: "page-\(index)",
        url: "https://news.example.org/2024/article-\(index).html",
        provenance: Provenance(source: "Samples/page-\(index).html", offset: 0, length: 4096),
        fetch: FetchInfo(status: 200, headers: [HTTPHeader(name: "Content-Type", value: "text/html")], date: "2024-05-01T10:00:00Z"),
        body: Body(bytes: Array("<html><body><p>\(text)</p></body></html>".utf8), contentType: "text/html", charset: "utf-8"),
        content: ExtractedContent(title: "Article \(index) — Zürich", text: text, markdown: "# Article \(index)\n\n\(text)"),
        metadata: Metadata(title: "Article \(index)", authors: ["Anna Müller"], language: "de"),
        enrichment: Enrichment(language: "de", languageSource: "declared", wordCount: words, characterCount: text.count),
        warnings: index % 3 == 0 ? ["charset windows-1252 assumed"] : [])
}

/// The record as written without its body.
private func withoutBody(_ record: Record) -> Record {
    var copy = record
    copy.body = nil
    return copy
}

private func archive(_ records: [Record], with stage: ArchiveStage, interrupted: Bool = false) async throws {
    try await stage.prepare(context: lifecycle)
    for (index, record) in records.enumerated() {
        guard case .keep(let passed) = try await stage.process(record, context: context(index)) else {
            Issue.record("the archive stage did not pass record \(index) on")
            continue
        }
        #expect(passed == record)
    }
    try await stage.finish(context: LifecycleContext(logger: Logger(label: "archive-test"), interrupted: interrupted))
}

struct ArchiveStageTests {
    @Test("writes every record to records.jsonl.gz in order, reading back equal, and passes each on")
    func writesRecords() async throws {
        let scratch = try ArchiveScratch()
        let records = (0..<250).map { sampleRecord($0) }
        try await archive(records, with: try scratch.makeStage(["dir": "out"]))
        #expect(try scratch.files(in: ".") == ["out"])
        #expect(try scratch.files() == ["records.index.json", "records.jsonl.gz"])
        let written = try scratch.records(in: "out/records.jsonl.gz")
        #expect(written == records.map(withoutBody))
        let index = try JSONDecoder().decode(ArchiveIndex.self, from: Data(try scratch.bytes("out/records.index.json")))
        #expect(index.complete)
        #expect(index.records == 250)
        #expect(index.files.map(\.path) == ["records.jsonl.gz"])
        #expect(index.files.first?.bytes == Int64(try scratch.bytes("out/records.jsonl.gz").count))
    }

    @Test("writes object keys in sorted order, so equal records give equal bytes in every process")
    func sortedKeys() async throws {
        let scratch = try ArchiveScratch()
        try await archive([sampleRecord(3)], with: try scratch.makeStage(["formats": ["jsonl"]]))
        let line = String(decoding: try scratch.bytes("out/records.jsonl"), as: UTF8.self)
        #expect(line.hasPrefix("{\"content\":{"))
        let topLevel = ["\"content\"", "\"enrichment\"", "\"fetch\"", "\"id\"", "\"metadata\"", "\"provenance\"", "\"schema\"", "\"url\"", "\"warnings\""]
        let positions = topLevel.compactMap { line.range(of: "," + $0 + ":")?.lowerBound ?? line.range(of: "{" + $0 + ":")?.lowerBound }
        #expect(positions.count == topLevel.count)
        #expect(positions == positions.sorted())
    }

    @Test("the system gzip accepts the output file")
    func systemGzipReadsOutput() async throws {
        let tool = try #require(["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let scratch = try ArchiveScratch()
        try await archive((0..<40).map { sampleRecord($0) }, with: try scratch.makeStage(["level": 9]))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-t", scratch.url.appendingPathComponent("out/records.jsonl.gz").path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("rolls to records-00001.jsonl.gz and onwards once a file reaches maxFileSize, losing no record")
    func rollsFiles() async throws {
        let scratch = try ArchiveScratch()
        let records = (0..<600).map { sampleRecord($0, words: 400) }
        let stage = try scratch.makeStage(["maxFileSize": "64KB", "level": 1])
        try await archive(records, with: stage)
        let files = try scratch.files().filter { $0.hasSuffix(".jsonl.gz") }
        #expect(files.count >= 3)
        #expect(files.contains("records.jsonl.gz"))
        #expect(files.contains("records-00001.jsonl.gz"))
        let index = try JSONDecoder().decode(ArchiveIndex.self, from: Data(try scratch.bytes("out/records.index.json")))
        #expect(index.files.map(\.path) == ["records.jsonl.gz"] + (1..<files.count).map { String(format: "records-%05d.jsonl.gz", $0) })
        var all: [Record] = []
        for file in index.files {
            let size = try scratch.bytes("out/\(file.path)").count
            // A file closes at the first member that takes it past the limit: at most one member (16 KB of
            // JSON) over.
            #expect(size < 64_000 + 16_000)
            let contents = try scratch.records(in: "out/\(file.path)")
            #expect(contents.count == file.records)
            all += contents
        }
        #expect(all == records.map(withoutBody))
        #expect(index.records == 600)
    }

    @Test("an interrupted run leaves complete gzip files and an index marked incomplete")
    func interruptedFinish() async throws {
        let scratch = try ArchiveScratch()
        let stage = try scratch.makeStage()
        try await stage.prepare(context: lifecycle)
        for index in 0..<30 { _ = try await stage.process(sampleRecord(index), context: context(index)) }
        // Before finish, the records are still buffered: the file is empty but already valid to append to.
        #expect(try scratch.bytes("out/records.jsonl.gz").isEmpty)
        try await stage.finish(context: LifecycleContext(logger: Logger(label: "archive-test"), interrupted: true))
        #expect(try scratch.records(in: "out/records.jsonl.gz").count == 30)
        let index = try JSONDecoder().decode(ArchiveIndex.self, from: Data(try scratch.bytes("out/records.index.json")))
        #expect(!index.complete)
        // A second finish (the runner may call it again on shutdown) changes nothing.
        try await stage.finish(context: lifecycle)
        #expect(try scratch.records(in: "out/records.jsonl.gz").count == 30)
    }

    @Test("includeBody writes the raw body as base64, which reads back byte for byte")
    func includeBody() async throws {
        let scratch = try ArchiveScratch()
        var record = sampleRecord(1)
        record.body = Body(bytes: [0, 0xFF, 0xFE, 0x3C, 0x68, 0x74, 0x6D, 0x6C, 0x3E] + Array("é".utf8), contentType: "text/html", charset: "windows-1252")
        try await archive([record], with: try scratch.makeStage(["includeBody": true]))
        let written = try scratch.records(in: "out/records.jsonl.gz")
        #expect(written == [record])
        let text = String(decoding: try Gzip.decompress(try scratch.bytes("out/records.jsonl.gz")), as: UTF8.self)
        #expect(text.contains("\"base64\":\"AP/+PGh0bWw+w6k=\""))
        #expect(text.contains("https://news.example.org/2024/article-1.html"))
    }

    @Test("both formats can be written at once with the same content")
    func bothFormats() async throws {
        let scratch = try ArchiveScratch()
        let records = (0..<20).map { sampleRecord($0) }
        try await archive(records, with: try scratch.makeStage(["formats": ["jsonl", "jsonl.gz"], "prefix": "batch"]))
        #expect(try scratch.files() == ["batch.index.json", "batch.jsonl", "batch.jsonl.gz"])
        #expect(try scratch.records(in: "out/batch.jsonl") == records.map(withoutBody))
        #expect(try Gzip.decompress(try scratch.bytes("out/batch.jsonl.gz")) == (try scratch.bytes("out/batch.jsonl")))
    }

    @Test("an empty run still writes an empty, valid output file and an index")
    func emptyRun() async throws {
        let scratch = try ArchiveScratch()
        try await archive([], with: try scratch.makeStage())
        #expect(try scratch.bytes("out/records.jsonl.gz").isEmpty)
        let index = try JSONDecoder().decode(ArchiveIndex.self, from: Data(try scratch.bytes("out/records.index.json")))
        #expect(index.records == 0)
        #expect(index.complete)
    }

    @Test("overwriting removes the rolled files of an earlier run; overwrite false refuses existing files")
    func overwrite() async throws {
        let scratch = try ArchiveScratch()
        let out = scratch.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for stale in ["records-00001.jsonl.gz", "records-00002.jsonl.gz"] {
            try Data([1, 2, 3]).write(to: out.appendingPathComponent(stale))
        }
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes-00001.jsonl.gz"))
        try await archive([sampleRecord(0)], with: try scratch.makeStage())
        #expect(try scratch.files() == ["notes-00001.jsonl.gz", "records.index.json", "records.jsonl.gz"])
        let refusing = try scratch.makeStage(["overwrite": false])
        let error = await #expect(throws: StageError.self) { try await refusing.prepare(context: lifecycle) }
        #expect(error?.message.contains("already exists") == true)
        // Finishing after the failed prepare leaves the earlier run's files and index as they were.
        let earlierIndex = try scratch.bytes("out/records.index.json")
        try await refusing.finish(context: lifecycle)
        #expect(try scratch.bytes("out/records.index.json") == earlierIndex)
        #expect(try scratch.records(in: "out/records.jsonl.gz").count == 1)
    }

    @Test("rejects an empty format list and a prefix with a slash")
    func invalidOptions() throws {
        let scratch = try ArchiveScratch()
        #expect(throws: StageError.self) { try scratch.makeStage(["formats": []]) }
        #expect(throws: StageError.self) { try scratch.makeStage(["prefix": "a/b"]) }
        let stage = try scratch.makeStage(["dir": "/tmp/absolute-out"])
        #expect(stage.configuration.directory.path == "/tmp/absolute-out")
    }

    @Test("the descriptor declares a sink named archive with documented defaults")
    func descriptor() {
        let descriptor = ArchiveStage.descriptor
        #expect(descriptor.name == "archive")
        #expect(descriptor.ordering == .inputOrder)
        #expect(descriptor.options.allSatisfy { !$0.summary.isEmpty && !$0.isRequired })
        #expect(descriptor.options.first { $0.name == "formats" }?.defaultValue == ["jsonl.gz"])
    }

    @Test("passes the stage conformance checks and archives every record it was given")
    func conformance() async throws {
        let scratch = try ArchiveScratch()
        try await checkStageConformance(try scratch.makeStage(["includeBody": true]))
        let written = try scratch.records(in: "out/records.jsonl.gz")
        #expect(written.count == 6)
        #expect(written.last?.id == ConformanceInputs.article.id)
        #expect(written.last?.body == ConformanceInputs.article.body)
    }
}
