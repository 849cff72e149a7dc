#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The document's bytes as UTF-8, ready for libxml2, and how the charset was decided.
struct DecodedInput {
    /// The converted bytes, or `nil` when the input (after `skippedPrefix` bytes) is already valid UTF-8.
    var converted: [UInt8]?
    /// Bytes to skip at the start of the input (a UTF-8 byte order mark).
    var skippedPrefix: Int
    /// The canonical charset used.
    var charset: String
    /// What decided the charset.
    var source: CharsetSource
    /// Bytes that were not valid in the chosen charset and were decoded by the fallback.
    var invalidByteCount: Int
}

/// Chooses a document's charset and converts its bytes to UTF-8.
///
/// Order: byte order mark, transport charset, `<meta>` declaration, then the bytes themselves. A declaration
/// that contradicts the bytes loses: valid multi-byte UTF-8 is read as UTF-8 whatever a legacy declaration says,
/// and bytes that are not UTF-8 under a UTF-8 declaration are read as windows-1252, one byte at a time, so a
/// wrong declaration never produces a storm of replacement characters.
enum InputDecoder {
    /// Decodes `input`, then drops NUL bytes (libxml2 takes a NUL for the end of the input and would stop there).
    static func decode(_ input: UnsafeBufferPointer<UInt8>, transportCharset: String?) -> DecodedInput {
        var decoded = chooseAndConvert(input, transportCharset: transportCharset)
        if var converted = decoded.converted {
            if converted.withUnsafeBufferPointer(containsNUL) {
                converted.removeAll { $0 == 0 }
                decoded.converted = converted
            }
        } else {
            let rest = UnsafeBufferPointer(rebasing: input[decoded.skippedPrefix...])
            if containsNUL(rest) {
                decoded.converted = rest.filter { $0 != 0 }
                decoded.skippedPrefix = 0
            }
        }
        return decoded
    }

