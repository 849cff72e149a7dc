import Foundation
public import Logging
public import WinnowCore
import Synchronization

/// Runs a pipeline: pulls records from the source, passes each through the stages, and accounts for every
/// record as written, dropped or failed.
///
/// - Streaming with bounded memory: a record is read only when one of `concurrency` slots is free, so at most
///   `concurrency` records are in flight.
/// - Each record runs through all stages in one child task, with its own `RecordWorkspace`.
/// - `inputOrder` stages (sinks) are called one record at a time; with `ordered` (the default) in input order,
///   so the output is identical at any concurrency.
/// - A stage that throws fails that record only; it is listed in `errors.jsonl` and the run goes on.
/// - When failures go over `maxFailures`, or the `RunInterruption` is tripped, the runner stops reading,
///   finishes the records in flight and calls `finish` on every stage so outputs are complete.
///
/// ```swift
/// let runner = try PipelineRunner(configuration: configuration, registry: registry)
/// let report = try await runner.run()
/// print(report.formattedTable())
/// ```
public struct PipelineRunner: Sendable {
    /// The input.
    public let source: any RecordSource
    /// The enabled stages, in order.
    public let steps: [PipelineStep]
    /// Concurrency, ordering, failure limit and reports directory.
    public let settings: RunSettings
    /// Where the runner and the stages log.
    public let logger: Logger
    /// Trip it to stop the run cleanly.
    public let interruption: RunInterruption
    /// Shows progress, when given.
    public let progress: ProgressReporter?

    /// Creates a runner from stages built elsewhere (tests, programs that embed Winnow).
    public init(
        source: any RecordSource, steps: [PipelineStep], settings: RunSettings,
        logger: Logger = Logger(label: "winnow"), interruption: RunInterruption = RunInterruption(),
        progress: ProgressReporter? = nil
    ) {
        self.source = source
        self.steps = steps
        self.settings = settings
        self.logger = logger
        self.interruption = interruption
        self.progress = progress
    }

    /// Builds the source and the enabled stages of a validated configuration with the registry's factories.
    ///
    /// A factory that rejects its options is a configuration error naming the stage and its index.
    public init(
        configuration: PipelineConfiguration, registry: StageRegistry, logger: Logger = Logger(label: "winnow"),
        interruption: RunInterruption = RunInterruption(), progress: ProgressReporter? = nil
    ) throws(ConfigurationError) {
        let file = configuration.file?.relativePath ?? "pipeline.json"
        var issues: [ConfigurationIssue] = []
        var source: (any RecordSource)?
        if let factory = registry.sources[configuration.input.use] {
            do {
                source = try factory.make(StageSetup(
                    options: configuration.input.options, baseDirectory: configuration.baseDirectory, logger: logger))
            } catch {
                issues.append(ConfigurationIssue(
                    file: file, path: "input.\(configuration.input.use)",
                    message: "source \"\(configuration.input.use)\" cannot be set up: \(error)"))
            }
        } else {
            issues.append(ConfigurationIssue(file: file, path: "input", message: "unknown source \"\(configuration.input.use)\""))
        }
        var steps: [PipelineStep] = []
        for (index, stage) in configuration.stages.enumerated() where stage.enabled {
            guard let factory = registry.stages[stage.use] else {
                issues.append(ConfigurationIssue(file: file, path: "stages[\(index)].use", message: "unknown stage \"\(stage.use)\""))
                continue
            }
            do {
                var stageLogger = logger
                stageLogger[metadataKey: "stage"] = "\(stage.name)"
                let built = try factory.make(StageSetup(
                    options: stage.options, baseDirectory: configuration.baseDirectory, stageIndex: index,
                    logger: stageLogger))
                steps.append(PipelineStep(
                    name: stage.name, use: stage.use, index: index, ordering: factory.descriptor.ordering, stage: built))
            } catch {
                issues.append(ConfigurationIssue(
                    file: file, path: "stages[\(index)]",
                    message: "stage \"\(stage.name)\" (stages[\(index)], \(stage.use)) cannot be set up: \(error)"))
            }
        }
        guard issues.isEmpty, let source else { throw ConfigurationError(issues: issues) }
        self.init(
            source: source, steps: steps,
            settings: RunSettings(
                concurrency: configuration.concurrency, ordered: configuration.ordered,
                maxFailures: configuration.maxFailures, reportsDirectory: configuration.reportsDirectory),
            logger: logger, interruption: interruption, progress: progress)
    }

