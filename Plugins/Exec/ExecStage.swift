import Foundation
public import WinnowCore

/// The exec stage: hands each record to a program written in any language, which answers with the changed
/// record, a drop or an error, over JSON Lines on its stdin and stdout.
///
/// ```json
/// {"use": "exec", "with": {"command": ["python3", "scripts/tag.py"], "timeout": "10s", "workers": 2}}
/// ```
///
/// Protocol (one line is one JSON value; JSON escapes newlines inside strings, so a record is always one
/// line, however long):
/// - The stage writes each record as one line on the child's stdin, in the record schema (version 1) of
///   the README; `body` (base64) is included only with `includeBody`.
/// - The child answers exactly one line per input line, in order, and must flush stdout after each one
///   (pipes are block-buffered: `flush=True` in Python, `fflush(stdout)` in C, `python3 -u`):
///   - a record object: the record, possibly changed, with the same `id` (an answer without `body` keeps
///     the input's body);
///   - `{"drop": "reason"}`: the record leaves the pipeline, counted under that reason;
///   - `{"error": "message"}`: the record fails with that message.
/// - Lines the child writes on stderr are logged at warning level with the stage name.
/// - When stdin closes (end of the run), the child should exit; it is killed 5 seconds later.
///
/// Failures: a child that exits or crashes while a record is in flight fails that record (code
/// `exec-failed`, with the exit status and the child's last stderr lines) and is restarted for the next
/// one; a record not answered within `timeout` fails (`exec-timeout`) and the child (with its process group)
/// is killed and restarted. After `maxRestarts` restarts without an answer in between, every further record
/// fails at once. An answer that is not JSON, not a record, or has another id fails the record
/// (`exec-protocol`). A record in flight is not abandoned when its task is cancelled: it ends with its answer
/// or its timeout, which keeps the child in step. The child starts in the pipeline file's directory, in its own process group, with the
/// runner's environment plus `environment`.
public struct ExecStage: ConfigurableStage {
    public static let descriptor = StageDescriptor(
        name: "exec",
        summary: "Runs each record through a program in any language speaking JSON Lines on stdin and stdout.",
        options: [
            OptionSpec(
                "command", .list(.string),
                summary: "The program and its arguments, e.g. [\"python3\", \"scripts/tag.py\"]. A program "
                    + "without a slash is looked up in PATH; a relative path resolves against the pipeline "
                    + "file's directory, which is also the child's working directory."),
            OptionSpec(
                "includeBody", .boolean, default: false,
                summary: "Send each record's raw body (base64, under body.base64) to the child."),
            OptionSpec(
                "timeout", .duration, default: "60s",
                summary: "How long the child may take to answer one record; past it the record fails and the "
                    + "child is restarted. 0 waits without limit."),
            OptionSpec(
                "environment", .object, optional: true,
                summary: "Variables (name to string value) added to the child's environment."),
            OptionSpec(
                "workers", .integer(1...16), default: 1,
                summary: "How many copies of the program run at once; records are spread over them."),
            OptionSpec(
                "maxRestarts", .integer(0...1000), default: 3,
                summary: "How many times in a row the child is restarted after failing before every further "
                    + "record fails at once."),
        ]
    )

    /// The program and its arguments, as configured.
    public let command: [String]
    /// Whether records are sent with their body.
    public let includeBody: Bool
    /// How long one record may take; `nil` for no limit.
    public let timeout: Duration?
    /// How many children run at once.
    public var workers: Int { pool.size }

    private let pool: ChildPool

    /// How long a child may run after its stdin was closed at the end of the run.
    static let exitGracePeriod = Duration.seconds(5)

    public init(setup: StageSetup) throws {
        command = setup.options.strings("command") ?? []
        includeBody = setup.options.bool("includeBody") ?? false
        let timeout = setup.options.duration("timeout") ?? .seconds(60)
        self.timeout = timeout > .zero ? timeout : nil
        var environment: [String: String] = [:]
        for (name, value) in setup.options["environment"]?.objectValue ?? [:] {
            guard let text = value.stringValue else {
                throw StageError(.invalidInput, "exec: environment.\(name) must be a string, found "
                    + value.typeDescription)
            }
            environment[name] = text
        }
        let resolved = try ExecCommand(command: command, environment: environment, setup: setup)
        var logger = setup.logger
        logger[metadataKey: "stage"] = "\(Self.descriptor.name)"
        pool = ChildPool(
            command: resolved, size: min(16, max(1, setup.options.int("workers") ?? 1)),
            maxRestarts: max(0, setup.options.int("maxRestarts") ?? 3), logger: logger)
    }

