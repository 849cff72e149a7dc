import Foundation
import Testing
import WinnowCore
import WinnowRunner

struct ConfigurationLoaderTests {
    let base = URL(fileURLWithPath: "/srv/pipelines")

    func load(_ text: String, overrides: [String] = [], environment: [String: String] = [:]) throws(ConfigurationError) -> PipelineConfiguration {
        try ConfigurationLoader.load(
            text: text, baseDirectory: base, overrides: overrides, environment: environment, registry: TestRegistry.standard)
    }

    func issues(_ text: String, overrides: [String] = [], environment: [String: String] = [:]) -> [ConfigurationIssue] {
        do {
            _ = try load(text, overrides: overrides, environment: environment)
            return []
        } catch {
            return error.issues
        }
    }

    @Test("a misspelled stage, an unknown option key and a wrong option type are all reported with path, line and column")
    func reportsThreeProblemsAtOnce() {
        let text = """
            {
              "input": {"files": {"paths": ["pages"]}},
              "stages": [
                {"use": "fetch"},
                {"use": "claen"},
                {"use": "parse", "with": {"linx": true}},
                {"use": "clean", "with": {"level": "high"}}
              ]
            }
            """
        let found = issues(text)
        #expect(found.count == 3)
        #expect(found.map(\.path) == ["stages[1].use", "stages[2].with.linx", "stages[3].with.level"])
        #expect(found.map(\.line) == [5, 6, 7])
        #expect(found.map(\.column) == [13, 31, 40])
        #expect(found[0].message.contains("did you mean \"clean\"?"))
        #expect(found[1].message.contains("did you mean \"links\"?"))
        #expect(found[2].description == "pipeline.json:7:40: stages[3].with.level: expected an integer from 1 to 9, found a string \"high\"")
        let error = ConfigurationError(issues: found)
        #expect(error.description.split(separator: "\n").count == 3)
    }

    @Test("JSON syntax errors name the line and column")
    func reportsSyntaxErrors() {
        let found = issues("{\n  \"input\": {\"files\": {}},\n  \"stages\": [1, 2,]\n}")
        #expect(found.count == 1)
        #expect(found.first?.line == 3)
        #expect(found.first?.column == 19)
        #expect(found.first?.message.hasPrefix("invalid JSON") == true)

        let unterminated = issues("{\"input\": \"abc")
        #expect(unterminated.first?.line == 1 && unterminated.first?.column == 11)
    }

    @Test("unknown top-level keys, a bad input and missing required options are reported")
    func reportsStructuralProblems() {
        let found = issues("""
            {"input": {"file": {"paths": "a"}}, "stages": [{"use": "archive"}, {"with": {}}, 3],
             "concurency": 2, "maxFailures": "lots", "version": 2}
            """)
        let messages = Dictionary(found.map { ($0.path, $0.message) }, uniquingKeysWith: { first, _ in first })
        #expect(messages["input.file"]?.contains("did you mean \"files\"?") == true)
        #expect(messages["stages[0].with.dir"]?.contains("missing required option \"dir\"") == true)
        #expect(messages["stages[1]"]?.contains("missing \"use\"") == true)
        #expect(messages["stages[2]"]?.contains("expected an object") == true)
        #expect(messages["concurency"]?.contains("did you mean \"concurrency\"?") == true)
        #expect(messages["maxFailures"]?.contains("\"5%\"") == true)
        #expect(messages["version"]?.contains("unsupported version 2") == true)
        #expect(found.count == 7)
        #expect(found.map { $0.line ?? 0 } == found.map { $0.line ?? 0 }.sorted())
    }

    @Test("duplicate keys and a missing input are errors")
    func reportsDuplicatesAndMissingInput() {
        let found = issues("{\"stages\": [], \"stages\": []}")
        #expect(found.contains { $0.path == "stages" && $0.message.contains("duplicate key") && $0.column == 16 })
        #expect(found.contains { $0.path == "input" && $0.message.contains("missing \"input\"") })
    }

    @Test("defaults fill in settings and options")
    func appliesDefaults() throws {
        let configuration = try load("""
            {"input": {"files": {"paths": ["a/*.html"]}},
             "stages": [{"use": "clean"}, {"use": "archive", "name": "out", "with": {"dir": "o"}, "enabled": false}]}
            """)
        #expect(configuration.concurrency == ProcessInfo.processInfo.activeProcessorCount)
        #expect(configuration.ordered)
        #expect(configuration.maxFailures == .percent(5))
        #expect(configuration.reportsDirectory.path == "/srv/pipelines/out")
        #expect(configuration.stages[0].options.string("comments") == "drop")
        #expect(configuration.stages[0].options.int("level") == 5)
        #expect(configuration.stages[0].options.byteSize("maxBytes") == 20_000_000)
        #expect(configuration.stages[1].name == "out")
        #expect(configuration.stages[1].enabled == false)
        #expect(configuration.stages[1].options.strings("formats") == ["jsonl.gz"])
        #expect(configuration.input.use == "files")
        #expect(configuration.input.options.byteSize("maxBytes") == 64_000_000)
    }

