import ArgumentParser

/// The `winnow` command: runs content pipelines and one-shot extraction.
@main
struct Winnow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winnow",
        abstract: "A fast, extensible content pipeline for web pages.",
        version: WinnowVersion.current,
        subcommands: [RunCommand.self, ValidateCommand.self, StagesCommand.self, ExtractCommand.self]
    )
}

/// The version printed by `winnow --version`.
enum WinnowVersion {
    static let current = "0.1.0"
}
