/// The error a stage throws to fail one record: a stable code, a message for people and the cause.
///
/// The runner writes `code` and `message` to `errors.jsonl`. Messages say what was wrong and, where it
/// helps, what to do ("body is 23 MB, over maxBytes 20 MB; raise clean.maxBytes to accept it").
public struct StageError: Error, CustomStringConvertible, Sendable {
    /// A short, stable, machine-readable code (`"too-large"`, `"http-status"`, `"bad-charset"`).
    public var code: Code
    /// What went wrong, for people.
    public var message: String
    /// The underlying error, when one caused this.
    public var underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying { "\(message) (\(underlying))" } else { message }
    }

    /// An extensible error code.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        public static let invalidInput: Code = "invalid-input"
        public static let tooLarge: Code = "too-large"
        public static let io: Code = "io"
        public static let network: Code = "network"
        public static let httpStatus: Code = "http-status"
        public static let timeout: Code = "timeout"
        public static let unsupported: Code = "unsupported"
        public static let `internal`: Code = "internal"
    }
}
