import Foundation
import Testing
import WinnowCore
@testable import WinnowFormats

/// Text that compresses like real HTML: markup with varied words.
func sampleHTML(paragraphs: Int) -> [UInt8] {
    var html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sample</title></head><body>\n"
    for index in 0..<paragraphs {
        html += "<p class=\"para-\(index % 7)\">Paragraph \(index): the quick brown fox jumps over the lazy dog; "
        html += "Zürich, Genève, 東京 and São Paulo, number \(index * 7919 % 10007).</p>\n"
    }
    html += "</body></html>\n"
    return Array(html.utf8)
}

/// Pseudo-random bytes that do not compress, from a fixed seed.
func incompressibleBytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

struct GzipTests {
    @Test("compress then decompress gives the input back, for empty, small, large and random data")
    func roundTrip() throws {
        let inputs: [[UInt8]] = [[], Array("a".utf8), sampleHTML(paragraphs: 5000), incompressibleBytes(count: 300_000)]
        for input in inputs {
            for level in [1, 6, 9] {
                let packed = Gzip.compress(input, level: level)
                #expect(Array(packed.prefix(2)) == [0x1F, 0x8B])
                #expect(try Gzip.decompress(packed) == input)
            }
        }
    }

    @Test("HTML compresses to well under half its size at level 6")
    func compressesHTML() {
        let html = sampleHTML(paragraphs: 2000)
        let packed = Gzip.compress(html)
        #expect(packed.count * 4 < html.count)
    }

    @Test("decompress reads every member of a multi-member stream")
    func multiMember() throws {
        let parts = [Array("first member\n".utf8), [], sampleHTML(paragraphs: 300), Array("last\n".utf8)]
        let joined = parts.flatMap { Gzip.compress($0) }
        #expect(try Gzip.decompress(joined) == parts.flatMap { $0 })
    }

    @Test("truncated input throws an invalid-input error naming the member")
    func truncated() throws {
        let parts = [sampleHTML(paragraphs: 100), sampleHTML(paragraphs: 200)]
        let joined = parts.flatMap { Gzip.compress($0) }
        for cut in [joined.count - 1, joined.count - 9, joined.count / 2, 5] {
            let error = #expect(throws: StageError.self) { try Gzip.decompress(Array(joined.prefix(cut))) }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.contains("truncated") == true)
        }
    }

    @Test("corrupt data and non-gzip input throw invalid-input")
    func corrupt() throws {
        var packed = Gzip.compress(sampleHTML(paragraphs: 100))
        packed[packed.count - 6] ^= 0xFF  // inside the CRC-32 trailer
        let crcError = #expect(throws: StageError.self) { try Gzip.decompress(packed) }
        #expect(crcError?.code == .invalidInput)
        let notGzip = #expect(throws: StageError.self) { try Gzip.decompress(Array("<html>plain</html>".utf8)) }
        #expect(notGzip?.code == .invalidInput)
        let empty = #expect(throws: StageError.self) { try Gzip.decompress([]) }
        #expect(empty?.code == .invalidInput)
    }

    @Test("output over maxOutputBytes throws too-large")
    func limit() throws {
        let input = [UInt8](repeating: 65, count: 1_000_000)
        let packed = Gzip.compress(input)
        let error = #expect(throws: StageError.self) { try Gzip.decompress(packed, maxOutputBytes: 999_999) }
        #expect(error?.code == .tooLarge)
        #expect(try Gzip.decompress(packed, maxOutputBytes: 1_000_000).count == 1_000_000)
    }

    @Test("the system gzip reads what Gzip.compress writes, and Gzip reads what the system gzip writes")
    func systemInterop() throws {
        let gzipPath = "/usr/bin/gzip"
        try #require(FileManager.default.isExecutableFile(atPath: gzipPath) || FileManager.default.isExecutableFile(atPath: "/bin/gzip"))
        let tool = FileManager.default.isExecutableFile(atPath: gzipPath) ? gzipPath : "/bin/gzip"
        let html = sampleHTML(paragraphs: 1000)
        let ours = Gzip.compress(Array(html.prefix(5000))) + Gzip.compress(Array(html.dropFirst(5000)))
        #expect(try runTool(tool, ["-dc"], input: ours) == html)
        let theirs = try runTool(tool, ["-c", "-9"], input: html)
        #expect(try Gzip.decompress(theirs) == html)
    }
}

/// Runs a command with `input` on standard input and returns its standard output; fails on a non-zero exit.
func runTool(_ path: String, _ arguments: [String], input: [UInt8]) throws -> [UInt8] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let inputURL = directory.appendingPathComponent("in")
    let outputURL = directory.appendingPathComponent("out")
    try Data(input).write(to: inputURL)
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardInput = try FileHandle(forReadingFrom: inputURL)
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(path) \(arguments) exited with \(process.terminationStatus)")
    return [UInt8](try Data(contentsOf: outputURL))
}