    private static func containsNUL(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return false }
        return memchr(base, 0, buffer.count) != nil
    }

    private static func chooseAndConvert(_ input: UnsafeBufferPointer<UInt8>, transportCharset: String?) -> DecodedInput {
        if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF {
            let rest = UnsafeBufferPointer(rebasing: input[3...])
            return utf8(rest, skippedPrefix: 3, scan: UTF8Scan(rest), source: .byteOrderMark, forceUTF8: true)
        }
        if input.count >= 2, input[0] == 0xFF, input[1] == 0xFE {
            return DecodedInput(converted: utf16(UnsafeBufferPointer(rebasing: input[2...]), bigEndian: false),
                                skippedPrefix: 0, charset: "utf-16le", source: .byteOrderMark, invalidByteCount: 0)
        }
        if input.count >= 2, input[0] == 0xFE, input[1] == 0xFF {
            return DecodedInput(converted: utf16(UnsafeBufferPointer(rebasing: input[2...]), bigEndian: true),
                                skippedPrefix: 0, charset: "utf-16be", source: .byteOrderMark, invalidByteCount: 0)
        }
        var declared: String?
        var source = CharsetSource.detected
        if let transportCharset, let name = CharsetLabel.canonicalName(transportCharset) {
            declared = name
            source = .transport
        } else if let label = MetaCharsetScanner.declaredLabel(in: input), var name = CharsetLabel.canonicalName(label) {
            if !CharsetLabel.isASCIICompatible(name) { name = "utf-8" }
            declared = name
            source = .meta
        }
        if let declared, !CharsetLabel.isASCIICompatible(declared) {
            return DecodedInput(converted: utf16(input, bigEndian: declared == "utf-16be"), skippedPrefix: 0,
                                charset: declared, source: source, invalidByteCount: 0)
        }
        let scan = UTF8Scan(input)
        switch declared {
        case nil:
            return utf8(input, skippedPrefix: 0, scan: scan, source: .detected, forceUTF8: false)
        case "utf-8":
            return utf8(input, skippedPrefix: 0, scan: scan, source: source, forceUTF8: true)
        case let name?:
            if scan.nonASCIICount == 0, name != "iso-2022-jp" || !input.contains(0x1B) {
                return DecodedInput(converted: nil, skippedPrefix: 0, charset: name, source: source, invalidByteCount: 0)
            }
            if scan.invalidCount == 0, scan.multibyteCount > 0 {
                return DecodedInput(converted: nil, skippedPrefix: 0, charset: "utf-8", source: .detected,
                                    invalidByteCount: 0)
            }
            if name == "windows-1252" {
                return DecodedInput(converted: windows1252(input), skippedPrefix: 0, charset: name, source: source,
                                    invalidByteCount: 0)
            }
            if let (converted, invalid) = iconvDecode(input, from: CharsetLabel.iconvName(name)),
                invalid * 50 <= max(scan.nonASCIICount, 50)
            {
                return DecodedInput(converted: converted, skippedPrefix: 0, charset: name, source: source,
                                    invalidByteCount: invalid)
            }
            return utf8(input, skippedPrefix: 0, scan: scan, source: .detected, forceUTF8: false)
        }
    }

    /// UTF-8 input: passed through when valid, otherwise decoded leniently or as windows-1252.
    private static func utf8(
        _ input: UnsafeBufferPointer<UInt8>, skippedPrefix: Int, scan: UTF8Scan, source: CharsetSource, forceUTF8: Bool
    ) -> DecodedInput {
        if scan.invalidCount == 0 {
            return DecodedInput(converted: nil, skippedPrefix: skippedPrefix, charset: "utf-8", source: source,
                                invalidByteCount: 0)
        }
        if forceUTF8 || scan.multibyteCount > scan.invalidCount {
            let mostlyUTF8 = scan.multibyteCount >= scan.invalidCount
            return DecodedInput(converted: lenientUTF8(input, invalidCount: scan.invalidCount), skippedPrefix: 0,
                                charset: mostlyUTF8 ? "utf-8" : "windows-1252",
                                source: mostlyUTF8 ? source : .detected,
                                invalidByteCount: mostlyUTF8 ? scan.invalidCount : 0)
        }
        return DecodedInput(converted: windows1252(input), skippedPrefix: 0, charset: "windows-1252",
                            source: .detected, invalidByteCount: 0)
    }

    /// Valid UTF-8 sequences as they are; each byte that starts no valid sequence as its windows-1252 character.
    static func lenientUTF8(_ input: UnsafeBufferPointer<UInt8>, invalidCount: Int) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + invalidCount * 2)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte < 0x80 {
                output.append(byte)
                index += 1
                continue
            }
            let length = UTF8Scan.sequenceLength(input, at: index)
            if length > 0 {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<(index + length)]))
                index += length
            } else {
                appendWindows1252(byte, to: &output)
                index += 1
            }
        }
        return output
    }

    static func windows1252(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 8)
        for byte in input {
            if byte < 0x80 { output.append(byte) } else { appendWindows1252(byte, to: &output) }
        }
        return output
    }

    /// The code points of windows-1252 bytes 0x80–0x9F (the rest equal their byte value).
    private static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
        0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
        0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    private static func appendWindows1252(_ byte: UInt8, to output: inout [UInt8]) {
        let scalar = byte < 0xA0 ? UInt32(windows1252High[Int(byte) - 0x80]) : UInt32(byte)
        appendScalar(scalar, to: &output)
    }

    private static func appendScalar(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            output.append(UInt8(scalar))
        case ..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case ..<0x10000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// UTF-16 to UTF-8; unpaired surrogates and a trailing odd byte become U+FFFD.
    static func utf16(_ input: UnsafeBufferPointer<UInt8>, bigEndian: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        func unit(at position: Int) -> UInt32 {
            bigEndian ? UInt32(input[position]) << 8 | UInt32(input[position + 1])
                : UInt32(input[position + 1]) << 8 | UInt32(input[position])
        }
        while index + 1 < input.count {
            let first = unit(at: index)
            index += 2
            if first >= 0xD800, first < 0xDC00, index + 1 < input.count {
                let second = unit(at: index)
                if second >= 0xDC00, second < 0xE000 {
                    index += 2
                    appendScalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), to: &output)
                    continue
                }
            }
            appendScalar(first >= 0xD800 && first < 0xE000 ? 0xFFFD : first, to: &output)
        }
        if index < input.count { appendScalar(0xFFFD, to: &output) }
        return output
    }

    /// Converts with iconv; bytes it rejects become U+FFFD. `nil` when iconv does not know the charset.
    static func iconvDecode(_ input: UnsafeBufferPointer<UInt8>, from charset: String) -> (bytes: [UInt8], invalid: Int)? {
        let descriptor = iconv_open("UTF-8", charset)
        guard let descriptor, Int(bitPattern: descriptor) != -1 else { return nil }
        defer { iconv_close(descriptor) }
        guard let base = input.baseAddress, !input.isEmpty else { return ([], 0) }
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var written = 0
        var invalid = 0
        var inPointer = UnsafeMutablePointer<CChar>(mutating: UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        while inLeft > 0 {
            let (result, outLeft, code) = output.withUnsafeMutableBytes { buffer -> (Int, Int, Int32) in
                var outPointer: UnsafeMutablePointer<CChar>? =
                    buffer.baseAddress.map { ($0 + written).assumingMemoryBound(to: CChar.self) }
                var outLeft = buffer.count - written
                var inOptional: UnsafeMutablePointer<CChar>? = inPointer
                let result = iconv(descriptor, &inOptional, &inLeft, &outPointer, &outLeft)
                let code = errno
                if let inOptional { inPointer = inOptional }
                return (result, outLeft, code)
            }
            written = output.count - outLeft
            if result != -1 { break }
            switch code {
            case E2BIG:
                output.append(contentsOf: repeatElement(0, count: output.count))
            case EILSEQ, EINVAL:
                if output.count - written < 3 { output.append(contentsOf: repeatElement(0, count: 16)) }
                output[written] = 0xEF
                output[written + 1] = 0xBF
                output[written + 2] = 0xBD
                written += 3
                invalid += 1
                inPointer += 1
                inLeft -= 1
            default:
                return nil
            }
        }
        output.removeSubrange(written...)
        return (output, invalid)
    }
}

/// Counts of what a byte sequence holds, read as UTF-8.
struct UTF8Scan {
    var nonASCIICount = 0
    var multibyteCount = 0
    var invalidCount = 0

    init(_ input: UnsafeBufferPointer<UInt8>) {
        guard let base = input.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var index = 0
        let count = input.count
        while index < count {
            if index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
                continue
            }
            if input[index] < 0x80 {
                index += 1
                continue
            }
            let length = Self.sequenceLength(input, at: index)
            if length > 0 {
                nonASCIICount += length
                multibyteCount += 1
                index += length
            } else {
                nonASCIICount += 1
                invalidCount += 1
                index += 1
            }
        }
    }

    /// The length of the valid multi-byte UTF-8 sequence at `index` (which holds a byte ≥ 0x80), or 0.
    static func sequenceLength(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = input[index]
        let remaining = input.count - index
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            offset < remaining && input[index + offset] >= low && input[index + offset] <= high
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0:
            return continuation(1, 0xA0) && continuation(2) ? 3 : 0
        case 0xED:
            return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
        case 0xE1...0xEF:
            return continuation(1) && continuation(2) ? 3 : 0
        case 0xF0:
            return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4:
            return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }
}