    /// Runs the pipeline to the end of its input (or until interrupted or over the failure limit).
    ///
    /// Throws when the run cannot start or its input becomes unusable: the reports directory cannot be
    /// created, a stage's `prepare` fails (`RunError`), or the source cannot be opened. Record-level problems
    /// never throw; they are counted and logged.
    public func run() async throws -> RunReport {
        let clock = ContinuousClock()
        let started = clock.now
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: settings.reportsDirectory, withIntermediateDirectories: true)
        } catch {
            throw RunError(message: "cannot create the reports directory \(settings.reportsDirectory.path): \(error.localizedDescription)")
        }
        let errorsURL = settings.reportsDirectory.appendingPathComponent("errors.jsonl")
        let reportURL = settings.reportsDirectory.appendingPathComponent("report.json")
        let errorLog: ErrorLog
        do {
            errorLog = try ErrorLog(url: errorsURL)
        } catch {
            throw RunError(message: "cannot write \(errorsURL.path): \(error.localizedDescription)")
        }
        defer { errorLog.close() }

        var prepared: [PipelineStep] = []
        for step in steps {
            do {
                try await step.stage.prepare(context: lifecycleContext(for: step, interrupted: false))
                prepared.append(step)
            } catch {
                await finish(prepared, interrupted: true)
                throw RunError(message: "stage \"\(step.name)\" (stages[\(step.index)]) could not start: \(error)")
            }
        }

        let reader: any RecordReader
        do {
            reader = try await source.makeReader()
        } catch {
            await finish(prepared, interrupted: true)
            throw RunError(message: "cannot open the input: \(error)")
        }

        let state = RunState(steps: steps, settings: settings, errorLog: errorLog, logger: logger, progress: progress)
        progress?.start(totalBytes: reader.totalBytes)
        let readError = await pump(reader: reader, state: state)
        if let readError { logger.error("reading the input failed, stopping: \(readError)") }
        reader.close()
        progress?.update(bytesRead: reader.bytesRead)
        progress?.stop()

        let interrupted = interruption.isTripped
        let finishErrors = await finish(steps, interrupted: interrupted || readError != nil)
        let elapsed = started.duration(to: clock.now)
        var report = state.report(
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            bytesRead: reader.bytesRead, interrupted: interrupted,
            finishErrors: finishErrors + (readError.map { ["input: \($0)"] } ?? [])
                + (errorLog.writeFailure.map { ["errors.jsonl: \($0)"] } ?? []),
            errorsFile: errorsURL.path, reportFile: reportURL.path)
        assert(report.isBalanced, "read \(report.read) != written \(report.written) + dropped \(report.dropped) + failed \(report.failed)")
        if !report.isBalanced {
            report.finishErrors.append("internal: counters do not add up")
            report.exitCode = RunReport.exitFailuresAboveLimit
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(report).write(to: reportURL)
        } catch {
            logger.error("cannot write \(reportURL.path): \(error.localizedDescription)")
        }
        return report
    }

    /// Reads records while slots are free and hands each to a child task; returns when the input ends, the
    /// run is stopped or the reader throws (returning its error), always after every record in flight is done.
    private func pump(reader: any RecordReader, state: RunState) async -> (any Error)? {
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            var sequence = 0
            var readIndex = 0
            var readError: (any Error)?
            while true {
                if interruption.isTripped || state.stopRequested { break }
                if inFlight >= settings.concurrency {
                    await group.next()
                    inFlight -= 1
                    continue
                }
                let next: SourceItem?
                do {
                    next = try await reader.next()
                } catch {
                    readError = error
                    break
                }
                guard let item = next else { break }
                progress?.update(bytesRead: reader.bytesRead)
                let index = readIndex
                readIndex += 1
                switch item {
                case .failure(let failure):
                    state.inputFailed(failure)
                case .record(let record):
                    let recordSequence = sequence
                    sequence += 1
                    inFlight += 1
                    group.addTask {
                        await state.process(record, sequence: recordSequence, index: index)
                    }
                }
            }
            await group.waitForAll()
            return readError
        }
    }

    private func lifecycleContext(for step: PipelineStep, interrupted: Bool) -> LifecycleContext {
        var stageLogger = logger
        stageLogger[metadataKey: "stage"] = "\(step.name)"
        return LifecycleContext(logger: stageLogger, interrupted: interrupted)
    }

    /// Calls `finish` on every step, in pipeline order, collecting failures.
    @discardableResult
    private func finish(_ steps: [PipelineStep], interrupted: Bool) async -> [String] {
        var problems: [String] = []
        for step in steps {
            do {
                try await step.stage.finish(context: lifecycleContext(for: step, interrupted: interrupted))
            } catch {
                logger.error("stage \(step.name) failed to finish: \(error)")
                problems.append("stage \"\(step.name)\" (stages[\(step.index)]) failed to finish: \(error)")
            }
        }
        return problems
    }
}

/// A run that could not start or whose input became unusable.
public struct RunError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The counters of one stage, updated by concurrent records.
private final class StageCounters: Sendable {
    let input = Atomic<Int>(0)
    let output = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let nanoseconds = Atomic<Int64>(0)
    let drops = Mutex<[String: Int]>([:])
}

/// The shared state of one run: counters, gates and the error log.
private final class RunState: Sendable {
    let steps: [PipelineStep]
    let settings: RunSettings
    let errorLog: ErrorLog
    let logger: Logger
    let progress: ProgressReporter?
    let counters: [StageCounters]
    let gates: [StageGate?]
    let read = Atomic<Int>(0)
    let written = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let inputFailures = Atomic<Int>(0)
    private let stop = Atomic<Bool>(false)

