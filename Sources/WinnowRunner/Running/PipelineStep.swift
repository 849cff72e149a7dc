public import Foundation
public import WinnowCore

/// One built stage as the runner uses it: the stage, its label, its position and how it is scheduled.
public struct PipelineStep: Sendable {
    /// The label used in counters and `errors.jsonl`.
    public var name: String
    /// The registered stage name.
    public var use: String
    /// The position in `"stages"` (reported in `errors.jsonl`).
    public var index: Int
    /// Concurrent, or one record at a time in input order.
    public var ordering: StageDescriptor.Ordering
    /// The stage.
    public var stage: any Stage

    public init(name: String, use: String? = nil, index: Int, ordering: StageDescriptor.Ordering = .concurrent, stage: any Stage) {
        self.name = name
        self.use = use ?? name
        self.index = index
        self.ordering = ordering
        self.stage = stage
    }
}

/// How a run is carried out: concurrency, ordering, failure limit and where reports go.
public struct RunSettings: Sendable {
    /// How many records are processed at once (at least 1).
    public var concurrency: Int
    /// Whether `inputOrder` stages see records in input order.
    public var ordered: Bool
    /// How many failures the run tolerates.
    public var maxFailures: FailureLimit
    /// Where `errors.jsonl` and `report.json` are written (created when missing).
    public var reportsDirectory: URL

    public init(concurrency: Int = PipelineConfiguration.defaultConcurrency, ordered: Bool = true,
                maxFailures: FailureLimit = .default, reportsDirectory: URL) {
        self.concurrency = max(1, concurrency)
        self.ordered = ordered
        self.maxFailures = maxFailures
        self.reportsDirectory = reportsDirectory
    }
}
