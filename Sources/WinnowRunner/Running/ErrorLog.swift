import Foundation
import Synchronization
import WinnowCore

/// Appends one JSON object per failed record to `errors.jsonl`; safe to call from many tasks.
final class ErrorLog: Sendable {
    /// One line of `errors.jsonl`.
    struct Entry {
        var record: String
        var source: String?
        var offset: Int64?
        var stage: String
        var index: Int?
        var code: String
        var message: String
    }

    let url: URL
    private let handle: Mutex<FileHandle?>
    private let failure = Mutex<String?>(nil)

    /// Creates (or truncates) the log file.
    init(url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw StageError(.io, "cannot create \(url.path)")
        }
        handle = Mutex(try FileHandle(forWritingTo: url))
    }

    func append(_ entry: Entry) {
        var line = "{\"record\":" + Self.quote(entry.record)
        line += ",\"source\":" + (entry.source.map(Self.quote) ?? "null")
        line += ",\"offset\":" + (entry.offset.map { String($0) } ?? "null")
        line += ",\"stage\":" + Self.quote(entry.stage)
        line += ",\"index\":" + (entry.index.map { String($0) } ?? "null")
        line += ",\"code\":" + Self.quote(entry.code)
        line += ",\"message\":" + Self.quote(entry.message) + "}\n"
        let data = Data(line.utf8)
        handle.withLock { handle in
            do {
                try handle?.write(contentsOf: data)
            } catch {
                handle = nil
                failure.withLock { $0 = $0 ?? "cannot write \(url.path): \(error.localizedDescription)" }
            }
        }
    }

    /// Why entries stopped being written, when a write failed (the run then cannot claim a complete error log).
    var writeFailure: String? { failure.withLock { $0 } }

    func close() {
        handle.withLock { handle in
            try? handle?.close()
            handle = nil
        }
    }

    /// `text` as a JSON string literal.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                result += String(format: "\\u%04x", control.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
