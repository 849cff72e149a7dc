import Foundation
import Logging
import Synchronization
import WinnowCore
import WinnowRunner
import WinnowTestKit

/// A directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-runner-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ text: String, to name: String) throws {
        try write(Array(text.utf8), to: name)
    }

    func write(_ bytes: [UInt8], to name: String) throws {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Fails the records at input positions 6, 13, 20, … (every 7th record).
struct FailEverySeventh: Stage {
    func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        if (context.recordIndex + 1) % 7 == 0 {
            throw StageError("test-failure", "record \(record.id) is a seventh record")
        }
        return .keep(record)
    }
}

/// Drops the records at input positions 4, 9, 14, … (every 5th record) as "fifth".
struct DropEveryFifth: Stage {
    func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        (context.recordIndex + 1) % 5 == 0 ? .drop(reason: "fifth") : .keep(record)
    }
}

/// Sleeps a pseudo-random 0–3 ms (derived from the record id), so records finish out of order.
struct RandomDelay: Stage {
    func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        var hasher = Hasher()
        hasher.combine(record.id)
        hasher.combine(Int.random(in: 0..<1000))
        try await Task.sleep(for: .microseconds(abs(hasher.finalize()) % 3000))
        var changed = record
        changed.extensions["delayed"] = true
        return .keep(changed)
    }
}

/// Counts the calls in progress and remembers the largest number seen at once.
final class InFlightProbe: Stage {
    private let current = Atomic<Int>(0)
    private let peak = Atomic<Int>(0)
    let delay: Duration

    init(delay: Duration = .milliseconds(2)) {
        self.delay = delay
    }

    func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let now = current.add(1, ordering: .relaxed).newValue
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
        try? await Task.sleep(for: delay)
        current.subtract(1, ordering: .relaxed)
        return .keep(record)
    }

    var maximum: Int { peak.load(ordering: .relaxed) }
}

/// Trips an interruption when it sees the record at input position `after`.
struct TripInterruption: Stage {
    let interruption: RunInterruption
    let after: Int

    func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        if context.recordIndex == after { interruption.trip(reason: "test") }
        try await Task.sleep(for: .milliseconds(1))
        return .keep(record)
    }
}

/// A stage whose `finish` throws, like a sink that cannot close its file.
struct FailingFinish: Stage {
    func process(_ record: Record, context: StageContext) async throws -> StageOutcome { .keep(record) }

    func finish(context: LifecycleContext) async throws {
        throw StageError(.io, "disk full")
    }
}

/// Options-only stand-ins for the built-in stages, for configuration tests.
enum TestRegistry {
    static var standard: StageRegistry {
        var registry = StageRegistry()
        StandardSources.register(into: &registry)
        func passThrough(_ name: String, _ options: [OptionSpec], ordering: StageDescriptor.Ordering = .concurrent) -> StageFactory {
            StageFactory(
                descriptor: StageDescriptor(name: name, summary: "Test stage \(name).", options: options, ordering: ordering),
                make: { _ in FailEverySeventh() })
        }
        registry.register(passThrough("fetch", [OptionSpec("timeout", .duration, default: "30s", summary: "Timeout.")]))
        registry.register(passThrough("clean", [
            OptionSpec("comments", .choice(["keep", "drop", "separate"]), default: "drop", summary: "Comments."),
            OptionSpec("level", .integer(1...9), default: 5, summary: "Strictness."),
            OptionSpec("maxBytes", .byteSize, default: "20MB", summary: "Largest body."),
        ]))
        registry.register(passThrough("parse", [OptionSpec("links", .boolean, default: false, summary: "Links.")]))
        registry.register(passThrough("enrich", []))
        registry.register(passThrough("archive", [
            OptionSpec("dir", .string, summary: "Output directory."),
            OptionSpec("formats", .list(.choice(["jsonl", "jsonl.gz"])), default: ["jsonl.gz"], summary: "Formats."),
        ], ordering: .inputOrder))
        return registry
    }
}

/// Numbered records `r0`, `r1`, ….
func numberedRecords(_ count: Int) -> [Record] {
    (0..<count).map { Record(id: "r\($0)", provenance: Provenance(source: "memory", offset: Int64($0))) }
}

/// Runs `steps` over `source` with reports in `directory`.
func run(
    _ stages: [(String, any Stage, StageDescriptor.Ordering)], source: any RecordSource, in directory: URL,
    concurrency: Int = 4, ordered: Bool = true, maxFailures: FailureLimit = .percent(100),
    interruption: RunInterruption = RunInterruption()
) async throws -> RunReport {
    let steps = stages.enumerated().map { index, entry in
        PipelineStep(name: entry.0, index: index, ordering: entry.2, stage: entry.1)
    }
    let runner = PipelineRunner(
        source: source, steps: steps,
        settings: RunSettings(concurrency: concurrency, ordered: ordered, maxFailures: maxFailures, reportsDirectory: directory),
        logger: Logger(label: "test"), interruption: interruption)
    return try await runner.run()
}

/// The lines of a JSON Lines file, each decoded as an object.
func jsonLines(_ text: String) throws -> [[String: JSONValue]] {
    try text.split(separator: "\n").map { line in
        try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)).objectValue ?? [:]
    }
}
