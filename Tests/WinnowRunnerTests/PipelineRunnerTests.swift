import Foundation
import Synchronization
import Testing
import WinnowCore
import WinnowRunner
import WinnowTestKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct PipelineRunnerTests {
    @Test("a stage failing every 7th record fails only those, and each is listed in errors.jsonl")
    func isolatesErrors() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sink = CollectingSink()
        let report = try await run(
            [("check", FailEverySeventh(), .concurrent), ("sink", sink, .inputOrder)],
            source: InMemorySource(records: numberedRecords(100)), in: directory.url, concurrency: 4)

        let failedIDs = stride(from: 6, to: 100, by: 7).map { "r\($0)" }
        #expect(report.failed == 14)
        #expect(report.written == 86)
        #expect(sink.ids == (0..<100).map { "r\($0)" }.filter { !failedIDs.contains($0) })

        let errors = try jsonLines(directory.read("errors.jsonl"))
        #expect(errors.compactMap { $0["record"]?.stringValue }.sorted() == failedIDs.sorted())
        for error in errors {
            #expect(error["stage"] == "check")
            #expect(error["index"] == 0)
            #expect(error["code"] == "test-failure")
            #expect(error["source"] == "memory")
            #expect(error["message"]?.stringValue?.contains("is a seventh record") == true)
        }
        #expect(report.exitCode == 1)
    }

    @Test("every record is read, then written, dropped or failed, and the counts add up")
    func keepsTheAccountingInvariant() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var items = numberedRecords(200).map(SourceItem.record)
        for position in [10, 50, 150] {
            items.insert(.failure(ReadFailure(recordID: "bad\(position)", source: "memory", error: StageError(.io, "unreadable"))), at: position)
        }
        let report = try await run(
            [("drop", DropEveryFifth(), .concurrent), ("fail", FailEverySeventh(), .concurrent),
             ("delay", RandomDelay(), .concurrent), ("sink", CollectingSink(), .inputOrder)],
            source: InMemorySource(items: items), in: directory.url, concurrency: 8)

        #expect(report.read == 203)
        #expect(report.read == report.written + report.dropped + report.failed)
        #expect(report.isBalanced)
        #expect(report.inputFailures == 3)
        #expect(report.dropped == report.stages[0].drops["fifth"])
        #expect(report.dropped > 0 && report.failed > 3)
        for stage in report.stages {
            #expect(stage.input == stage.output + stage.dropped + stage.failed, "stage \(stage.name)")
        }
        #expect(report.stages[3].output == report.written)

        let saved = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: directory.url.appendingPathComponent("report.json")))
        #expect(saved == report)
        let errors = try jsonLines(directory.read("errors.jsonl"))
        #expect(errors.count == report.failed)
        #expect(errors.filter { $0["stage"] == "input" }.count == 3)
    }

    @Test("sinks see the same records in the same order at concurrency 1 and 8")
    func keepsInputOrder() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var outputs: [[Record]] = []
        for concurrency in [1, 8, 8] {
            let sink = CollectingSink()
            let report = try await run(
                [("delay", RandomDelay(), .concurrent), ("drop", DropEveryFifth(), .concurrent),
                 ("fail", FailEverySeventh(), .concurrent), ("sink", sink, .inputOrder)],
                source: InMemorySource(records: numberedRecords(300)), in: directory.url, concurrency: concurrency)
            #expect(report.isBalanced)
            outputs.append(sink.records)
        }
        let expected = (0..<300).filter { ($0 + 1) % 5 != 0 && ($0 + 1) % 7 != 0 }.map { "r\($0)" }
        #expect(outputs[0].map(\.id) == expected)
        #expect(outputs[1] == outputs[0])
        #expect(outputs[2] == outputs[0])
    }

    @Test("no more records are in flight than the concurrency allows", arguments: [1, 3, 6])
    func boundsConcurrency(limit: Int) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let probe = InFlightProbe()
        let sinkProbe = InFlightProbe(delay: .microseconds(200))
        let source = CountingSource(count: 120)
        let report = try await run(
            [("probe", probe, .concurrent), ("sink", sinkProbe, .inputOrder), ("done", NotifyFinished(source: source), .concurrent)],
            source: source, in: directory.url, concurrency: limit)
        #expect(report.written == 120)
        #expect(probe.maximum <= limit)
        #expect(probe.maximum >= min(limit, 2), "the runner should actually use the slots it has")
        #expect(sinkProbe.maximum == 1, "an inputOrder stage is called one record at a time")
        #expect(source.maximumAhead <= limit, "the source is read only when a slot is free")
    }

    @Test("inputOrder stages stay serial when ordered is false")
    func serialisesSinksWhenUnordered() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sinkProbe = InFlightProbe(delay: .microseconds(300))
        let sink = CollectingSink()
        let report = try await run(
            [("delay", RandomDelay(), .concurrent), ("probe", sinkProbe, .inputOrder), ("sink", sink, .inputOrder)],
            source: InMemorySource(records: numberedRecords(150)), in: directory.url, concurrency: 6, ordered: false)
        #expect(report.written == 150)
        #expect(sinkProbe.maximum == 1)
        #expect(Set(sink.ids) == Set((0..<150).map { "r\($0)" }))
    }

    @Test("an interrupted run stops reading, finishes every stage and its counts still add up")
    func windsDownWhenInterrupted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let interruption = RunInterruption()
        let sink = CollectingSink()
        let report = try await run(
            [("trip", TripInterruption(interruption: interruption, after: 40), .concurrent), ("sink", sink, .inputOrder)],
            source: InMemorySource(records: numberedRecords(5000)), in: directory.url, concurrency: 4,
            interruption: interruption)
        #expect(report.interrupted)
        #expect(report.read >= 41 && report.read < 100)
        #expect(report.isBalanced)
        #expect(report.written == sink.records.count)
        #expect(sink.ids == (0..<report.written).map { "r\($0)" })
        #expect(sink.prepareCount == 1)
        #expect(sink.finishCount == 1)
        #expect(sink.finishedAfterInterrupt)
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("report.json").path))
    }

    @Test("a real signal trips the interruption through SignalTrap")
    func stopsOnSignal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let interruption = RunInterruption()
        let trap = SignalTrap(interruption: interruption, signals: [SIGUSR1], exitOnSecondSignal: false)
        defer { trap.cancel() }
        let sink = CollectingSink()
        let report = try await run(
            [("signal", SignalAt(index: 30, signal: SIGUSR1), .concurrent), ("sink", sink, .inputOrder)],
            source: InMemorySource(records: numberedRecords(100_000)), in: directory.url, concurrency: 2,
            interruption: interruption)
        #expect(report.interrupted)
        #expect(interruption.reason == "signal \(SIGUSR1)")
        #expect(report.read < 100_000)
        #expect(report.isBalanced)
        #expect(sink.finishCount == 1 && sink.finishedAfterInterrupt)
    }

    @Test("exit status is 0 when clean, 1 within maxFailures and 3 above it")
    func exitCodes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clean = try await run(
            [("sink", CollectingSink(), .inputOrder)], source: InMemorySource(records: numberedRecords(50)),
            in: directory.url)
        #expect(clean.exitCode == 0)

        let within = try await run(
            [("fail", FailEverySeventh(), .concurrent)], source: InMemorySource(records: numberedRecords(100)),
            in: directory.url, maxFailures: .count(14))
        #expect(within.failed == 14)
        #expect(within.exitCode == 1)
        #expect(!within.stoppedEarly)

        let above = try await run(
            [("fail", FailEverySeventh(), .concurrent)], source: InMemorySource(records: numberedRecords(1000)),
            in: directory.url, concurrency: 2, maxFailures: .count(5))
        #expect(above.exitCode == 3)
        #expect(above.stoppedEarly)
        #expect(above.read < 100, "reading stops once failures pass the limit")
        #expect(above.isBalanced)

        let percent = try await run(
            [("fail", FailEverySeventh(), .concurrent)], source: InMemorySource(records: numberedRecords(1000)),
            in: directory.url, concurrency: 2, maxFailures: .percent(5))
        #expect(percent.exitCode == 3)
        #expect(percent.stoppedEarly)
        #expect(percent.read >= FailureLimit.minimumSampleForPercent && percent.read < 1000)

        let tolerated = try await run(
            [("fail", FailEverySeventh(), .concurrent)], source: InMemorySource(records: numberedRecords(1000)),
            in: directory.url, maxFailures: .percent(15))
        #expect(tolerated.exitCode == 1)
        #expect(tolerated.read == 1000)
    }

    @Test("maxFailures reads as a count or a percentage, and nothing else")
    func parsesFailureLimits() {
        #expect(FailureLimit(.number(10)) == .count(10))
        #expect(FailureLimit("10") == .count(10))
        #expect(FailureLimit("5%") == .percent(5))
        #expect(FailureLimit(" 0.5 % ") == .percent(0.5))
        for bad: JSONValue in ["150%", "many", .number(-1), .number(1.5), .bool(true), "%"] {
            #expect(FailureLimit(bad) == nil, "\(bad)")
        }
        #expect(FailureLimit.percent(5).isExceeded(failed: 6, read: 100))
        #expect(!FailureLimit.percent(5).isExceeded(failed: 5, read: 100))
        #expect(FailureLimit.percent(2.5).description == "2.5%")
    }

    @Test("an input that breaks mid-run stops reading, lets records in flight finish, and exits with status 3")
    func survivesBrokenInput() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sink = CollectingSink()
        let report = try await run(
            [("delay", RandomDelay(), .concurrent), ("sink", sink, .inputOrder)],
            source: BreakingSource(recordsBeforeError: 25), in: directory.url, concurrency: 4)
        #expect(report.read == 25)
        #expect(report.written == 25, "records in flight are finished, not cancelled")
        #expect(report.isBalanced)
        #expect(report.exitCode == 3)
        #expect(report.finishErrors.contains { $0.contains("disk was unplugged") })
        #expect(sink.finishCount == 1 && sink.finishedAfterInterrupt)
    }

    @Test("a stage that cannot finish its output makes the exit status 3")
    func reportsFinishErrors() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let report = try await run(
            [("sink", FailingFinish(), .inputOrder)], source: InMemorySource(records: numberedRecords(10)),
            in: directory.url)
        #expect(report.exitCode == 3)
        #expect(report.finishErrors.count == 1)
        #expect(report.finishErrors[0].contains("disk full"))
        #expect(report.formattedTable().contains("disk full"))
    }

    @Test("the report table lists every stage with its counters and drop reasons")
    func formatsTable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let report = try await run(
            [("drop", DropEveryFifth(), .concurrent), ("fail", FailEverySeventh(), .concurrent)],
            source: InMemorySource(records: numberedRecords(35)), in: directory.url)
        let table = report.formattedTable()
        #expect(table.contains("drop dropped: fifth: 7"))
        #expect(table.contains("read 35, written 24, dropped 7, failed 4"))
        #expect(table.split(separator: "\n")[0].hasPrefix("stage"))
    }
}

