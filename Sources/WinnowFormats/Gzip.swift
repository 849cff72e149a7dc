import WinnowCore
import CZlib

/// One-shot gzip compression and decompression of byte arrays, through zlib.
///
/// ```swift
/// let packed = Gzip.compress(Array("hello".utf8))
/// let unpacked = try Gzip.decompress(packed)   // "hello"
/// ```
public enum Gzip {
    /// Compresses `bytes` into one complete gzip member at `level` (1 fastest … 9 smallest; out-of-range
    /// levels are clamped).
    public static func compress(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        do {
            let deflater = try Deflater(level: level)
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count / 4 + 64)
            try deflater.compressMember(bytes, into: &output)
            return output
        } catch {
            // Only running out of memory makes zlib fail here; there is nothing better to return.
            preconditionFailure("zlib could not compress: \(error)")
        }
    }

    /// Decompresses gzip (or zlib) data, including every member of a multi-member gzip file.
    ///
    /// - Throws: `StageError` with code `.invalidInput` when the data is not gzip, is corrupt or ends inside a
    ///   member, and `.tooLarge` when the output would exceed `maxOutputBytes`.
    public static func decompress(_ bytes: [UInt8], maxOutputBytes: Int = .max) throws -> [UInt8] {
        let inflater = try Inflater()
        var output: [UInt8] = []
        output.reserveCapacity(min(maxOutputBytes, bytes.count.multipliedReportingOverflow(by: 4).partialValue))
        try bytes.withUnsafeBufferPointer { input in
            var offset = 0
            var memberCount = 0
            while offset < input.count {
                let consumed = try inflater.inflateMember(
                    UnsafeBufferPointer(rebasing: input[offset...]), memberIndex: memberCount,
                    limit: maxOutputBytes - output.count
                ) { chunk in output.append(contentsOf: chunk) }
                guard let consumed else {
                    throw StageError(
                        .invalidInput,
                        "gzip data is truncated: member \(memberCount + 1) ends before its end marker "
                            + "(\(input.count) bytes in all)")
                }
                offset += consumed
                memberCount += 1
                // Trailing zero bytes (padding written by some tools) end the stream.
                if input[offset...].allSatisfy({ $0 == 0 }) { break }
            }
            if memberCount == 0 {
                throw StageError(.invalidInput, "gzip data is empty")
            }
        }
        return output
    }
}
