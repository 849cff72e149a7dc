public import Foundation
public import WinnowCore

/// Reads `pipeline.json`, applies `${ENV}` interpolation and `--set` overrides, and validates the result
/// against a `StageRegistry`.
///
/// Validation is strict and collects every problem before failing: unknown keys, stages and options (with a
/// "did you mean" hint), wrong types and ranges, missing required options. Each issue names the JSON path
/// and the line and column of the offending value.
///
/// ```swift
/// let configuration = try ConfigurationLoader.load(
///     contentsOf: URL(fileURLWithPath: "pipeline.json"), overrides: ["concurrency=4"], registry: registry)
/// ```
public enum ConfigurationLoader {
    /// The keys allowed at the top level of `pipeline.json`.
    public static let topLevelKeys = ["$schema", "version", "input", "stages", "concurrency", "ordered", "maxFailures", "reports"]
    /// The keys allowed in an entry of `"stages"`.
    public static let stageKeys = ["use", "with", "name", "enabled"]
    /// The configuration format version this loader reads.
    public static let supportedVersion = 1

    /// Loads and validates the configuration file at `url`; relative paths in it resolve against its directory.
    ///
    /// - Parameters:
    ///   - overrides: `path=value` assignments applied after interpolation (`stages[1].with.level=9`,
    ///     `stages.clean.with.comments=keep`, `input.files.paths=["a/*.html"]`); the value is parsed as JSON
    ///     when it parses, and taken as a string otherwise (also when the option wants a string and the JSON
    ///     value does not fit). `stages.NAME` addresses the first stage whose `name`, else whose `use`, is NAME;
    ///     missing objects on the way are created.
    ///   - environment: the variables `${NAME}` and `${NAME:-default}` refer to.
    public static func load(
        contentsOf url: URL, overrides: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment, registry: StageRegistry
    ) throws(ConfigurationError) -> PipelineConfiguration {
        let fileName = url.relativePath
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigurationError(ConfigurationIssue(
                file: fileName, path: "", message: "cannot read the file: \(error.localizedDescription)"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(ConfigurationIssue(file: fileName, path: "", message: "the file is not valid UTF-8"))
        }
        return try load(
            text: text, fileName: fileName, baseDirectory: url.deletingLastPathComponent().standardizedFileURL,
            file: url, overrides: overrides, environment: environment, registry: registry)
    }

    /// Loads and validates configuration text; `fileName` is used in messages, `baseDirectory` resolves paths.
    public static func load(
        text: String, fileName: String = "pipeline.json", baseDirectory: URL, file: URL? = nil,
        overrides: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment,
        registry: StageRegistry
    ) throws(ConfigurationError) -> PipelineConfiguration {
        let root: PositionedJSON
        do {
            root = try PositionedJSONParser.parse(text)
        } catch {
            throw ConfigurationError(ConfigurationIssue(
                file: fileName, line: error.position.line, column: error.position.column, path: "",
                message: "invalid JSON: \(error.message)"))
        }
        var validator = ConfigurationValidator(fileName: fileName, registry: registry)
        var document = validator.interpolate(root, path: "", environment: environment)
        for override in overrides {
            document = validator.apply(override: override, to: document)
        }
        let configuration = validator.validate(document, baseDirectory: baseDirectory, file: file)
        guard let configuration, validator.issues.isEmpty else {
            throw ConfigurationError(issues: validator.sortedIssues)
        }
        return configuration
    }
}

/// Walks a positioned JSON document and collects configuration issues.
struct ConfigurationValidator {
    let fileName: String
    let registry: StageRegistry
    private(set) var issues: [ConfigurationIssue] = []

    init(fileName: String, registry: StageRegistry) {
        self.fileName = fileName
        self.registry = registry
    }