/// A source that counts how far its reads run ahead of the records that left the pipeline.
final class CountingSource: RecordSource, Sendable {
    private let state = Mutex<(read: Int, finished: Int, ahead: Int)>((0, 0, 0))
    let count: Int

    init(count: Int) {
        self.count = count
    }

    func makeReader() async throws -> any RecordReader { Reader(source: self) }

    var maximumAhead: Int { state.withLock { $0.ahead } }

    fileprivate func didRead() {
        state.withLock { state in
            state.read += 1
            state.ahead = max(state.ahead, state.read - state.finished)
        }
    }

    func didFinish() {
        state.withLock { $0.finished += 1 }
    }

    private final class Reader: RecordReader {
        let source: CountingSource
        var position = 0
        var bytesRead: Int64 { Int64(position) }

        init(source: CountingSource) {
            self.source = source
        }

        func next() async throws -> SourceItem? {
            guard position < source.count else { return nil }
            defer { position += 1 }
            source.didRead()
            return .record(Record(id: "c\(position)", extensions: ["source": .string("counting")]))
        }
    }
}

/// Sends `signal` to this process when it sees the record at input position `index`.
struct SignalAt: Stage {
    let index: Int
    let signal: Int32

    func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        if context.recordIndex == index { kill(getpid(), signal) }
        try await Task.sleep(for: .microseconds(500))
        return .keep(record)
    }
}

/// Tells a `CountingSource` that a record has left the pipeline.
struct NotifyFinished: Stage {
    let source: CountingSource

    func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        source.didFinish()
        return .keep(record)
    }
}

/// A source whose reader throws after a number of records, like an archive cut short.
struct BreakingSource: RecordSource {
    let recordsBeforeError: Int

    func makeReader() async throws -> any RecordReader { Reader(limit: recordsBeforeError) }

    final class Reader: RecordReader {
        let limit: Int
        var position = 0
        var bytesRead: Int64 { Int64(position) }

        init(limit: Int) {
            self.limit = limit
        }

        func next() async throws -> SourceItem? {
            guard position < limit else { throw StageError(.io, "the disk was unplugged") }
            position += 1
            return .record(Record(id: "b\(position)"))
        }
    }
}
