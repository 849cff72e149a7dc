/// One problem found in a pipeline configuration: where it is (file, line, column, JSON path) and what is wrong.
public struct ConfigurationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in (its name as given), or `--set` for a command-line override.
    public var file: String
    /// The line of the offending value, when known.
    public var line: Int?
    /// The column of the offending value, when known.
    public var column: Int?
    /// The JSON path of the offending value (`stages[1].with.level`); empty for file-level problems.
    public var path: String
    /// What is wrong and, where possible, what to write instead.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// The issue as one line: `pipeline.json:12:7: stages[1].with.level: expected …`.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if !path.isEmpty { text += "\(path): " }
        return text + message
    }
}

/// A configuration that cannot be run, with every problem found in it (validation does not stop at the first).
///
/// The CLI prints `description` (one issue per line) and exits with status 2.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The problems, in the order they appear in the file.
    public var issues: [ConfigurationIssue]

    public init(issues: [ConfigurationIssue]) {
        self.issues = issues
    }

    /// A single-issue error.
    public init(_ issue: ConfigurationIssue) {
        self.issues = [issue]
    }

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
