import ArgumentParser
import Foundation
import Logging
import WinnowCore
import WinnowRunner

/// `winnow run`: runs a pipeline file to the end of its input.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline (default: ./pipeline.json).",
        discussion: """
            Exit status: 0 clean; 1 some records failed, within maxFailures; 2 configuration error, or the run \
            could not start (a stage failed to prepare, the input or the reports directory could not be opened; \
            nothing ran); 3 failures above maxFailures (the run stopped early); 130 interrupted by SIGINT/SIGTERM \
            (in-flight records finished and every output closed). A second signal exits at once.
            """
    )

    @Argument(help: "The pipeline file.")
    var pipeline: String = "pipeline.json"

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a value: PATH=VALUE, e.g. 'stages[1].with.level=9' or concurrency=4 (repeatable).", valueName: "path=value"))
    var overrides: [String] = []

    @Flag(help: "Print no progress and no summary table.")
    var quiet = false

    @Flag(help: "Print progress as one JSON object per line on standard error.")
    var jsonProgress = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "winnow")
        let registry = CLIRegistry.standard
        let configuration: PipelineConfiguration
        let runner: PipelineRunner
        let interruption = RunInterruption()
        let progress = ProgressReporter(mode: .automatic(quiet: quiet, json: jsonProgress))
        do {
            configuration = try ConfigurationLoader.load(
                contentsOf: URL(fileURLWithPath: pipeline), overrides: overrides, registry: registry)
            runner = try PipelineRunner(
                configuration: configuration, registry: registry, logger: logger, interruption: interruption,
                progress: progress)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(RunReport.exitConfigurationError)
        }

        let trap = SignalTrap(interruption: interruption) { signal in
            FileHandle.standardError.write(Data(
                "\nwinnow: signal \(signal): finishing the records in flight and closing outputs (again to quit at once)\n".utf8))
        }
        defer { trap.cancel() }

        let report: RunReport
        do {
            report = try await runner.run()
        } catch {
            // `run()` throws only before the first record is read: nothing ran, as with a bad configuration.
            FileHandle.standardError.write(Data("winnow: \(error)\n".utf8))
            throw ExitCode(RunReport.exitConfigurationError)
        }
        if !quiet {
            FileHandle.standardError.write(Data((report.formattedTable() + "\n").utf8))
        }
        if report.interrupted { throw ExitCode(130) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

/// `winnow validate`: checks a pipeline file without running it.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pipeline file; list every problem with its JSON path and position (exit 2 when any).")

    @Argument(help: "The pipeline file.")
    var pipeline: String = "pipeline.json"

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value before validating: PATH=VALUE (repeatable).", valueName: "path=value"))
    var overrides: [String] = []

    func run() throws {
        let registry = CLIRegistry.standard
        do {
            let configuration = try ConfigurationLoader.load(
                contentsOf: URL(fileURLWithPath: pipeline), overrides: overrides, registry: registry)
            _ = try PipelineRunner(configuration: configuration, registry: registry)
            let stages = configuration.stages.filter(\.enabled).map(\.name).joined(separator: " -> ")
            print("\(pipeline): OK: \(configuration.input.use) -> \(stages)")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(RunReport.exitConfigurationError)
        }
    }
}
