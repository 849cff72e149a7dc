#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import WinnowCore

/// Reads a gzip file piece by piece, member by member, without holding the whole file in memory.
///
/// `nextChunk()` returns decompressed bytes as they come; `nextMember(maxBytes:)` returns one whole member
/// with its offset and compressed length (one WARC record per member). Multi-member files are read to the
/// end; a file that ends inside a member throws. Not `Sendable`: the reader owns a zlib stream and a file
/// descriptor and is used from one task. Reads are blocking file I/O.
public final class GzipFileReader {
    /// One decompressed member and where it lies in the file.
    public struct Member: Sendable {
        /// The member's byte offset in the compressed file.
        public var offset: Int64
        /// The member's compressed length in bytes.
        public var compressedLength: Int64
        /// The decompressed bytes.
        public var bytes: [UInt8]
    }

    /// The file being read.
    public let path: String
    private var descriptor: Int32
    private let inflater: Inflater
    private var input: [UInt8]
    private var inputStart = 0
    private var inputEnd = 0
    /// The file offset of `input[0]`.
    private var inputOffset: Int64 = 0
    private var atEndOfFile = false
    private var memberStart: Int64 = 0
    private var memberIndex = 0

    /// Opens `path` for reading.
    public init(path: String, readSize: Int = 64 * 1024) throws {
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            throw StageError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = opened
        self.path = path
        inflater = try Inflater()
        input = [UInt8](repeating: 0, count: max(512, readSize))
    }

    deinit { close() }

    /// Compressed bytes consumed so far (for progress).
    public var bytesRead: Int64 { inputOffset + Int64(inputStart) }

    /// The next piece of decompressed data (at most what one read of compressed input yields), or `nil` at
    /// the end of the file.
    public func nextChunk() throws -> [UInt8]? {
        while true {
            guard let (bytes, _) = try step() else { return nil }
            if !bytes.isEmpty { return bytes }
        }
    }

    /// The next whole member, or `nil` at the end of the file.
    ///
    /// - Throws: `StageError` `.tooLarge` when the member decompresses to more than `maxBytes`, and
    ///   `.invalidInput` when the file is corrupt or truncated.
    public func nextMember(maxBytes: Int = .max) throws -> Member? {
        var bytes: [UInt8] = []
        var offset: Int64?
        while let (chunk, endedMember) = try step() {
            if offset == nil, memberStartOfLastStep >= 0 { offset = memberStartOfLastStep }
            if chunk.count > maxBytes - bytes.count {
                throw StageError(
                    .tooLarge, "gzip member \(memberIndex + 1) of \(path) decompresses to more than \(maxBytes) bytes")
            }
            bytes.append(contentsOf: chunk)
            if endedMember, let offset {
                return Member(offset: offset, compressedLength: memberStart - offset, bytes: bytes)
            }
        }
        return nil
    }

    /// Closes the file; reading afterwards returns `nil`. Closing twice does nothing.
    public func close() {
        guard descriptor >= 0 else { return }
        #if canImport(Darwin)
        _ = Darwin.close(descriptor)
        #elseif canImport(Musl)
        _ = Musl.close(descriptor)
        #else
        _ = Glibc.close(descriptor)
        #endif
        descriptor = -1
    }

    /// Where the member touched by the last step began, or -1 when that step only skipped padding.
    private var memberStartOfLastStep: Int64 = -1

    /// Inflates from the buffered input; returns the bytes produced and whether the member ended, or `nil` at
    /// a clean end of file.
    private func step() throws -> ([UInt8], Bool)? {
        if inputStart == inputEnd {
            try refill()
            if inputStart == inputEnd {
                if inflater.inMember {
                    throw StageError(
                        .invalidInput, "\(path) is truncated: gzip member \(memberIndex + 1) ends before its end marker")
                }
                return nil
            }
        }
        if !inflater.inMember {
            // Zero padding between or after members is ignored, as gzip does.
            while inputStart < inputEnd && input[inputStart] == 0 { inputStart += 1 }
            if inputStart == inputEnd {
                memberStartOfLastStep = -1
                return ([], false)
            }
            memberStart = inputOffset + Int64(inputStart)
        }
        memberStartOfLastStep = memberStart
        var produced: [UInt8] = []
        let consumed = try input.withUnsafeBufferPointer { buffer in
            try inflater.inflateMember(
                UnsafeBufferPointer(rebasing: buffer[inputStart..<inputEnd]), memberIndex: memberIndex, limit: .max
            ) { produced.append(contentsOf: $0) }
        }
        if let consumed {
            inputStart += consumed
            memberStart = inputOffset + Int64(inputStart)
            memberIndex += 1
            return (produced, true)
        }
        inputStart = inputEnd
        return (produced, false)
    }

    private func refill() throws {
        guard descriptor >= 0, !atEndOfFile else { return }
        inputOffset += Int64(inputEnd)
        inputStart = 0
        inputEnd = 0
        while true {
            let count = input.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress, buffer.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw StageError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { atEndOfFile = true }
            inputEnd = count
            return
        }
    }
}

@available(*, unavailable)
extension GzipFileReader: Sendable {}
