import Foundation
import Testing
import WinnowFormats

/// End-to-end tests that run the built `winnow` binary the way a user does.
@Suite(.serialized)
struct CommandLineTests {
    @Test("winnow run on the default pipeline writes records whose counts add up")
    func defaultPipelineRuns() throws {
        let directory = try WinnowBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            at: WinnowBinary.packageRoot.appendingPathComponent("Samples"), to: directory.appendingPathComponent("Samples"))
        try FileManager.default.copyItem(
            at: WinnowBinary.packageRoot.appendingPathComponent("pipeline.json"),
            to: directory.appendingPathComponent("pipeline.json"))

        let result = try WinnowBinary.run(["run", "--quiet"], in: directory)
        #expect(result.status == 0, "stderr: \(result.standardError)")

        let counts = try ReportCounts(contentsOf: directory.appendingPathComponent("out/report.json"))
        let (read, written) = (counts.read, counts.written)
        let samples = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("Samples").path)
        #expect(read == samples.count)
        #expect(read == written + counts.dropped + counts.failed)

        let compressed = try Data(contentsOf: directory.appendingPathComponent("out/records.jsonl.gz"))
        let lines = String(decoding: try Gzip.decompress([UInt8](compressed)), as: UTF8.self)
            .split(separator: "\n")
        #expect(lines.count == written)
        let seed = lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }.first { ($0["id"] as? String)?.contains("watson") == true }
        let text = (seed?["content"] as? [String: Any])?["text"] as? String ?? ""
        #expect(text.contains("Les intentions de la Russie restent obscures"))
        #expect(!text.contains("Nous utilisons des cookies"))
    }

    @Test("winnow validate reports a misspelled stage, an unknown option and a wrong type, each with its path")
    func validateReportsEveryProblem() throws {
        let directory = try WinnowBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pipeline = """
            {
              "input": {"files": {"paths": ["pages"]}},
              "stages": [
                {"use": "fetch"},
                {"use": "claen"},
                {"use": "parse", "with": {"linkz": true}},
                {"use": "archive", "with": {"level": "high"}}
              ]
            }
            """
        try pipeline.write(to: directory.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)

        let result = try WinnowBinary.run(["validate", "bad.json"], in: directory)
        #expect(result.status == 2)
        let messages = result.standardError
        #expect(messages.contains("stages[1].use"))
        #expect(messages.contains("did you mean \"clean\"") || messages.contains("did you mean 'clean'"))
        #expect(messages.contains("stages[2].with.linkz"))
        #expect(messages.contains("stages[3].with.level"))
        #expect(messages.contains("bad.json:5:"))
    }

    @Test("winnow run exits with status 2 when the run cannot start, naming what failed")
    func runThatCannotStartExitsWithTwo() throws {
        let directory = try WinnowBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "<p>One page.</p>".write(to: directory.appendingPathComponent("page.html"), atomically: true, encoding: .utf8)
        // The reports directory would have to be created inside a regular file.
        let pipeline = """
            {"input": {"files": {"paths": ["page.html"]}}, "stages": [{"use": "enrich"}],
             "reports": "page.html/reports"}
            """
        try pipeline.write(to: directory.appendingPathComponent("pipeline.json"), atomically: true, encoding: .utf8)
        let result = try WinnowBinary.run(["run", "--quiet"], in: directory)
        #expect(result.status == 2, "stderr: \(result.standardError)")
        #expect(result.standardError.contains("cannot create the reports directory"))
    }

    @Test("winnow validate accepts the default pipeline")
    func validateAcceptsDefault() throws {
        let result = try WinnowBinary.run(["validate", "pipeline.json"])
        #expect(result.status == 0, "stderr: \(result.standardError)")
    }

    @Test("winnow extract prints the seed article's text without its boilerplate")
    func extractPrintsArticle() throws {
        let result = try WinnowBinary.run(["extract", "Samples/watson-blinken-lavrov.html"])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        #expect(result.standardOutput.contains("Le secrétaire d'Etat américain Antony Blinken"))
        #expect(result.standardOutput.contains("a-t-il glissé à la télévision russe."))
        #expect(!result.standardOutput.contains("championnat de bataille de polochons"))
        #expect(!result.standardOutput.contains("Impressum"))
    }

    @Test("winnow extract --format json prints source, title, text, markdown and metadata")
    func extractPrintsJSON() throws {
        let result = try WinnowBinary.run(["extract", "--format", "json", "Samples/watson-blinken-lavrov.html"])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(object?["source"] as? String == "Samples/watson-blinken-lavrov.html")
        #expect((object?["markdown"] as? String)?.contains("## Premier échange") == true)
        let metadata = object?["metadata"] as? [String: Any]
        #expect(metadata?["language"] as? String == "fr")
        #expect(metadata?["sitename"] as? String == "watson.ch")
    }

    @Test("winnow stages lists every built-in stage with its options")
    func stagesListsBuiltins() throws {
        let result = try WinnowBinary.run(["stages"])
        #expect(result.status == 0)
        for name in ["files:", "urls:", "fetch:", "clean:", "parse:", "enrich:", "archive:"] {
            #expect(result.standardOutput.contains(name), "missing \(name)")
        }
    }

    @Test("SIGINT in the middle of a run finishes in-flight records and leaves every output complete")
    func interruptLeavesValidOutputs() throws {
        let directory = try WinnowBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pages = directory.appendingPathComponent("pages")
        try FileManager.default.createDirectory(at: pages, withIntermediateDirectories: true)
        let page = try Data(contentsOf: WinnowBinary.packageRoot.appendingPathComponent("Samples/watson-blinken-lavrov.html"))
        let count = 20_000
        for index in 0..<count {
            try page.write(to: pages.appendingPathComponent(String(format: "page-%05d.html", index)))
        }
        let pipeline = """
            {"input": {"files": {"paths": ["pages"]}},
             "stages": [{"use": "clean"}, {"use": "parse"}, {"use": "enrich"},
                        {"use": "archive", "with": {"dir": "out", "formats": ["jsonl.gz", "jsonl"]}}],
             "concurrency": 2, "reports": "out"}
            """
        try pipeline.write(to: directory.appendingPathComponent("pipeline.json"), atomically: true, encoding: .utf8)

        let (process, output, error) = try WinnowBinary.start(["run", "--quiet"], in: directory)
        let collected = WinnowBinary.collect(output: output, error: error)
        let archive = directory.appendingPathComponent("out/records.jsonl")
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline,
            ((try? FileManager.default.attributesOfItem(atPath: archive.path)[.size] as? Int) ?? 0) < 50_000
        {
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(process.isRunning, "the run ended before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "stderr: \(collected.error())")

        let counts = try ReportCounts(contentsOf: directory.appendingPathComponent("out/report.json"))
        let written = counts.written
        #expect(counts.read > 0 && counts.read < count)
        #expect(counts.read == written + counts.dropped + counts.failed)
        #expect(counts.interrupted == true)

        let compressed = try Data(contentsOf: directory.appendingPathComponent("out/records.jsonl.gz"))
        let lines = String(decoding: try Gzip.decompress([UInt8](compressed)), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == written)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil)
        }
        let plain = try String(contentsOf: archive, encoding: .utf8)
        #expect(plain.hasSuffix("\n"))
        #expect(plain.split(separator: "\n").count == written)
    }
}
