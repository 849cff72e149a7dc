import WinnowCore

/// Writes a gzip file as a sequence of complete members, so the file stays valid whenever writing stops
/// between members.
///
/// Bytes passed to `write(_:)` are buffered and compressed into one member once the buffer reaches
/// `memberSize`; a member only ever ends between two `write(_:)` calls, so a caller that writes one record
/// per call never splits a record across members. `writeMember(_:)` writes one member immediately (one
/// record per member, as WARC files want) and returns where it landed. `close()` writes what is buffered.
///
/// The writer owns a zlib stream and a file descriptor: it is not `Sendable` and is used from one task (or
/// behind a `Mutex`).
public final class GzipFileWriter {
    /// The file being written.
    public let path: String
    /// The compression level, 1 (fastest) to 9 (smallest).
    public let level: Int
    /// The number of uncompressed bytes buffered before a member is cut.
    public let memberSize: Int
    private let output: FileOutput
    private let deflater: Deflater
    private var pending: [UInt8] = []
    private var compressed: [UInt8] = []
    /// Uncompressed bytes accepted so far (buffered ones included).
    public private(set) var uncompressedBytes: Int64 = 0
    /// Members written so far.
    public private(set) var memberCount = 0

    /// Opens `path` for writing.
    ///
    /// - Parameters:
    ///   - level: zlib level 1–9 (clamped).
    ///   - memberSize: how many uncompressed bytes to gather per member when using `write(_:)`; larger members
    ///     compress better, smaller ones lose less on a crash.
    ///   - existing: what to do when the file exists (appending keeps a valid multi-member file).
    public init(path: String, level: Int = 6, memberSize: Int = 1 << 20, existing: ExistingFilePolicy = .overwrite)
        throws
    {
        self.path = path
        self.level = min(9, max(1, level))
        self.memberSize = max(1, memberSize)
        deflater = try Deflater(level: self.level)
        output = try FileOutput(path: path, existing: existing)
    }

    /// The file's size in bytes as written so far (not counting buffered bytes).
    public var compressedSize: Int64 { output.size }

    /// Bytes accepted by `write(_:)` but not yet compressed into a member.
    public var bufferedBytes: Int { pending.count }

    /// Buffers `bytes`, writing a member first if the buffer has reached `memberSize`.
    public func write(_ bytes: [UInt8]) throws {
        pending.append(contentsOf: bytes)
        uncompressedBytes += Int64(bytes.count)
        if pending.count >= memberSize { try flush() }
    }

    /// Compresses whatever is buffered into one member and writes it; does nothing when nothing is buffered.
    public func flush() throws {
        guard !pending.isEmpty else { return }
        let bytes = pending
        pending.removeAll(keepingCapacity: true)
        _ = try emitMember(bytes)
    }

    /// Writes `bytes` as one complete member right away (after flushing anything buffered).
    ///
    /// - Returns: the member's byte offset in the file and its compressed length (for indexes such as CDX).
    @discardableResult
    public func writeMember(_ bytes: [UInt8]) throws -> (offset: Int64, length: Int64) {
        try flush()
        uncompressedBytes += Int64(bytes.count)
        return try emitMember(bytes)
    }

    /// Writes what is buffered and closes the file. Closing twice does nothing.
    public func close() throws {
        guard output.isOpen else { return }
        try flush()
        try output.close()
    }

    private func emitMember(_ bytes: [UInt8]) throws -> (offset: Int64, length: Int64) {
        compressed.removeAll(keepingCapacity: true)
        try deflater.compressMember(bytes, into: &compressed)
        let offset = output.size
        try output.write(compressed)
        memberCount += 1
        return (offset, Int64(compressed.count))
    }
}

@available(*, unavailable)
extension GzipFileWriter: Sendable {}
