import Foundation
public import Logging
public import WinnowCore
public import WinnowRunner

/// Runs one stage on records in memory, without a pipeline: `prepare`, one `process` call per record (in
/// order, each with a fresh workspace), then `finish`.
///
/// ```swift
/// let results = await runStage(MyStage(), on: [Record(id: "a", body: Body(bytes: Array("<p>hi</p>".utf8)))])
/// #expect(try results[0].get().keptRecord?.id == "a")
/// ```
public func runStage(
    _ stage: any Stage, on records: [Record], logger: Logger = Logger(label: "winnow.test")
) async -> [Result<StageOutcome, any Error>] {
    var results: [Result<StageOutcome, any Error>] = []
    do {
        try await stage.prepare(context: LifecycleContext(logger: logger))
    } catch {
        return records.map { _ in .failure(error) }
    }
    for (index, record) in records.enumerated() {
        let context = StageContext(logger: logger, recordIndex: index, stageIndex: 0, workspace: RecordWorkspace())
        do {
            results.append(.success(try await stage.process(record, context: context)))
        } catch {
            results.append(.failure(error))
        }
    }
    try? await stage.finish(context: LifecycleContext(logger: logger))
    return results
}

/// What `runPipeline` returns: the records that came out of the last stage, in order, and the run report.
public struct PipelineTestResult: Sendable {
    /// The records written (kept by every stage), in input order.
    public var outputs: [Record]
    /// The counters of the run.
    public var report: RunReport
    /// The lines of `errors.jsonl`, each parsed as a JSON object.
    public var errors: [[String: JSONValue]]
}

/// Runs stages on records with the real `PipelineRunner` (concurrency, ordering, error isolation), writing
/// the reports into a temporary directory that is removed afterwards.
public func runPipeline(
    _ stages: [any Stage], on records: [Record], concurrency: Int = 4, maxFailures: FailureLimit = .percent(100),
    logger: Logger = Logger(label: "winnow.test")
) async throws -> PipelineTestResult {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-test-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let sink = CollectingSink()
    var steps = stages.enumerated().map { index, stage in
        PipelineStep(name: "stage\(index)", index: index, ordering: ordering(of: stage), stage: stage)
    }
    steps.append(PipelineStep(name: "collect", index: stages.count, ordering: .inputOrder, stage: sink))
    let runner = PipelineRunner(
        source: InMemorySource(records: records), steps: steps,
        settings: RunSettings(concurrency: concurrency, maxFailures: maxFailures, reportsDirectory: directory),
        logger: logger)
    let report = try await runner.run()
    let errorText = (try? String(contentsOf: directory.appendingPathComponent("errors.jsonl"), encoding: .utf8)) ?? ""
    let errors = errorText.split(separator: "\n").compactMap { line in
        (try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)))?.objectValue
    }
    return PipelineTestResult(outputs: sink.records, report: report, errors: errors)
}

/// The ordering a stage declares, when it describes itself; `.concurrent` otherwise.
func ordering(of stage: any Stage) -> StageDescriptor.Ordering {
    if let configurable = stage as? any ConfigurableStage {
        return type(of: configurable).descriptor.ordering
    }
    if let sink = stage as? CollectingSink { return sink.ordering }
    return .concurrent
}

extension StageOutcome {
    /// The record, when the outcome is `.keep`.
    public var keptRecord: Record? {
        if case .keep(let record) = self { record } else { nil }
    }

    /// The reason, when the outcome is `.drop`.
    public var dropReason: String? {
        if case .drop(let reason) = self { reason } else { nil }
    }
}
