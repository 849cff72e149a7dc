import ArgumentParser
import WinnowCore

/// `winnow stages`: lists every stage and input with its options, types and defaults.
struct StagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stages",
        abstract: "List the stages and inputs a pipeline can use, with their options and defaults.")

    @Argument(help: "Only show these stages or inputs.")
    var names: [String] = []

    func run() throws {
        let registry = CLIRegistry.standard
        var sections: [String] = []
        let inputs = registry.sourceNames.compactMap { registry.sources[$0]?.descriptor }
        let stages = registry.stageNames.compactMap { registry.stages[$0]?.descriptor }
        for (heading, descriptors) in [("Inputs (\"input\": {NAME: {...}})", inputs), ("Stages ({\"use\": NAME, \"with\": {...}})", stages)] {
            let shown = descriptors.filter { names.isEmpty || names.contains($0.name) }
            guard !shown.isEmpty else { continue }
            sections.append(heading + "\n\n" + shown.map(Self.describe).joined(separator: "\n\n"))
        }
        let unknown = names.filter { registry.stages[$0] == nil && registry.sources[$0] == nil }
        if !unknown.isEmpty {
            let all = registry.stageNames + registry.sourceNames
            let hints = unknown.map { name in
                "unknown stage or input \"\(name)\"" + (NameSuggestion.hint(for: name, among: all) ?? "")
            }
            throw ValidationError(hints.joined(separator: "\n"))
        }
        print(sections.joined(separator: "\n\n"))
    }

    static func describe(_ descriptor: StageDescriptor) -> String {
        var lines = ["  \(descriptor.name): \(descriptor.summary)"]
        if descriptor.ordering == .inputOrder { lines.append("    (receives records one at a time, in input order)") }
        for option in descriptor.options {
            let requirement: String
            if let defaultValue = option.defaultValue {
                requirement = "default \(defaultValue)"
            } else {
                requirement = option.isRequired ? "required" : "optional"
            }
            lines.append("    \(option.name): \(option.kind.description); \(requirement)")
            lines.append("        \(option.summary)")
        }
        return lines.joined(separator: "\n")
    }
}
