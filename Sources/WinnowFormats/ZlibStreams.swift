import WinnowCore
import CZlib

/// The size of the scratch buffer zlib writes into before bytes are copied out.
let zlibChunkSize = 64 * 1024

/// Allocates a zeroed `z_stream` on the heap (zlib needs it never to move) and starts it with `start`, a
/// zlib `…Init2` call named `call` in the error; frees it again and throws when zlib refuses.
private func makeZlibStream(
    _ call: String, start: (UnsafeMutablePointer<z_stream>) -> Int32
) throws -> UnsafeMutablePointer<z_stream> {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let status = start(stream)
    guard status == Z_OK else {
        freeZlibStream(stream)
        throw StageError(.internal, "zlib \(call) failed with status \(status)")
    }
    return stream
}

/// Frees a stream made by `makeZlibStream` (after `deflateEnd` or `inflateEnd`, when it was started).
private func freeZlibStream(_ stream: UnsafeMutablePointer<z_stream>) {
    stream.deinitialize(count: 1)
    stream.deallocate()
}

/// A deflate stream producing gzip members, owning a heap-allocated `z_stream`.
///
/// zlib keeps a pointer back to the `z_stream` inside its internal state, so the stream must never move: it is
/// allocated once on the heap and freed in `deinit`. Used from one task at a time.
final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch: [UInt8]

    init(level: Int) throws {
        let clamped = Int32(min(9, max(0, level)))
        stream = try makeZlibStream("deflateInit2") { winnow_deflate_init_gzip($0, clamped) }
        scratch = [UInt8](repeating: 0, count: zlibChunkSize)
    }

    deinit {
        deflateEnd(stream)
        freeZlibStream(stream)
    }

    /// Compresses `bytes` as one complete gzip member appended to `output`, then resets for the next member.
    func compressMember(_ bytes: [UInt8], into output: inout [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { input in
            // zlib's next_in is not const-qualified but deflate never writes through it.
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.pointee.avail_in = 0
            var remaining = input.count
            var status: Int32 = Z_OK
            repeat {
                if stream.pointee.avail_in == 0 && remaining > 0 {
                    let take = min(remaining, Int(UInt32.max))
                    stream.pointee.avail_in = UInt32(take)
                    remaining -= take
                }
                let flush = remaining == 0 ? Z_FINISH : Z_NO_FLUSH
                try scratch.withUnsafeMutableBufferPointer { buffer in
                    stream.pointee.next_out = buffer.baseAddress
                    stream.pointee.avail_out = UInt32(buffer.count)
                    status = deflate(stream, flush)
                    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                        throw StageError(.internal, "zlib deflate failed with status \(status)")
                    }
                    let produced = buffer.count - Int(stream.pointee.avail_out)
                    output.append(contentsOf: buffer[0..<produced])
                }
            } while status != Z_STREAM_END
        }
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        deflateReset(stream)
    }
}

@available(*, unavailable)
extension Deflater: Sendable {}

/// An inflate stream reading gzip (or zlib) members, owning a heap-allocated `z_stream`; used from one task.
final class Inflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch: [UInt8]
    /// Whether the current member has started (its state must be kept across input chunks).
    private(set) var inMember = false

    init() throws {
        stream = try makeZlibStream("inflateInit2") { winnow_inflate_init_auto($0) }
        scratch = [UInt8](repeating: 0, count: zlibChunkSize)
    }

    deinit {
        inflateEnd(stream)
        freeZlibStream(stream)
    }

    /// Inflates from `input` until the current member ends or the input runs out, handing decompressed chunks
    /// to `emit`.
    ///
    /// - Returns: the number of input bytes consumed when the member ended (the stream is then reset for the
    ///   next member), or `nil` when all of `input` was consumed and the member continues.
    /// - Throws: `StageError` `.invalidInput` for corrupt data and `.tooLarge` when more than `limit` bytes
    ///   would be emitted.
    func inflateMember(
        _ input: UnsafeBufferPointer<UInt8>, memberIndex: Int, limit: Int, emit: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> Int? {
        guard let base = input.baseAddress, !input.isEmpty else { return nil }
        inMember = true
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base)
        var remaining = input.count
        let firstTake = min(remaining, Int(UInt32.max))
        stream.pointee.avail_in = UInt32(firstTake)
        remaining -= firstTake
        var emitted = 0
        while true {
            var status: Int32 = Z_OK
            var produced = 0
            try scratch.withUnsafeMutableBufferPointer { buffer in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = UInt32(buffer.count)
                status = inflate(stream, Z_NO_FLUSH)
                produced = buffer.count - Int(stream.pointee.avail_out)
                if produced > 0 {
                    emitted += produced
                    if emitted > limit {
                        throw StageError(
                            .tooLarge, "gzip data decompresses to more than the limit of \(limit) bytes")
                    }
                    try emit(UnsafeBufferPointer(rebasing: buffer[0..<produced]))
                }
            }
            switch status {
            case Z_STREAM_END:
                let unread = Int(stream.pointee.avail_in) + remaining
                inflateReset(stream)
                inMember = false
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
                return input.count - unread
            case Z_OK, Z_BUF_ERROR:
                if stream.pointee.avail_in == 0 {
                    if remaining == 0 {
                        if produced == 0 || status == Z_BUF_ERROR { return nil }
                        continue
                    }
                    let take = min(remaining, Int(UInt32.max))
                    stream.pointee.avail_in = UInt32(take)
                    remaining -= take
                } else if status == Z_BUF_ERROR && produced == 0 {
                    throw StageError(.internal, "zlib inflate made no progress")
                }
            case Z_DATA_ERROR:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "corrupt data"
                throw StageError(.invalidInput, "gzip data is corrupt in member \(memberIndex + 1): \(reason)")
            case Z_NEED_DICT:
                throw StageError(.invalidInput, "gzip data needs a preset dictionary, which is not supported")
            case Z_MEM_ERROR:
                throw StageError(.internal, "zlib ran out of memory while inflating")
            default:
                throw StageError(.internal, "zlib inflate failed with status \(status)")
            }
        }
    }
}

@available(*, unavailable)
extension Inflater: Sendable {}
