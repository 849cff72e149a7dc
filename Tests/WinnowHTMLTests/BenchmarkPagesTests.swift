import Foundation
import Testing
import WinnowHTML

/// The ScrapingHub benchmark pages in the shared folder next to the package, when present.
enum BenchmarkPages {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/bench/scrapinghub/html")

    static var available: Bool { FileManager.default.fileExists(atPath: directory.path) }

    /// The decompressed pages, by file name.
    static func load() throws -> [(name: String, bytes: [UInt8])] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".html.gz") }.sorted()
        return try names.map { name in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["gzip", "-dc", directory.appendingPathComponent(name).path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (name, [UInt8](data))
        }
    }
}

@Suite struct RealPages {
    @Test("every ScrapingHub page parses with a body, a title and text free of replacement characters",
          .enabled(if: BenchmarkPages.available))
    func scrapingHubPages() throws {
        let pages = try BenchmarkPages.load()
        #expect(pages.count == 181)
        for page in pages {
            let document = try HTMLDocument(bytes: page.bytes)
            let body = try #require(document.body, "\(page.name)")
            #expect(document.title != nil, "\(page.name)")
            let text = body.normalizedText
            #expect(text.unicodeScalars.count == body.textLength, "\(page.name)")
            #expect(text.utf8.count > 200, "\(page.name)")
            #expect(!text.unicodeScalars.contains("\u{FFFD}"), "\(page.name)")
            #expect(!text.contains("function(") || !text.contains("var "), "script text leaked in \(page.name)")
        }
    }

    @Test("documents are parsed concurrently in separate tasks")
    func concurrentParsing() async throws {
        let sources = (0..<16).map { "<html><body><p>page \($0)</p>" + String(repeating: "<div>x</div>", count: 2_000) + "</body></html>" }
        let lengths = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for (index, source) in sources.enumerated() {
                group.addTask {
                    let document = try HTMLDocument(bytes: Array(source.utf8))
                    return (index, document.body?.textLength ?? 0)
                }
            }
            var lengths: [Int: Int] = [:]
            for try await (index, length) in group { lengths[index] = length }
            return lengths
        }
        for index in sources.indices {
            // "page N" then " x" per div.
            #expect(lengths[index] == "page \(index)".count + 2 * 2_000)
        }
    }
}
