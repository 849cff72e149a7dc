import Foundation
import Logging
import Synchronization
import Testing
import WinnowCore
import WinnowTestKit
@testable import ExecStage

/// The directory holding the exec fixtures (`upper.py`).
private func fixturesDirectory() throws -> URL {
    try #require(Bundle.module.url(forResource: "upper", withExtension: "py", subdirectory: "Fixtures/exec"))
        .deletingLastPathComponent()
}

/// Builds an exec stage from pipeline options, relative paths resolving against `baseDirectory`.
private func makeExecStage(
    _ values: [String: JSONValue], baseDirectory: URL? = nil, logger: Logger = Logger(label: "exec-test")
) throws -> ExecStage {
    try ExecStage(
        setup: StageSetup(
            options: StageOptions(values, applying: ExecStage.descriptor.options),
            baseDirectory: baseDirectory ?? FileManager.default.temporaryDirectory, logger: logger))
}

/// A child that answers every line with the line itself.
private let shellEcho: JSONValue = ["/bin/sh", "-c", #"while IFS= read -r line; do printf '%s\n' "$line"; done"#]

private func context(_ index: Int = 0, logger: Logger = Logger(label: "exec-test")) -> StageContext {
    StageContext(logger: logger, recordIndex: index, stageIndex: 0, workspace: RecordWorkspace())
}

private func article(_ id: String, text: String = "Blinken met Lavrov in Geneva.") -> Record {
    Record(
        id: id, url: "https://example.com/\(id)",
        body: Body(bytes: Array("<p>\(text)</p>".utf8), contentType: "text/html"),
        content: ExtractedContent(title: "Talks", text: text))
}

/// Runs `body` between the stage's `prepare` and `finish`.
private func withPrepared<T>(
    _ stage: ExecStage, logger: Logger = Logger(label: "exec-test"), _ body: () async throws -> T
) async throws -> T {
    try await stage.prepare(context: LifecycleContext(logger: logger))
    do {
        let result = try await body()
        try await stage.finish(context: LifecycleContext(logger: logger))
        return result
    } catch {
        try await stage.finish(context: LifecycleContext(logger: logger))
        throw error
    }
}

/// The `StageError` a call threw, or `nil` when it returned.
private func stageError(_ call: () async throws -> StageOutcome) async -> StageError? {
    do {
        _ = try await call()
        return nil
    } catch let error as StageError {
        return error
    } catch {
        Issue.record("expected a StageError, got \(error)")
        return nil
    }
}

/// Collects log entries (level, message, merged metadata) for assertions.
private final class LogCapture: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    let entries = Mutex<[Entry]>([])

    var logger: Logger {
        Logger(label: "exec-capture") { _ in CapturingHandler(capture: self) }
    }

    private struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            capture.entries.withLock {
                $0.append(Entry(level: event.level, message: "\(event.message)", metadata: merged))
            }
        }
    }
}

struct ExecStageTests {
    @Test("a Python child upper-cases the text, keeps the body it was not sent and sees the configured environment")
    func pythonTransforms() async throws {
        let stage = try makeExecStage(
            ["command": ["python3", "upper.py"], "environment": ["WINNOW_GREETING": "grüezi"]],
            baseDirectory: try fixturesDirectory())
        let input = article("page-1", text: "Blinken met Lavrov.\n\nNo breakthrough, \"again\".")
        let outcome = try await withPrepared(stage) { try await stage.process(input, context: context()) }
        let record = try #require(outcome.keptRecord)
        #expect(record.id == "page-1")
        #expect(record.content?.text == "BLINKEN MET LAVROV.\n\nNO BREAKTHROUGH, \"AGAIN\".")
        #expect(record.content?.title == "Talks")
        #expect(record.url == input.url)
        #expect(record.body == input.body)
        let upper = try #require(record.extensions["upper"]?.objectValue)
        #expect(upper["greeting"] == "grüezi")
        #expect(upper["hadBody"] == false)
    }

    @Test("a Python child drops records and fails others with its own message")
    func pythonDropsAndFails() async throws {
        let stage = try makeExecStage(["command": ["python3", "upper.py"]], baseDirectory: try fixturesDirectory())
        try await withPrepared(stage) {
            let dropped = try await stage.process(article("please-drop-me"), context: context())
            #expect(dropped.dropReason == "asked to drop")
            let error = try #require(await stageError { try await stage.process(article("bad-42"), context: context()) })
            #expect(error.code == "exec-error")
            #expect(error.message.contains("cannot handle bad-42"))
            #expect(error.message.contains("python3 upper.py"))
            // The child is still in step: the next record is answered normally.
            let kept = try await stage.process(article("after"), context: context())
            #expect(kept.keptRecord?.content?.text == "BLINKEN MET LAVROV IN GENEVA.")
        }
    }