    @Test("settings are read: concurrency, ordered, maxFailures as count or percentage, reports")
    func readsSettings() throws {
        let configuration = try load("""
            {"$schema": "./pipeline.schema.json", "version": 1, "input": {"urls": {"list": ["https://example.com/"]}},
             "stages": [], "concurrency": 3, "ordered": false, "maxFailures": 12, "reports": "/tmp/reports"}
            """)
        #expect(configuration.concurrency == 3)
        #expect(!configuration.ordered)
        #expect(configuration.maxFailures == .count(12))
        #expect(configuration.reportsDirectory.path == "/tmp/reports")
        #expect(try load(#"{"input": {"urls": {}}, "stages": [], "maxFailures": "2.5%"}"#).maxFailures == .percent(2.5))
        #expect(issues(#"{"input": {"urls": {}}, "stages": [], "concurrency": 0}"#).first?.path == "concurrency")
    }

    @Test("${VAR} and ${VAR:-default} are replaced from the environment; an unset variable is an error naming the path")
    func interpolatesEnvironment() throws {
        let text = """
            {"input": {"files": {"paths": ["${DATA}/*.html", "${EXTRA:-extra}/x.html", "cost $5", "$${HOME}"]}},
             "stages": [{"use": "archive", "with": {"dir": "${OUT:-out}"}}]}
            """
        let configuration = try load(text, environment: ["DATA": "/data", "OUT": "/results"])
        #expect(configuration.input.options.strings("paths") == ["/data/*.html", "extra/x.html", "cost $5", "${HOME}"])
        #expect(configuration.stages[0].options.string("dir") == "/results")

        let found = issues(text, environment: [:])
        #expect(found.count == 1)
        #expect(found.first?.path == "input.files.paths[0]")
        #expect(found.first?.message.contains("environment variable DATA is not set") == true)
        #expect(found.first?.line == 1)
    }

    @Test("--set overrides address stages by index or by name and parse JSON values")
    func appliesOverrides() throws {
        let text = """
            {"input": {"files": {"paths": ["pages"]}},
             "stages": [{"use": "fetch"}, {"use": "clean", "with": {"level": 3}}, {"use": "archive", "name": "sink", "with": {"dir": "out"}}]}
            """
        let configuration = try load(text, overrides: [
            "stages[1].with.level=9", "concurrency=4", #"input.files.paths=["a/*.html", "b"]"#,
            "stages.clean.with.comments=keep", "stages.sink.with.dir=elsewhere", "stages[0].with.timeout=5s",
            "ordered=false", "stages[2].with.formats=jsonl",
        ])
        #expect(configuration.stages[2].options.strings("formats") == ["jsonl"])
        #expect(try load(text, overrides: ["stages.archive.with.dir=2024"]).stages[2].options.string("dir") == "2024")
        #expect(configuration.stages[1].options.int("level") == 9)
        #expect(configuration.stages[1].options.string("comments") == "keep")
        #expect(configuration.stages[2].options.string("dir") == "elsewhere")
        #expect(configuration.stages[0].options.duration("timeout") == .seconds(5))
        #expect(configuration.concurrency == 4)
        #expect(!configuration.ordered)
        #expect(configuration.input.options.strings("paths") == ["a/*.html", "b"])

        let found = issues(text, overrides: ["stages[1].with.level=high", "stages[7].use=x", "stages.nope.with.a=1", "novalue"])
        #expect(found.count == 4)
        #expect(found.contains { $0.file == "--set stages[1].with.level=high" && $0.path == "stages[1].with.level" && $0.message.contains("expected an integer from 1 to 9") })
        #expect(found.contains { $0.path == "stages[7].use" && $0.message.contains("has 3 entries") })
        #expect(found.contains { $0.message.contains("no entry named \"nope\"") })
        #expect(found.contains { $0.message.contains("expected path=value") })
    }

    @Test("a configuration file is loaded from disk, paths resolve next to it, and the runner builds from it")
    func loadsFromFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(#"{"input": {"files": {"paths": ["pages"]}}, "stages": [{"use": "enrich"}], "reports": "reports"}"#, to: "pipeline.json")
        try directory.write("<html><body><p>One</p></body></html>", to: "pages/one.html")
        let file = directory.url.appendingPathComponent("pipeline.json")
        let configuration = try ConfigurationLoader.load(contentsOf: file, environment: [:], registry: TestRegistry.standard)
        #expect(configuration.baseDirectory.path == directory.url.standardizedFileURL.path)
        let runner = try PipelineRunner(configuration: configuration, registry: TestRegistry.standard)
        let report = try await runner.run()
        #expect(report.read == 1 && report.written == 1)
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("reports/report.json").path))

        do {
            _ = try ConfigurationLoader.load(contentsOf: directory.url.appendingPathComponent("missing.json"), registry: TestRegistry.standard)
            Issue.record("a missing file must be an error")
        } catch {
            #expect(error.issues.first?.message.contains("cannot read the file") == true)
        }
    }

    @Test("a factory that rejects its options is a configuration error naming the stage and its index")
    func reportsFactoryErrors() throws {
        var registry = TestRegistry.standard
        registry.register(StageFactory(
            descriptor: StageDescriptor(name: "picky", summary: "Rejects everything."),
            make: { _ in throw StageError(.invalidInput, "the moon is in the wrong phase") }))
        let configuration = try ConfigurationLoader.load(
            text: #"{"input": {"urls": {"list": []}}, "stages": [{"use": "fetch"}, {"use": "picky"}]}"#,
            baseDirectory: base, registry: registry)
        do {
            _ = try PipelineRunner(configuration: configuration, registry: registry)
            Issue.record("building must fail")
        } catch {
            #expect(error.issues.count == 2)
            #expect(error.issues.contains { $0.path == "input.urls" && $0.message.contains("give \"file\"") })
            #expect(error.issues.contains { $0.path == "stages[1]" && $0.message.contains("picky") && $0.message.contains("wrong phase") })
        }
    }
}