    init(steps: [PipelineStep], settings: RunSettings, errorLog: ErrorLog, logger: Logger, progress: ProgressReporter?) {
        self.steps = steps
        self.settings = settings
        self.errorLog = errorLog
        self.logger = logger
        self.progress = progress
        counters = steps.map { _ in StageCounters() }
        gates = steps.map { $0.ordering == .inputOrder ? StageGate(ordered: settings.ordered) : nil }
    }

    var stopRequested: Bool { stop.load(ordering: .relaxed) }

    func inputFailed(_ failure: ReadFailure) {
        read.add(1, ordering: .relaxed)
        progress?.recordRead()
        progress?.recordDone(failed: true)
        inputFailures.add(1, ordering: .relaxed)
        errorLog.append(.init(
            record: failure.recordID, source: failure.source, offset: nil, stage: "input", index: nil,
            code: failure.error.code.rawValue, message: failure.error.description))
        recordFailure()
    }

    /// Runs one record through every stage.
    func process(_ record: Record, sequence: Int, index: Int) async {
        read.add(1, ordering: .relaxed)
        progress?.recordRead()
        let workspace = RecordWorkspace()
        var current = record
        var recordLogger = logger
        recordLogger[metadataKey: "record"] = "\(record.id)"
        let clock = ContinuousClock()
        for (position, step) in steps.enumerated() {
            let counter = counters[position]
            counter.input.add(1, ordering: .relaxed)
            let gate = gates[position]
            await gate?.enter(sequence)
            var context = StageContext(logger: recordLogger, recordIndex: index, stageIndex: step.index, workspace: workspace)
            context.logger[metadataKey: "stage"] = "\(step.name)"
            let start = clock.now
            let outcome: Result<StageOutcome, any Error>
            do {
                outcome = .success(try await step.stage.process(current, context: context))
            } catch {
                outcome = .failure(error)
            }
            let elapsed = start.duration(to: clock.now)
            counter.nanoseconds.add(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000,
                ordering: .relaxed)
            gate?.leave(sequence)
            switch outcome {
            case .success(.keep(let kept)):
                counter.output.add(1, ordering: .relaxed)
                current = kept
            case .success(.drop(let reason)):
                counter.drops.withLock { $0[reason, default: 0] += 1 }
                dropped.add(1, ordering: .relaxed)
                skipGates(after: position, sequence: sequence)
                progress?.recordDone(failed: false)
                return
            case .failure(let error):
                counter.failed.add(1, ordering: .relaxed)
                let stageError = error as? StageError
                errorLog.append(.init(
                    record: current.id, source: current.provenance?.source ?? record.provenance?.source,
                    offset: current.provenance?.offset ?? record.provenance?.offset, stage: step.name,
                    index: step.index, code: stageError?.code.rawValue ?? "error",
                    message: stageError?.description ?? String(describing: error)))
                recordLogger.debug("record failed in stage \(step.name): \(error)")
                skipGates(after: position, sequence: sequence)
                recordFailure()
                progress?.recordDone(failed: true)
                return
            }
        }
        written.add(1, ordering: .relaxed)
        progress?.recordDone(failed: false)
    }

    private func skipGates(after position: Int, sequence: Int) {
        for gate in gates[(position + 1)...] { gate?.skip(sequence) }
    }

    private func recordFailure() {
        let failures = failed.add(1, ordering: .relaxed).newValue
        if settings.maxFailures.shouldStop(failed: failures, read: read.load(ordering: .relaxed)),
            !stop.exchange(true, ordering: .relaxed)
        {
            logger.error("\(failures) records failed, over maxFailures \(settings.maxFailures): stopping")
        }
    }

    func report(
        seconds: Double, bytesRead: Int64, interrupted: Bool, finishErrors: [String], errorsFile: String,
        reportFile: String
    ) -> RunReport {
        let stageReports = zip(steps, counters).map { step, counter in
            let drops = counter.drops.withLock { $0 }
            return StageReport(
                name: step.name, use: step.use, index: step.index, input: counter.input.load(ordering: .relaxed),
                output: counter.output.load(ordering: .relaxed), dropped: drops.values.reduce(0, +), drops: drops,
                failed: counter.failed.load(ordering: .relaxed),
                seconds: Double(counter.nanoseconds.load(ordering: .relaxed)) / 1e9)
        }
        let readCount = read.load(ordering: .relaxed)
        let failedCount = failed.load(ordering: .relaxed)
        let exceeded = settings.maxFailures.isExceeded(failed: failedCount, read: readCount)
        let exitCode: Int32 =
            exceeded || !finishErrors.isEmpty ? RunReport.exitFailuresAboveLimit
            : failedCount > 0 ? RunReport.exitFailuresWithinLimit : RunReport.exitClean
        return RunReport(
            read: readCount, written: written.load(ordering: .relaxed), dropped: dropped.load(ordering: .relaxed),
            failed: failedCount, inputFailures: inputFailures.load(ordering: .relaxed), bytesRead: bytesRead,
            seconds: seconds, stages: stageReports, interrupted: interrupted, stoppedEarly: stopRequested,
            maxFailures: settings.maxFailures, finishErrors: finishErrors, exitCode: exitCode,
            errorsFile: errorsFile, reportFile: reportFile)
    }
}
