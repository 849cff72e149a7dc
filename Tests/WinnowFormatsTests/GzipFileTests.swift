import Foundation
import Testing
import WinnowCore
@testable import WinnowFormats

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-formats-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The path of the system gzip, when installed.
let systemGzip = ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }

struct GzipFileWriterTests {
    @Test("members written one by one read back as the concatenation, with correct offsets")
    func writeMembers() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("members.gz").path
        let writer = try GzipFileWriter(path: path, level: 6)
        let records = (0..<50).map { Array("record \($0): \(String(repeating: "body text ", count: $0 * 20))\n".utf8) }
        var placements: [(offset: Int64, length: Int64)] = []
        for record in records { placements.append(try writer.writeMember(record)) }
        try writer.close()
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Int64(file.count) == writer.compressedSize)
        #expect(writer.memberCount == 50)
        #expect(try Gzip.decompress(file) == records.flatMap { $0 })
        // Each recorded slice is a complete member holding exactly its record.
        for (record, placement) in zip(records, placements) {
            let slice = Array(file[Int(placement.offset)..<Int(placement.offset + placement.length)])
            #expect(try Gzip.decompress(slice) == record)
        }
    }

    @Test("buffered writes are cut into members only between writes, and the system gzip reads the file")
    func bufferedWritesInteroperate() throws {
        let tool = try #require(systemGzip)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("lines.gz").path
        let writer = try GzipFileWriter(path: path, level: 1, memberSize: 4096)
        var expected: [UInt8] = []
        for index in 0..<2000 {
            let line = Array("{\"id\":\(index),\"text\":\"line number \(index)\"}\n".utf8)
            try writer.write(line)
            expected += line
        }
        try writer.close()
        #expect(writer.memberCount > 10)
        #expect(writer.uncompressedBytes == Int64(expected.count))
        #expect(try runTool(tool, ["-dc"], input: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) == expected)
        // Every member holds whole lines: decompressing member by member never splits a line.
        let reader = try GzipFileReader(path: path)
        while let member = try reader.nextMember() {
            #expect(member.bytes.last == UInt8(ascii: "\n"))
        }
    }

    @Test("a file whose writer was never closed still holds every member flushed so far")
    func unclosedWriterLeavesValidFile() throws {
        let tool = try #require(systemGzip)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("partial.gz").path
        let writer = try GzipFileWriter(path: path, memberSize: 100)
        for index in 0..<10 { try writer.write(Array("line \(index) padded to be long enough\n".utf8)) }
        try writer.write(Array("still buffered\n".utf8))
        // The writer stays open (as after a crash): the file holds complete members only.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        _ = try runTool(tool, ["-t"], input: bytes)
        let text = String(decoding: try Gzip.decompress(bytes), as: UTF8.self)
        #expect(text.hasPrefix("line 0 "))
        #expect(!text.contains("still buffered"))
        try writer.close()
        let complete = String(decoding: try Gzip.decompress([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))), as: UTF8.self)
        #expect(complete.hasSuffix("still buffered\n"))
    }

    @Test("appending to an existing gzip file adds members; refusing to overwrite throws")
    func existingFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a.gz").path
        let first = try GzipFileWriter(path: path)
        try first.write(Array("one\n".utf8))
        try first.close()
        let second = try GzipFileWriter(path: path, existing: .append)
        let placement = try second.writeMember(Array("two\n".utf8))
        try second.close()
        #expect(placement.offset > 0)
        #expect(try Gzip.decompress([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) == Array("one\ntwo\n".utf8))
        let error = #expect(throws: StageError.self) { try GzipFileWriter(path: path, existing: .fail) }
        #expect(error?.message.contains("already exists") == true)
    }
}

struct GzipFileReaderTests {
    @Test("reads a multi-member file member by member, with offsets that match the writer's")
    func membersAndOffsets() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("warc-like.gz").path
        let writer = try GzipFileWriter(path: path)
        let records = [sampleHTML(paragraphs: 3000), Array("small\n".utf8), [], incompressibleBytes(count: 200_000)]
        let placements = try records.map { try writer.writeMember($0) }
        try writer.close()
        let reader = try GzipFileReader(path: path, readSize: 4096)
        var members: [GzipFileReader.Member] = []
        while let member = try reader.nextMember() { members.append(member) }
        #expect(members.map(\.bytes) == records)
        #expect(members.map(\.offset) == placements.map(\.offset))
        #expect(members.map(\.compressedLength) == placements.map(\.length))
        #expect(reader.bytesRead == writer.compressedSize)
    }

    @Test("chunks add up to the whole content, also for a file written by the system gzip")
    func chunks() throws {
        let tool = try #require(systemGzip)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let html = sampleHTML(paragraphs: 20_000)
        let path = directory.appendingPathComponent("system.gz").path
        try Data(try runTool(tool, ["-c"], input: html)).write(to: URL(fileURLWithPath: path))
        let reader = try GzipFileReader(path: path, readSize: 8192)
        var total: [UInt8] = []
        var chunkCount = 0
        while let chunk = try reader.nextChunk() {
            total += chunk
            chunkCount += 1
        }
        #expect(total == html)
        #expect(chunkCount > 1)
    }

    @Test("a truncated file throws after the complete members were read")
    func truncated() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cut.gz").path
        let full = Gzip.compress(Array("complete\n".utf8)) + Gzip.compress(sampleHTML(paragraphs: 500))
        try Data(full.dropLast(20)).write(to: URL(fileURLWithPath: path))
        let reader = try GzipFileReader(path: path)
        #expect(try reader.nextMember()?.bytes == Array("complete\n".utf8))
        let error = #expect(throws: StageError.self) { try reader.nextMember() }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("truncated") == true)
    }

    @Test("a member over maxBytes throws too-large")
    func memberLimit() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("big.gz").path
        try Data(Gzip.compress([UInt8](repeating: 32, count: 500_000))).write(to: URL(fileURLWithPath: path))
        let reader = try GzipFileReader(path: path)
        let error = #expect(throws: StageError.self) { try reader.nextMember(maxBytes: 100_000) }
        #expect(error?.code == .tooLarge)
    }

    @Test("a missing file throws an io error naming it")
    func missingFile() {
        let error = #expect(throws: StageError.self) { try GzipFileReader(path: "/nonexistent/winnow/file.gz") }
        #expect(error?.code == .io)
        #expect(error?.message.contains("/nonexistent/winnow/file.gz") == true)
    }
}

/// A value written as a JSON line in tests.
private struct Line: Codable, Equatable {
    var id: Int
    var url: String
    var text: String
}

struct JSONLinesWriterTests {
    @Test("writes one JSON object per line, gzip-compressed or plain, without escaping slashes")
    func writesLines() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let values = (0..<300).map { Line(id: $0, url: "https://example.org/a/\($0)", text: "Zürich \"quoted\"\nnew line") }
        for destination in [JSONLinesWriter.Destination.plain, .gzip(level: 6, memberSize: 2048)] {
            let path = directory.appendingPathComponent("lines-\(UUID().uuidString)").path
            let writer = try JSONLinesWriter(path: path, destination: destination)
            for value in values { try writer.write(value) }
            try writer.close()
            #expect(writer.lineCount == 300)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            if case .gzip = destination { bytes = try Gzip.decompress(bytes) }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains("https://example.org/a/7\""))
            let lines = text.split(separator: "\n")
            #expect(lines.count == 300)
            let decoded = try lines.map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
            #expect(decoded == values)
        }
    }
}
