import Foundation
import Synchronization

/// Runs the built `winnow` executable and captures its exit status and output.
struct WinnowBinary {
    /// The package's root directory.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `winnow` executable next to the test bundle.
    static var executable: URL {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("winnow")
    }

    /// What a finished run printed and returned.
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Starts `winnow` with `arguments` in `directory`, without waiting for it.
    static func start(_ arguments: [String], in directory: URL) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, output, error)
    }

    /// Runs `winnow` with `arguments` in `directory` to completion.
    static func run(_ arguments: [String], in directory: URL = packageRoot) throws -> Result {
        let (process, output, error) = try start(arguments, in: directory)
        let collected = collect(output: output, error: error)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, standardOutput: collected.output(), standardError: collected.error())
    }

    /// Drains both pipes on background threads so a chatty process never blocks on a full pipe.
    static func collect(output: Pipe, error: Pipe) -> (output: () -> String, error: () -> String) {
        let group = DispatchGroup()
        let outputBox = DataBox()
        let errorBox = DataBox()
        for (pipe, box) in [(output, outputBox), (error, errorBox)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        return (
            { group.wait(); return String(decoding: outputBox.data, as: UTF8.self) },
            { group.wait(); return String(decoding: errorBox.data, as: UTF8.self) }
        )
    }

    /// A temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The totals of a run, read from its `report.json`; -1 for a figure that is missing.
struct ReportCounts {
    var read: Int
    var written: Int
    var dropped: Int
    var failed: Int
    var interrupted: Bool?

    /// Reads `report.json` at `url`.
    init(contentsOf url: URL) throws {
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        read = report?["read"] as? Int ?? -1
        written = report?["written"] as? Int ?? -1
        dropped = report?["dropped"] as? Int ?? -1
        failed = report?["failed"] as? Int ?? -1
        interrupted = report?["interrupted"] as? Bool
    }
}

/// Data read on another thread, handed over behind a lock.
final class DataBox: Sendable {
    private let storage = Mutex(Data())

    var data: Data {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
