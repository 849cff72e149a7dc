import Foundation
import Testing
import WinnowBuiltinStages
import WinnowCore
import WinnowRunner

/// Runs the repository's own `pipeline.json` with the built-in stages.
struct DefaultPipelineTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let pipelineFile = packageRoot.appendingPathComponent("pipeline.json")

    static var registry: StageRegistry {
        var registry = BuiltinStages.registry
        StandardSources.register(into: &registry)
        return registry
    }

    @Test("the repository's pipeline.json validates against the built-in stages")
    func validates() throws {
        let configuration = try ConfigurationLoader.load(contentsOf: Self.pipelineFile, registry: Self.registry)
        #expect(configuration.stages.map(\.use) == ["fetch", "clean", "parse", "enrich", "archive"])
        _ = try PipelineRunner(configuration: configuration, registry: Self.registry)
    }

    @Test("the default pipeline archives the same records in the same order at concurrency 1 and 8")
    func writesSameOutputAtAnyConcurrency() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var outputs: [String] = []
        for concurrency in [1, 8] {
            let out = directory.url.appendingPathComponent("c\(concurrency)")
            let configuration = try ConfigurationLoader.load(
                contentsOf: Self.pipelineFile,
                overrides: [
                    "concurrency=\(concurrency)", "stages.archive.with.dir=\(out.path)",
                    #"stages.archive.with.formats=["jsonl"]"#, "reports=\(out.path)",
                ],
                registry: Self.registry)
            let report = try await PipelineRunner(configuration: configuration, registry: Self.registry).run()
            #expect(report.isBalanced)
            #expect(report.read >= 4)
            #expect(report.written > 0)
            outputs.append(try String(contentsOf: out.appendingPathComponent("records.jsonl"), encoding: .utf8))
        }
        let lines = try outputs.map { text in
            try text.split(separator: "\n").map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        }
        #expect(lines[0].count > 0)
        #expect(lines[0] == lines[1], "the same records, in the same order, with the same content")
    }
}