    /// Starts the children; when one cannot start, stops those already started before throwing (the runner
    /// calls `finish` only on stages whose `prepare` succeeded).
    public func prepare(context: LifecycleContext) async throws {
        do {
            try pool.start(logger: context.logger)
        } catch {
            await pool.finish(grace: .zero)
            throw error
        }
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.userInfo[.includeBody] = includeBody
        var line: [UInt8]
        do {
            line = Array(try encoder.encode(record))
        } catch {
            throw StageError(.invalidInput, "exec: record '\(record.id)' cannot be written as JSON: \(error)",
                             underlying: error)
        }
        line.append(UInt8(ascii: "\n"))

        let answer: [UInt8]
        do {
            answer = try await pool.exchange(line, timeout: timeout)
        } catch ChildFailure.exited(let status, let stderr) {
            let errors = stderr.isEmpty ? "" : "; its last lines on stderr: " + stderr.joined(separator: " | ")
            throw StageError(
                .execFailed, "exec: command '\(pool.command.displayName)' \(status) while processing record "
                    + "'\(record.id)'\(errors); it is restarted for the next record")
        } catch ChildFailure.timedOut {
            throw StageError(
                .execTimeout, "exec: command '\(pool.command.displayName)' did not answer record '\(record.id)' "
                    + "within \(ChildProcess.format(timeout ?? .zero)); it was killed and is restarted for the next "
                    + "record (raise exec.timeout if records need longer)")
        }
        return try outcome(of: answer, for: record)
    }

    /// Closes the children's stdin and waits for them to exit.
    public func finish(context: LifecycleContext) async throws {
        await pool.finish(grace: Self.exitGracePeriod)
    }

    /// Reads the child's answer to `record`.
    func outcome(of answer: [UInt8], for record: Record) throws -> StageOutcome {
        let decoded: ExecAnswer
        do {
            decoded = try JSONDecoder().decode(ExecAnswer.self, from: Data(answer))
        } catch {
            throw StageError(
                .execProtocol, "exec: command '\(pool.command.displayName)' answered record '\(record.id)' with "
                    + "a line that is not a record, {\"drop\": reason} or {\"error\": message} "
                    + "(\(Self.describe(error))): \(ChildProcess.excerpt(answer))")
        }
        switch decoded {
        case .drop(let reason):
            return .drop(reason: reason.isEmpty ? "dropped by exec" : reason)
        case .error(let message):
            throw StageError(.execError, "exec: command '\(pool.command.displayName)' failed record "
                + "'\(record.id)': \(message)")
        case .record(var answered):
            guard answered.id == record.id else {
                throw StageError(
                    .execProtocol, "exec: command '\(pool.command.displayName)' answered record '\(record.id)' "
                        + "with record '\(answered.id)'; answers must keep the id and come in input order, one "
                        + "line per input line")
            }
            if answered.body == nil { answered.body = record.body }
            return .keep(answered)
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, let context):
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            return "\(path) is missing"
        default:
            return "\(error)"
        }
    }
}

/// One answer line: a record, a drop or an error.
enum ExecAnswer: Decodable {
    case record(Record)
    case drop(String)
    case error(String)

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let id = Key(stringValue: "id")
        if !container.contains(id) {
            let drop = Key(stringValue: "drop")
            let error = Key(stringValue: "error")
            if container.contains(drop) {
                self = .drop(try container.decode(String.self, forKey: drop))
                return
            }
            if container.contains(error) {
                self = .error(try container.decode(String.self, forKey: error))
                return
            }
        }
        self = .record(try Record(from: decoder))
    }
}

extension StageError.Code {
    /// The exec stage's child exited, crashed or could not be started.
    public static let execFailed: StageError.Code = "exec-failed"
    /// The exec stage's child did not answer a record in time.
    public static let execTimeout: StageError.Code = "exec-timeout"
    /// The exec stage's child answered with a line that is not a valid answer for the record.
    public static let execProtocol: StageError.Code = "exec-protocol"
    /// The exec stage's child answered `{"error": message}`.
    public static let execError: StageError.Code = "exec-error"
}
