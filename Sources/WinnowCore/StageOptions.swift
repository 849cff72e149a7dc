/// The validated options of one stage: the values from `"with"`, with defaults filled in.
///
/// Accessors return the option's value in the declared type; they are safe to call for every declared
/// option once the configuration has been validated against the stage's `OptionSpec`s.
public struct StageOptions: Sendable {
    /// The raw values by option name, defaults included.
    public private(set) var values: [String: JSONValue]

    public init(_ values: [String: JSONValue] = [:]) {
        self.values = values
    }

    /// Builds options from explicit values plus the defaults declared by `specs`.
    public init(_ values: [String: JSONValue], applying specs: [OptionSpec]) {
        var merged = values
        for spec in specs where merged[spec.name] == nil {
            if let defaultValue = spec.defaultValue { merged[spec.name] = defaultValue }
        }
        self.values = merged
    }

    public subscript(name: String) -> JSONValue? { values[name] }

    public func string(_ name: String) -> String? { values[name]?.stringValue }

    public func bool(_ name: String) -> Bool? { values[name]?.boolValue }

    public func int(_ name: String) -> Int? { values[name]?.numberValue.map { Int($0) } }

    public func double(_ name: String) -> Double? { values[name]?.numberValue }

    /// A list of strings; a single string counts as a list of one.
    public func strings(_ name: String) -> [String]? {
        switch values[name] {
        case .array(let items): items.compactMap(\.stringValue)
        case .string(let single): [single]
        default: nil
        }
    }

    public func byteSize(_ name: String) -> Int64? { values[name].flatMap(ByteSize.parse) }

    public func duration(_ name: String) -> Duration? { values[name].flatMap(DurationValue.parse) }
}
