import Foundation
import WinnowCore

/// A program resolved to an executable file, with its arguments, environment and working directory.
struct ExecCommand: Sendable {
    /// The absolute path of the program.
    var executable: String
    /// The argument vector: the program as configured, then its arguments.
    var arguments: [String]
    /// The child's environment as `NAME=value` entries: the runner's, with the configured values on top.
    var environment: [String]
    /// The directory the child starts in (the pipeline file's).
    var workingDirectory: String?
    /// The command as configured, shortened, for messages (`python3 scripts/upper.py`).
    var displayName: String

    /// Resolves `command` (program and arguments): a program without a slash is looked up in `PATH` (the
    /// child's, so `environment` may change it); a relative path resolves against `setup.baseDirectory`.
    init(command: [String], environment overrides: [String: String], setup: StageSetup) throws(StageError) {
        guard let program = command.first, !program.isEmpty else {
            throw StageError(.invalidInput, "exec: command is empty; give the program and its arguments, "
                + "e.g. [\"python3\", \"upper.py\"]")
        }
        let joined = command.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        displayName = joined.count > 80 ? String(joined.prefix(80)) + "…" : joined

        var variables = ProcessInfo.processInfo.environment
        variables.merge(overrides) { _, configured in configured }
        environment = variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        workingDirectory = setup.baseDirectory.path
        arguments = command

        let files = FileManager.default
        if program.contains("/") {
            let path = setup.resolve(path: program).standardizedFileURL.path
            guard files.isExecutableFile(atPath: path) else {
                throw StageError(.invalidInput, "exec: command '\(program)' is not an executable file "
                    + "(looked at \(path)); check the path, or run it through its interpreter: [\"python3\", \"\(program)\"]")
            }
            executable = path
        } else {
            let searchPath = variables["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            let candidates = searchPath.split(separator: ":").map { directory in
                URL(fileURLWithPath: String(directory), isDirectory: true).appendingPathComponent(program).path
            }
            guard let found = candidates.first(where: { files.isExecutableFile(atPath: $0) }) else {
                let hint = program.contains(" ")
                    ? "; command is a list (program, then each argument): [\"\(program.split(separator: " ").joined(separator: "\", \""))\"]"
                    : ""
                throw StageError(.invalidInput, "exec: command '\(program)' was not found in PATH (\(searchPath))\(hint)")
            }
            executable = found
        }
    }
}
