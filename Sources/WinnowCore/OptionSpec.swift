import Foundation

/// Declares one option a stage or source accepts under `"with"` in `pipeline.json`: its name, type,
/// default and documentation.
public struct OptionSpec: Sendable {
    /// The key in `"with"`.
    public var name: String
    /// The accepted type and range.
    public var kind: OptionKind
    /// The value used when the key is absent; `nil` makes the option required unless `optional` is set.
    public var defaultValue: JSONValue?
    /// Whether the option may be absent without a default.
    public var optional: Bool
    /// One or two sentences for `winnow stages` and the README.
    public var summary: String

    public init(_ name: String, _ kind: OptionKind, default defaultValue: JSONValue? = nil, optional: Bool = false,
                summary: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.optional = optional
        self.summary = summary
    }

    /// Whether the configuration must give this option.
    public var isRequired: Bool { defaultValue == nil && !optional }
}

/// The type of an option value, with its constraints.
public indirect enum OptionKind: Sendable {
    case string
    case boolean
    /// A whole number within the closed range.
    case integer(ClosedRange<Int> = Int.min...Int.max)
    /// A number within the closed range.
    case number(ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
    /// One of the listed strings.
    case choice([String])
    /// A list of values of one kind.
    case list(OptionKind)
    /// A size such as `20MB`, `512KiB` or a byte count.
    case byteSize
    /// A duration such as `30s`, `500ms`, `2m` or a number of seconds.
    case duration
    /// A JSON object with free-form content (validated by the stage itself).
    case object

    /// How the type reads in docs and errors ("an integer from 1 to 9").
    public var description: String {
        switch self {
        case .string: "a string"
        case .boolean: "a boolean"
        case .integer(let range):
            if range == Int.min...Int.max { "an integer" }
            else if range.upperBound == Int.max { "an integer ≥ \(range.lowerBound)" }
            else { "an integer from \(range.lowerBound) to \(range.upperBound)" }
        case .number(let range):
            if range.upperBound == .greatestFiniteMagnitude, range.lowerBound == -.greatestFiniteMagnitude { "a number" }
            else if range.upperBound == .greatestFiniteMagnitude { "a number ≥ \(range.lowerBound)" }
            else { "a number from \(range.lowerBound) to \(range.upperBound)" }
        case .choice(let values): "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        case .list(let element): "a list of \(element.pluralDescription)"
        case .byteSize: "a size (e.g. \"20MB\", \"512KiB\" or a byte count)"
        case .duration: "a duration (e.g. \"30s\", \"500ms\" or a number of seconds)"
        case .object: "an object"
        }
    }

    private var pluralDescription: String {
        switch self {
        case .string: "strings"
        case .choice(let values): "values from " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        default: "(\(description))"
        }
    }

    /// Checks `value` against this kind; returns the problem found, or `nil` when it fits.
    /// `path` names the value in messages (`stages[1].with.level`).
    public func problems(with value: JSONValue, at path: String) -> [(path: String, message: String)] {
        func mismatch() -> [(path: String, message: String)] {
            [(path, "expected \(description), found \(value.typeDescription)\(value.messageSuffix)")]
        }
        switch self {
        case .string:
            return value.stringValue == nil ? mismatch() : []
        case .boolean:
            return value.boolValue == nil ? mismatch() : []
        case .integer(let range):
            guard let number = value.numberValue, number.rounded() == number, abs(number) < 9e15 else { return mismatch() }
            return range.contains(Int(number)) ? [] : [(path, "\(Int(number)) is out of range: expected \(description)")]
        case .number(let range):
            guard let number = value.numberValue else { return mismatch() }
            return range.contains(number) ? [] : [(path, "\(number) is out of range: expected \(description)")]
        case .choice(let values):
            guard let string = value.stringValue else { return mismatch() }
            if values.contains(string) { return [] }
            let hint = NameSuggestion.hint(for: string, among: values) ?? ""
            return [(path, "\"\(string)\" is not allowed: expected \(description)\(hint)")]
        case .list(let element):
            guard let items = value.arrayValue else {
                // A single value is accepted where a list is expected.
                let single = element.problems(with: value, at: path)
                return single.isEmpty ? [] : mismatch()
            }
            return items.enumerated().flatMap { index, item in element.problems(with: item, at: "\(path)[\(index)]") }
        case .byteSize:
            return ByteSize.parse(value) == nil ? mismatch() : []
        case .duration:
            return DurationValue.parse(value) == nil ? mismatch() : []
        case .object:
            return value.objectValue == nil ? mismatch() : []
        }
    }
}

/// Parses sizes written as `20MB`, `512KiB`, `1.5GB` or a plain number of bytes.
public enum ByteSize {
    /// The number of bytes `value` denotes, or `nil` when it is not a size.
    public static func parse(_ value: JSONValue) -> Int64? {
        if let number = value.numberValue { return bytes(number) }
        guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty else {
            return nil
        }
        let units: [(String, Double)] = [
            ("kib", 1024), ("mib", 1_048_576), ("gib", 1_073_741_824), ("tib", 1_099_511_627_776),
            ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12), ("k", 1024), ("m", 1_048_576), ("g", 1_073_741_824), ("b", 1),
        ]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let number = Double(digits) else { return nil }
            return bytes(number * factor)
        }
        return Double(text).flatMap(bytes)
    }

    /// `count` as whole bytes; `nil` when negative, not finite or beyond `Int64` (`"1e30"`, `"inf"`).
    private static func bytes(_ count: Double) -> Int64? {
        guard count >= 0, count < 9.2e18 else { return nil }
        return Int64(count)
    }
}

/// Parses durations written as `30s`, `500ms`, `2m`, `1h` or a plain number of seconds.
public enum DurationValue {
    /// The duration `value` denotes, or `nil` when it is not one.
    public static func parse(_ value: JSONValue) -> Duration? {
        if let number = value.numberValue { return duration(seconds: number) }
        guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty else {
            return nil
        }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)) else { return nil }
            return duration(seconds: number * factor)
        }
        return Double(text).flatMap { duration(seconds: $0) }
    }

    /// `seconds` as a duration in whole milliseconds; `nil` when negative, not finite or too long to hold.
    private static func duration(seconds: Double) -> Duration? {
        let milliseconds = seconds * 1000
        guard milliseconds >= 0, milliseconds < 9.2e18 else { return nil }
        return .milliseconds(Int64(milliseconds))
    }
}