    @Test("a shell echo child passes records through unchanged, backslashes and quotes included")
    func shellPassthrough() async throws {
        let stage = try makeExecStage(["command": shellEcho])
        var input = article("echo", text: #"a \"quoted\" C:\path\n and a tab"# + "\there")
        input.metadata.authors = ["Anna Müller"]
        input.enrichment.signals = ["ratio": 0.25]
        input.warnings = ["charset assumed"]
        let outcome = try await withPrepared(stage) { try await stage.process(input, context: context()) }
        #expect(outcome.keptRecord == input)
    }

    @Test("sends the body as base64 with includeBody and takes the body the child sends back")
    func includeBody() async throws {
        let stage = try makeExecStage(["command": shellEcho, "includeBody": true])
        var input = article("with-body")
        input.body = Body(bytes: [0, 1, 2, 255, 10, 13], contentType: "application/octet-stream")
        let outcome = try await withPrepared(stage) { try await stage.process(input, context: context()) }
        #expect(outcome.keptRecord?.body == input.body)

        let python = try makeExecStage(
            ["command": ["python3", "upper.py"], "includeBody": true], baseDirectory: try fixturesDirectory())
        let answered = try await withPrepared(python) { try await python.process(input, context: context()) }
        #expect(answered.keptRecord?.extensions["upper"]?.objectValue?["hadBody"] == true)
    }

    @Test("a child that exits fails the record in flight with its status and stderr, and is restarted for the next")
    func childExitsAndRestarts() async throws {
        let script = #"""
            count=0
            while IFS= read -r line; do
              count=$((count + 1))
              if [ "$count" -ge 4 ]; then echo "giving up after 3 records" >&2; exit 3; fi
              printf '%s\n' "$line"
            done
            """#
        let stage = try makeExecStage(["command": ["/bin/sh", "-c", .string(script)]])
        try await withPrepared(stage) {
            for index in 1...3 {
                let outcome = try await stage.process(article("r\(index)"), context: context(index))
                #expect(outcome.keptRecord?.id == "r\(index)")
            }
            let error = try #require(await stageError { try await stage.process(article("r4"), context: context(4)) })
            #expect(error.code == "exec-failed")
            #expect(error.message.contains("exited with status 3"))
            #expect(error.message.contains("giving up after 3 records"))
            #expect(error.message.contains("'r4'"))
            let fifth = try await stage.process(article("r5"), context: context(5))
            #expect(fifth.keptRecord?.id == "r5")
        }
    }

    @Test("a child that crashes on a signal reports the signal")
    func childKilledBySignal() async throws {
        let stage = try makeExecStage(["command": ["/bin/sh", "-c", "read line; kill -SEGV $$"]])
        try await withPrepared(stage) {
            let error = try #require(await stageError { try await stage.process(article("crash"), context: context()) })
            #expect(error.code == "exec-failed")
            #expect(error.message.contains("killed by signal 11 (SIGSEGV)"))
        }
    }

    @Test("a record the child never answers times out, the child is killed, and the next record works")
    func timeoutRestarts() async throws {
        let script = #"""
            while IFS= read -r line; do
              case "$line" in *'"id":"hang'*) sleep 30 ;; esac
              printf '%s\n' "$line"
            done
            """#
        let stage = try makeExecStage(["command": ["/bin/sh", "-c", .string(script)], "timeout": "500ms"])
        try await withPrepared(stage) {
            let clock = ContinuousClock()
            let started = clock.now
            let error = try #require(await stageError { try await stage.process(article("hang-1"), context: context()) })
            let elapsed = started.duration(to: clock.now)
            #expect(error.code == "exec-timeout")
            #expect(error.message.contains("within 500ms"))
            // The child would answer after 30 s; the upper bound leaves room for a loaded machine, whose
            // cooperative pool may take seconds to resume the task once the timeout has fired.
            #expect(elapsed >= .milliseconds(450) && elapsed < .seconds(25))
            let next = try await stage.process(article("quick"), context: context(1))
            #expect(next.keptRecord?.id == "quick")
        }
    }

    @Test("lines the child writes on stderr are logged at warning level with the stage name")
    func stderrIsLogged() async throws {
        let capture = LogCapture()
        let script = #"""
            while IFS= read -r line; do
              echo "looking at a record" >&2
              printf '%s\n' "$line"
            done
            """#
        let stage = try makeExecStage(["command": ["/bin/sh", "-c", .string(script)]], logger: capture.logger)
        _ = try await withPrepared(stage, logger: capture.logger) {
            try await stage.process(article("noisy"), context: context(logger: capture.logger))
        }
        let entries = capture.entries.withLock { $0 }
        let logged = try #require(entries.first { $0.message.contains("looking at a record") })
        #expect(logged.level == .warning)
        #expect(logged.metadata["stage"] == "exec")
    }

    @Test("a record of 5 MB makes the round trip through a child intact")
    func largeRecordRoundTrip() async throws {
        let stage = try makeExecStage(["command": ["cat"]])
        let paragraph = "Ein Absatz mit Umlauten – äöü – und \"Anführungszeichen\".\n"
        let text = String(repeating: paragraph, count: 5_000_000 / paragraph.utf8.count + 1)
        let input = article("huge", text: text)
        // No bound on the time taken: a loaded machine stretches it, and the stage's timeout (60 s) already
        // fails a round trip that hangs.
        let outcome = try await withPrepared(stage) { try await stage.process(input, context: context()) }
        // Compared as a Bool so that a failure does not print 5 MB twice.
        let intact = outcome.keptRecord == input
        #expect(intact)
        #expect(outcome.keptRecord?.content?.text.utf8.count == text.utf8.count)
        #expect(text.utf8.count > 5_000_000)
    }

    @Test("eight concurrent tasks each get the answer to their own record", arguments: [1, 3])
    func concurrentCallsKeepTheirRecords(workers: Int) async throws {
        let stage = try makeExecStage(
            ["command": ["python3", "upper.py"], "workers": .number(Double(workers))],
            baseDirectory: try fixturesDirectory())
        let results = try await withPrepared(stage) {
            try await withThrowingTaskGroup(of: (String, Record?).self) { group in
                for task in 0..<8 {
                    group.addTask {
                        var kept: [(String, Record?)] = []
                        for round in 0..<5 {
                            let id = "task\(task)-round\(round)"
                            let outcome = try await stage.process(article(id, text: "text of \(id)"), context: context())
                            kept.append((id, outcome.keptRecord))
                        }
                        return kept.last ?? ("", nil)
                    }
                }
                return try await group.reduce(into: [(String, Record?)]()) { $0.append($1) }
            }
        }
        #expect(results.count == 8)
        var pids = Set<JSONValue>()
        for (id, record) in results {
            #expect(record?.id == id)
            #expect(record?.content?.text == "TEXT OF \(id.uppercased())")
            if let pid = record?.extensions["upper"]?.objectValue?["pid"] { pids.insert(pid) }
        }
        #expect(pids.count <= workers)
    }

    @Test("an answer with another id or one that is not JSON fails the record with a protocol error")
    func protocolErrors() async throws {
        let script = #"""
            while IFS= read -r line; do
              case "$line" in
                *'"id":"swap'*) printf '%s\n' '{"id": "someone-else"}' ;;
                *'"id":"junk'*) printf '%s\n' 'Traceback (most recent call last):' ;;
                *) printf '%s\n' "$line" ;;
              esac
            done
            """#
        let stage = try makeExecStage(["command": ["/bin/sh", "-c", .string(script)]])
        try await withPrepared(stage) {
            let swapped = try #require(await stageError { try await stage.process(article("swap"), context: context()) })
            #expect(swapped.code == "exec-protocol")
            #expect(swapped.message.contains("with record 'someone-else'"))
            let junk = try #require(await stageError { try await stage.process(article("junk"), context: context()) })
            #expect(junk.code == "exec-protocol")
            #expect(junk.message.contains("Traceback"))
            #expect(try await stage.process(article("fine"), context: context()).keptRecord?.id == "fine")
        }
    }

    @Test("a child that keeps failing is restarted maxRestarts times, then records fail at once")
    func restartLimit() async throws {
        let stage = try makeExecStage(["command": ["/bin/sh", "-c", "exit 7"], "maxRestarts": 2])
        try await withPrepared(stage) {
            var messages: [String] = []
            for index in 0..<5 {
                let error = try #require(
                    await stageError { try await stage.process(article("r\(index)"), context: context(index)) })
                messages.append(error.message)
            }
            #expect(messages.last?.contains("is not restarted again") == true)
            #expect(messages.last?.contains("exited with status 7") == true)
            #expect(messages.contains { $0.contains("exited with status 7") && $0.contains("restarted for the next") })
        }
    }

    @Test("finish closes the children's stdin and waits for them to exit")
    func finishWaitsForExit() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The child writes a marker only after its input ends, so the marker proves finish waited for it.
        let script = #"while IFS= read -r line; do printf '%s\n' "$line"; done; sleep 0.3; echo done > finished.txt"#
        let stage = try makeExecStage(["command": ["/bin/sh", "-c", .string(script)]], baseDirectory: directory)
        _ = try await withPrepared(stage) { try await stage.process(article("one"), context: context()) }
        let marker = try String(contentsOf: directory.appendingPathComponent("finished.txt"), encoding: .utf8)
        #expect(marker == "done\n")
    }

    @Test("a relative program path resolves against the pipeline's directory")
    func relativeProgramPath() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("bin"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("bin/echo.sh")
        try "#!/bin/sh\nexec cat\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let stage = try makeExecStage(["command": ["bin/echo.sh"]], baseDirectory: directory)
        let outcome = try await withPrepared(stage) { try await stage.process(article("relative"), context: context()) }
        #expect(outcome.keptRecord?.id == "relative")
    }

    @Test("a program that cannot be found is a configuration error naming it")
    func missingProgram() throws {
        #expect {
            try makeExecStage(["command": ["winnow-no-such-program-xyz", "--flag"]])
        } throws: { error in
            "\(error)".contains("'winnow-no-such-program-xyz' was not found in PATH")
        }
        #expect {
            try makeExecStage(["command": ["python3 upper.py"]])
        } throws: { error in
            "\(error)".contains(#"["python3", "upper.py"]"#)
        }
        #expect {
            try makeExecStage(["command": ["./missing.sh"]])
        } throws: { error in
            "\(error)".contains("is not an executable file")
        }
        #expect {
            try makeExecStage(["command": ["cat"], "environment": ["COUNT": 3]])
        } throws: { error in
            "\(error)".contains("environment.COUNT must be a string")
        }
    }

    @Test("passes the stage conformance checks with a passthrough child, body included")
    func conformance() async throws {
        try await checkStageConformance(try makeExecStage(["command": ["cat"], "includeBody": true]))
    }

    @Test("runs inside a pipeline: kept, dropped and failed records are accounted for")
    func runsInPipeline() async throws {
        let stage = try makeExecStage(
            ["command": ["python3", "upper.py"], "workers": 2], baseDirectory: try fixturesDirectory())
        let ids = (0..<30).map { index in index % 10 == 3 ? "bad-\(index)" : index % 10 == 7 ? "drop-\(index)" : "ok-\(index)" }
        let result = try await runPipeline([stage], on: ids.map { article($0, text: "text \($0)") }, concurrency: 4)
        #expect(result.report.isBalanced)
        #expect(result.outputs.map(\.id) == ids.filter { $0.hasPrefix("ok-") })
        #expect(result.outputs.allSatisfy { $0.content?.text == "TEXT \($0.id.uppercased())" })
        #expect(result.report.dropped == 3)
        #expect(result.report.failed == 3)
        #expect(result.errors.count == 3)
        #expect(result.errors.first?["message"]?.stringValue?.contains("cannot handle bad-3") == true)
    }
}

struct LineSplitterTests {
    @Test("splits lines across chunk boundaries and keeps an unterminated tail")
    func splitsAcrossChunks() {
        var splitter = LineSplitter()
        var lines: [[UInt8]] = []
        let input = Array("first\nsec".utf8) + Array("ond\n\nthird line\nta".utf8) + Array("il".utf8)
        for chunk in stride(from: 0, to: input.count, by: 4).map({ Array(input[$0..<min($0 + 4, input.count)]) }) {
            lines += chunk.withUnsafeBytes { splitter.append($0) }
        }
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["first", "second", "", "third line"])
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == "tail")
        #expect(splitter.finish() == nil)
    }

    @Test("a line of 8 MB arriving in 64 KiB chunks comes out whole, once its newline arrives")
    func longLine() {
        var splitter = LineSplitter()
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 65_536)
        for _ in 0..<128 {
            #expect(chunk.withUnsafeBytes { splitter.append($0) }.isEmpty)
        }
        #expect(splitter.pendingCount == 128 * 65_536)
        let lines = [UInt8(ascii: "\n"), UInt8(ascii: "y")].withUnsafeBytes { splitter.append($0) }
        #expect(lines.count == 1)
        #expect(lines.first?.count == 128 * 65_536)
        #expect(lines.first?.allSatisfy { $0 == UInt8(ascii: "x") } == true)
        #expect(splitter.finish() == [UInt8(ascii: "y")])
    }
}
