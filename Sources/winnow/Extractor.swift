import Foundation
import Logging
import WinnowCore

/// Runs the clean and parse stages on one record at a time, for `winnow extract`.
struct Extractor {
    /// The outcome of extracting one record.
    enum Outcome {
        case success(Record)
        case failure(String)
    }

    private let stages: [(name: String, stage: any Stage)]
    private let logger: Logger

    init(registry: StageRegistry, cleanOptions: [String: JSONValue], parseOptions: [String: JSONValue], logger: Logger) throws {
        var stages: [(String, any Stage)] = []
        for (index, (name, values)) in [("clean", cleanOptions), ("parse", parseOptions)].enumerated() {
            guard let factory = registry.stages[name] else { throw StageError(.internal, "the \(name) stage is not registered") }
            let specs = factory.descriptor.options
            var problems: [String] = []
            for (key, value) in values {
                guard let spec = specs.first(where: { $0.name == key }) else {
                    let names = specs.map(\.name)
                    let hint = NameSuggestion.hint(for: key, among: names)
                        ?? " (options: \(names.joined(separator: ", ")); see winnow stages \(name))"
                    problems.append("--\(name) \(key): unknown option\(hint)")
                    continue
                }
                problems += spec.kind.problems(with: value, at: "--\(name) \(key)").map { "\($0.path): \($0.message)" }
            }
            if !problems.isEmpty { throw StageError(.invalidInput, problems.joined(separator: "\n")) }
            let setup = StageSetup(
                options: StageOptions(values, applying: specs),
                baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                stageIndex: index, logger: logger)
            stages.append((name, try factory.make(setup)))
        }
        self.stages = stages
        self.logger = logger
    }

    /// Runs every stage on `record`; the record's DOM is parsed once and shared through one workspace.
    func extract(_ record: Record, index: Int) async -> Outcome {
        let workspace = RecordWorkspace()
        var current = record
        for (stageIndex, entry) in stages.enumerated() {
            let context = StageContext(logger: logger, recordIndex: index, stageIndex: stageIndex, workspace: workspace)
            do {
                switch try await entry.stage.process(current, context: context) {
                case .keep(let next): current = next
                case .drop(let reason): return .failure("dropped by \(entry.name): \(reason)")
                }
            } catch {
                return .failure("\(entry.name): \(error)")
            }
        }
        return .success(current)
    }
}

/// Accumulates the bytes and time spent in clean + parse, and reports throughput and peak memory.
struct ExtractionMeasurement {
    private(set) var pages = 0
    private(set) var bytes = 0
    private(set) var duration: Duration = .zero

    mutating func add(bytes: Int, duration: Duration) {
        pages += 1
        self.bytes += bytes
        self.duration += duration
    }

    var report: String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let pagesPerSecond = seconds > 0 ? Double(pages) / seconds : 0
        let megabytesPerSecond = seconds > 0 ? Double(bytes) / 1e6 / seconds : 0
        return String(
            format: "pages: %d, bytes: %d, clean+parse: %.3f s, %.1f pages/s, %.1f MB/s, peak RSS: %.1f MB",
            pages, bytes, seconds, pagesPerSecond, megabytesPerSecond, PeakMemory.megabytes)
    }
}

/// The process's peak resident set size.
enum PeakMemory {
    static var megabytes: Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF_LINUX, &usage)
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1_048_576  // bytes on Darwin
        #endif
    }

    #if os(Linux)
    private static let RUSAGE_SELF_LINUX = __rusage_who_t(0)
    #endif
}

/// Buffered writes to standard output (printing page texts one by one with `print` is slow).
final class StandardOutput {
    private var buffer: [UInt8] = []

    func write(_ text: String, terminator: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(contentsOf: terminator.utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    func flush() {
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
