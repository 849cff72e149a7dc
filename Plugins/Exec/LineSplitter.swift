#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into `\n`-terminated lines, in time linear in the input however long the lines are.
///
/// Bytes already searched are not searched again, so a line of many megabytes arriving in 64 KiB chunks
/// costs one pass. A `\r` before the `\n` is kept: JSON text cannot contain one outside a string escape, so
/// the decoder sees it as whitespace.
struct LineSplitter {
    private var buffer: [UInt8] = []
    /// Where the search for the next newline resumes.
    private var searched = 0

    /// Appends `bytes` and returns every line completed by them, without their newline.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var lines: [[UInt8]] = []
        var lineStart = 0
        buffer.withUnsafeBufferPointer { storage in
            guard let base = storage.baseAddress else { return }
            var position = searched
            while position < storage.count,
                let found = memchr(base + position, Int32(UInt8(ascii: "\n")), storage.count - position)
            {
                let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                lines.append(Array(storage[lineStart..<newline]))
                lineStart = newline + 1
                position = lineStart
            }
        }
        if lineStart > 0 { buffer.removeSubrange(0..<lineStart) }
        searched = buffer.count
        return lines
    }

    /// How many bytes wait for their newline.
    var pendingCount: Int { buffer.count }

    /// The bytes after the last newline, when the stream ended without one; empties the buffer.
    mutating func finish() -> [UInt8]? {
        defer {
            buffer = []
            searched = 0
        }
        return buffer.isEmpty ? nil : buffer
    }
}