    /// The issues in file order (line, then column); overrides and position-less issues keep their order after.
    var sortedIssues: [ConfigurationIssue] {
        issues.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.line ?? Int.max, lhs.element.column ?? Int.max, lhs.offset)
            let right = (rhs.element.line ?? Int.max, rhs.element.column ?? Int.max, rhs.offset)
            return left < right
        }.map(\.element)
    }

    mutating func report(_ message: String, at path: String, origin: PositionedJSON.Origin?) {
        switch origin {
        case .file(let position):
            issues.append(ConfigurationIssue(
                file: fileName, line: position.line, column: position.column, path: path, message: message))
        case .override(let assignment):
            issues.append(ConfigurationIssue(file: "--set \(assignment)", path: path, message: message))
        case nil:
            issues.append(ConfigurationIssue(file: fileName, path: path, message: message))
        }
    }

    // MARK: - Environment interpolation

    /// Replaces `${NAME}` and `${NAME:-default}` in every string value; `$${` stands for a literal `${`.
    mutating func interpolate(_ node: PositionedJSON, path: String, environment: [String: String]) -> PositionedJSON {
        var result = node
        switch node.kind {
        case .string(let text) where text.contains("${"):
            if let expanded = expand(text, path: path, origin: node.origin, environment: environment) {
                result.kind = .string(expanded)
            }
        case .array(let items):
            result.kind = .array(items.enumerated().map { index, item in
                interpolate(item, path: "\(path)[\(index)]", environment: environment)
            })
        case .object(let members):
            result.kind = .object(members.map { member in
                var copy = member
                copy.value = interpolate(member.value, path: Self.join(path, member.key), environment: environment)
                return copy
            })
        default:
            break
        }
        return result
    }

    private mutating func expand(
        _ text: String, path: String, origin: PositionedJSON.Origin, environment: [String: String]
    ) -> String? {
        var output = ""
        var rest = Substring(text)
        var failed = false
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.hasPrefix("${") {
                output += "${"
                rest = afterDollar.dropFirst(2)
                continue
            }
            guard afterDollar.hasPrefix("{") else {
                output += "$"
                rest = afterDollar
                continue
            }
            guard let close = afterDollar.firstIndex(of: "}") else {
                report("unterminated \"${\" in \"\(text)\" (write \"$${\" for a literal \"${\")", at: path, origin: origin)
                return nil
            }
            let reference = afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close]
            rest = afterDollar[afterDollar.index(after: close)...]
            let name: Substring
            let fallback: Substring?
            if let separator = reference.range(of: ":-") {
                name = reference[..<separator.lowerBound]
                fallback = reference[separator.upperBound...]
            } else {
                name = reference
                fallback = nil
            }
            guard Self.isVariableName(name) else {
                report("invalid variable reference \"${\(reference)}\": expected ${NAME} or ${NAME:-default}", at: path, origin: origin)
                failed = true
                continue
            }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                output += value
            } else if let fallback {
                output += fallback
            } else {
                report("environment variable \(name) is not set (set it, or write ${\(name):-default})", at: path, origin: origin)
                failed = true
            }
        }
        output += rest
        return failed ? nil : output
    }

    private static func isVariableName(_ name: Substring) -> Bool {
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar)
        }
        guard let first = name.unicodeScalars.first, isLetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    // MARK: - Overrides

    enum PathToken: Equatable {
        case key(String)
        case index(Int)
    }

    /// Parses `stages[1].with.level`, `stages.clean.with.comments` or `input.files["paths"]` into tokens.
    static func parsePath(_ text: String) -> [PathToken]? {
        var tokens: [PathToken] = []
        var current = ""
        let iterator = Array(text)
        var position = 0
        func flush() -> Bool {
            defer { current = "" }
            guard !current.isEmpty else { return false }
            tokens.append(.key(current))
            return true
        }
        while position < iterator.count {
            let character = iterator[position]
            switch character {
            case ".":
                if current.isEmpty, tokens.isEmpty || iterator[position - 1] != "]" { return nil }
                _ = flush()
                position += 1
            case "[":
                _ = flush()
                guard let close = iterator[position...].firstIndex(of: "]") else { return nil }
                let inside = String(iterator[(position + 1)..<close])
                if let index = Int(inside), index >= 0 {
                    tokens.append(.index(index))
                } else if inside.count >= 2, inside.hasPrefix("\""), inside.hasSuffix("\"") {
                    tokens.append(.key(String(inside.dropFirst().dropLast())))
                } else {
                    return nil
                }
                position = close + 1
            default:
                current.append(character)
                position += 1
            }
        }
        _ = flush()
        return tokens.isEmpty ? nil : tokens
    }

    /// Applies one `path=value` override; problems are recorded as issues and leave the document unchanged.
    mutating func apply(override assignment: String, to document: PositionedJSON) -> PositionedJSON {
        let origin = PositionedJSON.Origin.override(assignment)
        guard let equals = assignment.firstIndex(of: "=") else {
            report("expected path=value, e.g. stages[1].with.level=9", at: "", origin: origin)
            return document
        }
        let pathText = String(assignment[..<equals])
        let valueText = String(assignment[assignment.index(after: equals)...])
        guard let tokens = Self.parsePath(pathText) else {
            report("invalid path \"\(pathText)\": write keys separated by dots and indexes in brackets, e.g. stages[1].with.level", at: pathText, origin: origin)
            return document
        }
        let value: JSONValue
        if let parsed = try? PositionedJSONParser.parse(valueText) {
            value = parsed.value
        } else {
            value = .string(valueText)
        }
        do {
            return try Self.set(PositionedJSON(value, origin: origin), at: tokens[...], in: document, path: "", origin: origin)
        } catch {
            report(error.message, at: pathText, origin: origin)
            return document
        }
    }

    struct OverrideError: Error {
        var message: String
    }

    private static func set(
        _ value: PositionedJSON, at tokens: ArraySlice<PathToken>, in node: PositionedJSON, path: String,
        origin: PositionedJSON.Origin
    ) throws(OverrideError) -> PositionedJSON {
        guard let token = tokens.first else { return value }
        let rest = tokens.dropFirst()
        var result = node
        switch node.kind {
        case .object(var members):
            guard case .key(let key) = token else {
                throw OverrideError(message: "\(path.isEmpty ? "the configuration" : path) is an object; address it by key, not by index")
            }
            let childPath = join(path, key)
            if let position = members.lastIndex(where: { $0.key == key }) {
                members[position].value = try set(value, at: rest, in: members[position].value, path: childPath, origin: origin)
            } else {
                let empty = PositionedJSON(kind: .object([]), origin: origin)
                members.append(.init(key: key, keyOrigin: origin, value: try set(value, at: rest, in: empty, path: childPath, origin: origin)))
            }
            result.kind = .object(members)
        case .array(var items):
            let index: Int
            switch token {
            case .index(let number): index = number
            case .key(let name):
                if let number = Int(name), number >= 0 {
                    index = number
                } else if let named = items.firstIndex(where: { $0["name"]?.value.stringValue == name })
                    ?? items.firstIndex(where: { $0["use"]?.value.stringValue == name })
                {
                    index = named
                } else {
                    throw OverrideError(message: "\(path) has no entry named \"\(name)\"")
                }
            }
            let childPath = "\(path)[\(index)]"
            if index < items.count {
                items[index] = try set(value, at: rest, in: items[index], path: childPath, origin: origin)
            } else if index == items.count {
                items.append(try set(value, at: rest, in: PositionedJSON(kind: .object([]), origin: origin), path: childPath, origin: origin))
            } else {
                throw OverrideError(message: "\(path) has \(items.count) entries; there is no \(childPath)")
            }
            result.kind = .array(items)
        default:
            throw OverrideError(message: "\(path) is \(node.typeDescription), so it has no \(describe(token))")
        }
        return result
    }

    private static func describe(_ token: PathToken) -> String {
        switch token {
        case .key(let key): "key \"\(key)\""
        case .index(let index): "index \(index)"
        }
    }

    static func join(_ path: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { $0 == "_" || $0 == "$" || $0 == "-" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        let component = plain ? key : "[\"\(key)\"]"
        if path.isEmpty { return plain ? key : component }
        return plain ? "\(path).\(key)" : path + component
    }

    // MARK: - Validation

    private mutating func checkDuplicates(_ node: PositionedJSON, path: String) {
        switch node.kind {
        case .object(let members):
            var seen: Set<String> = []
            for member in members {
                let childPath = Self.join(path, member.key)
                if !seen.insert(member.key).inserted {
                    report("duplicate key \"\(member.key)\"", at: childPath, origin: member.keyOrigin)
                }
                checkDuplicates(member.value, path: childPath)
            }
        case .array(let items):
            for (index, item) in items.enumerated() { checkDuplicates(item, path: "\(path)[\(index)]") }
        default:
            break
        }
    }

    /// Checks the whole document; returns the configuration when it could be assembled (issues may remain).
    mutating func validate(_ root: PositionedJSON, baseDirectory: URL, file: URL?) -> PipelineConfiguration? {
        guard let members = root.members else {
            report("the configuration must be a JSON object, found \(root.typeDescription)", at: "", origin: root.origin)
            return nil
        }
        checkDuplicates(root, path: "")
        for member in members where !ConfigurationLoader.topLevelKeys.contains(member.key) {
            reportUnknownKey(member, path: Self.join("", member.key), known: ConfigurationLoader.topLevelKeys, what: "top-level key")
        }

        if let version = root["version"] {
            if version.value.numberValue != Double(ConfigurationLoader.supportedVersion) {
                report("unsupported version \(version.value): this Winnow reads version \(ConfigurationLoader.supportedVersion)", at: "version", origin: version.origin)
            }
        }
        if let schema = root["$schema"], schema.value.stringValue == nil {
            report("expected a string, found \(schema.typeDescription)", at: "$schema", origin: schema.origin)
        }

        let input = validateInput(root["input"], rootOrigin: root.origin)
        let stages = validateStages(root["stages"], rootOrigin: root.origin)

        var concurrency = PipelineConfiguration.defaultConcurrency
        if let node = root["concurrency"] {
            let problems = OptionKind.integer(1...PipelineConfiguration.maximumConcurrency).problems(with: node.value, at: "concurrency")
            problems.forEach { report($0.message, at: $0.path, origin: node.origin) }
            if problems.isEmpty, let number = node.value.numberValue { concurrency = Int(number) }
        }
        var ordered = true
        if let node = root["ordered"] {
            if let flag = node.value.boolValue { ordered = flag } else {
                report("expected a boolean, found \(node.typeDescription)\(node.value.messageSuffix)", at: "ordered", origin: node.origin)
            }
        }
        var maxFailures = FailureLimit.default
        if let node = root["maxFailures"] {
            if let limit = FailureLimit(node.value) { maxFailures = limit } else {
                report("expected a count of records (e.g. 10) or a percentage of the records read (e.g. \"5%\"), found \(node.typeDescription)\(node.value.messageSuffix)", at: "maxFailures", origin: node.origin)
            }
        }
        var reports = "out"
        if let node = root["reports"] {
            if let text = node.value.stringValue, !text.isEmpty { reports = text } else {
                report("expected a directory path, found \(node.typeDescription)\(node.value.messageSuffix)", at: "reports", origin: node.origin)
            }
        }
        guard let input, let stages else { return nil }
        let reportsDirectory = reports.hasPrefix("/")
            ? URL(fileURLWithPath: reports) : baseDirectory.appendingPathComponent(reports).standardizedFileURL
        return PipelineConfiguration(
            input: input, stages: stages, concurrency: concurrency, ordered: ordered, maxFailures: maxFailures,
            reportsDirectory: reportsDirectory, baseDirectory: baseDirectory, file: file)
    }

    private mutating func reportUnknownKey(_ member: PositionedJSON.Member, path: String, known: [String], what: String) {
        let hint = NameSuggestion.hint(for: member.key, among: known)
            ?? " (expected one of: \(known.joined(separator: ", ")))"
        report("unknown \(what) \"\(member.key)\"\(hint)", at: path, origin: member.keyOrigin)
    }

    private mutating func validateInput(_ node: PositionedJSON?, rootOrigin: PositionedJSON.Origin) -> SourceConfiguration? {
        let known = registry.sourceNames
        guard let node else {
            report("missing \"input\": name one source, e.g. {\"files\": {\"paths\": [\"pages/*.html\"]}} (sources: \(known.joined(separator: ", ")))", at: "input", origin: rootOrigin)
            return nil
        }
        guard let members = node.members, members.count == 1, let member = members.first else {
            report("expected an object with exactly one key naming the source (\(known.joined(separator: ", "))), found \(node.members.map { "an object with \($0.count) keys" } ?? node.typeDescription)", at: "input", origin: node.origin)
            return nil
        }
        let path = Self.join("input", member.key)
        guard let factory = registry.sources[member.key] else {
            let hint = NameSuggestion.hint(for: member.key, among: known)
                ?? " (known sources: \(known.joined(separator: ", ")))"
            report("unknown source \"\(member.key)\"\(hint)", at: path, origin: member.keyOrigin)
            return nil
        }
        let options = validateOptions(member.value, specs: factory.descriptor.options, path: path, owner: "source \"\(member.key)\"", ownerOrigin: member.keyOrigin)
        return SourceConfiguration(use: member.key, options: options)
    }

    private mutating func validateStages(_ node: PositionedJSON?, rootOrigin: PositionedJSON.Origin) -> [StageConfiguration]? {
        guard let node else {
            report("missing \"stages\": list the stages to run, e.g. [{\"use\": \"parse\"}]", at: "stages", origin: rootOrigin)
            return nil
        }
        guard case .array(let items) = node.kind else {
            report("expected a list of stages, found \(node.typeDescription)", at: "stages", origin: node.origin)
            return nil
        }
        var stages: [StageConfiguration] = []
        for (index, item) in items.enumerated() {
            let path = "stages[\(index)]"
            guard let members = item.members else {
                report("expected an object such as {\"use\": \"clean\"}, found \(item.typeDescription)\(item.value.messageSuffix)", at: path, origin: item.origin)
                continue
            }
            for member in members where !ConfigurationLoader.stageKeys.contains(member.key) {
                reportUnknownKey(member, path: Self.join(path, member.key), known: ConfigurationLoader.stageKeys, what: "key")
            }
            var name: String?
            if let nameNode = item["name"] {
                if let text = nameNode.value.stringValue, !text.isEmpty { name = text } else {
                    report("expected a non-empty string, found \(nameNode.typeDescription)\(nameNode.value.messageSuffix)", at: "\(path).name", origin: nameNode.origin)
                }
            }
            var enabled = true
            if let enabledNode = item["enabled"] {
                if let flag = enabledNode.value.boolValue { enabled = flag } else {
                    report("expected a boolean, found \(enabledNode.typeDescription)\(enabledNode.value.messageSuffix)", at: "\(path).enabled", origin: enabledNode.origin)
                }
            }
            guard let useNode = item["use"] else {
                report("missing \"use\": name the stage to run (stages: \(registry.stageNames.joined(separator: ", ")))", at: path, origin: item.origin)
                continue
            }
            guard let use = useNode.value.stringValue else {
                report("expected a stage name, found \(useNode.typeDescription)\(useNode.value.messageSuffix)", at: "\(path).use", origin: useNode.origin)
                continue
            }
            guard let factory = registry.stages[use] else {
                let hint = NameSuggestion.hint(for: use, among: registry.stageNames)
                    ?? " (known stages: \(registry.stageNames.joined(separator: ", ")))"
                report("unknown stage \"\(use)\"\(hint)", at: "\(path).use", origin: useNode.origin)
                continue
            }
            let options = validateOptions(item["with"], specs: factory.descriptor.options, path: "\(path).with", owner: "stage \"\(use)\"", ownerOrigin: item.origin)
            stages.append(StageConfiguration(use: use, name: name, options: options, enabled: enabled))
        }
        return stages
    }

    private mutating func validateOptions(
        _ node: PositionedJSON?, specs: [OptionSpec], path: String, owner: String, ownerOrigin: PositionedJSON.Origin
    ) -> StageOptions {
        var values: [String: JSONValue] = [:]
        var origin = ownerOrigin
        if let node {
            origin = node.origin
            if case .null = node.kind {
                // `"with": null` means no options.
            } else if let members = node.members {
                for member in members {
                    let memberPath = Self.join(path, member.key)
                    guard let spec = specs.first(where: { $0.name == member.key }) else {
                        let names = specs.map(\.name)
                        let hint = NameSuggestion.hint(for: member.key, among: names)
                            ?? (names.isEmpty ? " (it takes no options)" : " (options: \(names.joined(separator: ", ")))")
                        report("unknown option \"\(member.key)\" for \(owner)\(hint)", at: memberPath, origin: member.keyOrigin)
                        continue
                    }
                    var value = member.value.value
                    var problems = spec.kind.problems(with: value, at: memberPath)
                    if !problems.isEmpty, let raw = Self.rawOverrideText(of: member.value),
                        spec.kind.problems(with: .string(raw), at: memberPath).isEmpty
                    {
                        // `--set stages[0].with.dir=2024` meant the string "2024".
                        value = .string(raw)
                        problems = []
                    }
                    let positions = Self.origins(of: member.value, path: memberPath)
                    for problem in problems {
                        report(problem.message, at: problem.path, origin: positions[problem.path] ?? member.value.origin)
                    }
                    if problems.isEmpty { values[member.key] = value }
                }
            } else {
                report("expected an object of options, found \(node.typeDescription)\(node.value.messageSuffix)", at: path, origin: node.origin)
            }
        }
        for spec in specs where spec.isRequired && values[spec.name] == nil && node?[spec.name] == nil {
            report("missing required option \"\(spec.name)\" for \(owner): \(spec.summary)", at: Self.join(path, spec.name), origin: origin)
        }
        return StageOptions(values, applying: specs)
    }

    /// The text after `=` of the override that set `node` as a whole, when it was parsed as a non-string.
    private static func rawOverrideText(of node: PositionedJSON) -> String? {
        guard case .override(let assignment) = node.origin, node.value.stringValue == nil,
            let equals = assignment.firstIndex(of: "=")
        else { return nil }
        return String(assignment[assignment.index(after: equals)...])
    }

    /// The origin of every value inside `node`, keyed by JSON path.
    private static func origins(of node: PositionedJSON, path: String) -> [String: PositionedJSON.Origin] {
        var result = [path: node.origin]
        switch node.kind {
        case .array(let items):
            for (index, item) in items.enumerated() {
                result.merge(origins(of: item, path: "\(path)[\(index)]"), uniquingKeysWith: { first, _ in first })
            }
        case .object(let members):
            for member in members {
                result.merge(origins(of: member.value, path: join(path, member.key)), uniquingKeysWith: { first, _ in first })
            }
        default:
            break
        }
        return result
    }
}
