import Foundation
import WinnowCore

/// Writes values as JSON Lines (one JSON object per line) to a plain file or, compressed, through a
/// `GzipFileWriter`.
///
/// Keys are sorted, so equal values always give equal bytes. Each line is written with one call to the
/// underlying writer, so a gzip member never ends inside a line.
/// Not `Sendable`: use it from one task (or behind a `Mutex`).
public final class JSONLinesWriter {
    /// Where the lines go.
    public enum Destination {
        /// An uncompressed file.
        case plain
        /// A gzip file of complete members, at the given level, gathering about `memberSize` bytes per member.
        case gzip(level: Int, memberSize: Int)
    }

    /// The file being written.
    public let path: String
    private let encoder: JSONEncoder
    private let gzip: GzipFileWriter?
    private let plain: FileOutput?
    private var buffer: [UInt8] = []
    private let plainBufferSize = 256 * 1024
    /// Lines written so far.
    public private(set) var lineCount = 0

    /// Opens `path` for writing.
    ///
    /// - Parameters:
    ///   - destination: plain or gzip output.
    ///   - userInfo: passed to the encoder (for instance `[.includeBody: true]` for records).
    ///   - existing: what to do when the file exists.
    public init(
        path: String, destination: Destination = .gzip(level: 6, memberSize: 1 << 20),
        userInfo: [CodingUserInfoKey: any Sendable] = [:], existing: ExistingFilePolicy = .overwrite
    ) throws {
        self.path = path
        encoder = JSONEncoder()
        // Sorted keys: swift-foundation's encoder otherwise emits object keys in hash order, which changes from
        // one process to the next, so identical runs would write different bytes.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo = userInfo
        switch destination {
        case .plain:
            plain = try FileOutput(path: path, existing: existing)
            gzip = nil
        case .gzip(let level, let memberSize):
            gzip = try GzipFileWriter(path: path, level: level, memberSize: memberSize, existing: existing)
            plain = nil
        }
    }

    /// Encodes `value` as one line and writes it.
    public func write(_ value: some Encodable) throws {
        var line: [UInt8]
        do {
            line = [UInt8](try encoder.encode(value))
        } catch {
            throw StageError(.internal, "cannot encode a line for \(path): \(error)")
        }
        line.append(UInt8(ascii: "\n"))
        try writeLine(line)
    }

    /// Writes an already-encoded JSON value as one line; `json` must not contain a newline.
    public func writeLine(_ json: [UInt8]) throws {
        var line = json
        if line.last != UInt8(ascii: "\n") { line.append(UInt8(ascii: "\n")) }
        if let gzip {
            try gzip.write(line)
        } else {
            buffer.append(contentsOf: line)
            if buffer.count >= plainBufferSize { try flushPlain() }
        }
        lineCount += 1
    }

    /// The number of bytes on disk so far plus those still buffered (an estimate of the final size for
    /// gzip, where buffered bytes are not yet compressed).
    public var approximateSize: Int64 {
        if let gzip { return gzip.compressedSize + Int64(gzip.bufferedBytes) / 4 }
        return (plain?.size ?? 0) + Int64(buffer.count)
    }

    /// Writes buffered lines to the file (for gzip, as one complete member).
    public func flush() throws {
        if let gzip { try gzip.flush() } else { try flushPlain() }
    }

    /// Flushes and closes the file. Closing twice does nothing.
    public func close() throws {
        if let gzip {
            try gzip.close()
        } else if let plain, plain.isOpen {
            try flushPlain()
            try plain.close()
        }
    }

    /// The size of the finished file in bytes (valid after `close()`).
    public var fileSize: Int64 {
        gzip?.compressedSize ?? plain?.size ?? 0
    }

    private func flushPlain() throws {
        guard let plain, !buffer.isEmpty else { return }
        try plain.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

@available(*, unavailable)
extension JSONLinesWriter: Sendable {}
