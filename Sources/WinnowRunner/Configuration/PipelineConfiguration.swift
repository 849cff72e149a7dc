public import Foundation
public import WinnowCore

/// A validated pipeline: its input, its stages with their options (defaults filled in) and the run settings.
///
/// Build one with `ConfigurationLoader`, which checks everything against a `StageRegistry`, or directly in
/// code (then the values are trusted as given).
public struct PipelineConfiguration: Sendable {
    /// The input: a registered source and its options.
    public var input: SourceConfiguration
    /// The stages in pipeline order, disabled ones included (the runner skips them).
    public var stages: [StageConfiguration]
    /// How many records are processed at once (at least 1).
    public var concurrency: Int
    /// Whether sinks (`inputOrder` stages) see records in input order.
    public var ordered: Bool
    /// How many failed records the run tolerates before it stops and exits with status 3.
    public var maxFailures: FailureLimit
    /// Where `errors.jsonl` and `report.json` are written.
    public var reportsDirectory: URL
    /// The directory relative paths in options are resolved against (the pipeline file's directory).
    public var baseDirectory: URL
    /// The configuration file, when the configuration was read from one.
    public var file: URL?

    /// The number of cores, the default concurrency.
    public static var defaultConcurrency: Int { ProcessInfo.processInfo.activeProcessorCount }
    /// The highest concurrency accepted: each record in flight holds its body and DOM in memory.
    public static let maximumConcurrency = 1024

    public init(
        input: SourceConfiguration, stages: [StageConfiguration], concurrency: Int = defaultConcurrency,
        ordered: Bool = true, maxFailures: FailureLimit = .default, reportsDirectory: URL,
        baseDirectory: URL, file: URL? = nil
    ) {
        self.input = input
        self.stages = stages
        self.concurrency = max(1, concurrency)
        self.ordered = ordered
        self.maxFailures = maxFailures
        self.reportsDirectory = reportsDirectory
        self.baseDirectory = baseDirectory
        self.file = file
    }
}

/// The input of a pipeline: the name of a registered source (the key under `"input"`) and its options.
public struct SourceConfiguration: Sendable {
    /// The source's registered name (`files`, `urls`).
    public var use: String
    /// The validated options, defaults filled in.
    public var options: StageOptions

    public init(use: String, options: StageOptions = StageOptions()) {
        self.use = use
        self.options = options
    }
}

/// One entry of `"stages"`: which stage, its options, its label and whether it runs.
public struct StageConfiguration: Sendable {
    /// The registered stage name (`"use"`).
    public var use: String
    /// The label used in counters and `errors.jsonl` (`"name"`, defaulting to `use`).
    public var name: String
    /// The validated options, defaults filled in.
    public var options: StageOptions
    /// Whether the stage runs (`"enabled"`, default `true`).
    public var enabled: Bool

    public init(use: String, name: String? = nil, options: StageOptions = StageOptions(), enabled: Bool = true) {
        self.use = use
        self.name = name ?? use
        self.options = options
        self.enabled = enabled
    }
}

/// How many failed records a run tolerates: a count, or a percentage of the records read.
public enum FailureLimit: Sendable, Hashable, Codable, CustomStringConvertible {
    /// At most this many failed records.
    case count(Int)
    /// At most this percentage (0–100) of the records read.
    case percent(Double)

    /// The default, `"5%"`.
    public static let `default` = FailureLimit.percent(5)

    /// Below this many records read, a percentage limit is not checked while the run is going (only at the
    /// end), so one early failure does not stop a large run.
    public static let minimumSampleForPercent = 100

    /// Parses `10` or `"10"` (a count) and `"2.5%"` (a percentage); `nil` for anything else.
    public init?(_ value: JSONValue) {
        switch value {
        case .number(let number) where number >= 0 && number.rounded() == number && number < 9e15:
            self = .count(Int(number))
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("%") {
                guard let percent = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)),
                    percent >= 0, percent <= 100
                else { return nil }
                self = .percent(percent)
            } else if let count = Int(trimmed), count >= 0 {
                self = .count(count)
            } else {
                return nil
            }
        default:
            return nil
        }
    }

    /// Whether `failed` failures out of `read` records is over the limit.
    public func isExceeded(failed: Int, read: Int) -> Bool {
        switch self {
        case .count(let limit): failed > limit
        case .percent(let percent): Double(failed) > Double(read) * percent / 100
        }
    }

    /// Whether the run should stop now: like `isExceeded`, but a percentage waits for a minimum sample.
    func shouldStop(failed: Int, read: Int) -> Bool {
        if case .percent = self, read < Self.minimumSampleForPercent { return false }
        return isExceeded(failed: failed, read: read)
    }

    public var description: String {
        switch self {
        case .count(let limit): "\(limit)"
        case .percent(let percent):
            percent.rounded() == percent ? "\(Int(percent))%" : "\(percent)%"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value = try container.decode(JSONValue.self)
        guard let limit = FailureLimit(value) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a count or \"N%\"")
        }
        self = limit
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .count(let limit): try container.encode(limit)
        case .percent: try container.encode(description)
        }
    }
}
