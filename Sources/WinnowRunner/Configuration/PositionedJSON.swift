import Foundation
import WinnowCore

/// A place in a text file: 1-based line and column (columns count Unicode scalars).
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A JSON value that remembers where it came from, so configuration problems can name a line and column.
struct PositionedJSON: Sendable {
    /// Where a value came from: a place in the file, or a `--set` override.
    enum Origin: Sendable {
        case file(SourcePosition)
        case override(String)
    }

    /// One key and value of an object, in file order.
    struct Member: Sendable {
        var key: String
        /// Where the key itself is written.
        var keyOrigin: Origin
        var value: PositionedJSON
    }

    indirect enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([PositionedJSON])
        case object([Member])
    }

    var kind: Kind
    var origin: Origin

    /// The plain JSON value, without positions (for duplicate keys the last one wins).
    var value: JSONValue {
        switch kind {
        case .null: .null
        case .bool(let value): .bool(value)
        case .number(let value): .number(value)
        case .string(let value): .string(value)
        case .array(let items): .array(items.map(\.value))
        case .object(let members):
            .object(Dictionary(members.map { ($0.key, $0.value.value) }, uniquingKeysWith: { _, last in last }))
        }
    }

    /// The members of an object, or `nil` for other values.
    var members: [Member]? {
        if case .object(let members) = kind { members } else { nil }
    }

    /// The value of the last member named `key`, when this is an object.
    subscript(key: String) -> PositionedJSON? {
        members?.last { $0.key == key }?.value
    }

    /// The name of the value's JSON type, as used in messages ("a string", "an array").
    var typeDescription: String { value.typeDescription }

    /// Builds a positioned value from a plain one, every part attributed to `origin`.
    init(_ value: JSONValue, origin: Origin) {
        self.origin = origin
        switch value {
        case .null: kind = .null
        case .bool(let flag): kind = .bool(flag)
        case .number(let number): kind = .number(number)
        case .string(let string): kind = .string(string)
        case .array(let items): kind = .array(items.map { PositionedJSON($0, origin: origin) })
        case .object(let object):
            kind = .object(object.keys.sorted().map { Member(key: $0, keyOrigin: origin, value: PositionedJSON(object[$0] ?? .null, origin: origin)) })
        }
    }

    init(kind: Kind, origin: Origin) {
        self.kind = kind
        self.origin = origin
    }
}

/// A JSON syntax error at a position in the text.
struct JSONSyntaxError: Error, Sendable {
    var message: String
    var position: SourcePosition
}

/// A strict JSON parser (RFC 8259) that records the line and column where every value starts.
///
/// Foundation's `JSONSerialization` reports no positions, and configuration errors must name them.
struct PositionedJSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var depth = 0
    private static let maximumDepth = 512

    init(text: String) {
        bytes = Array(text.utf8)
    }

    /// Parses one JSON document; trailing non-space content is an error.
    static func parse(_ text: String) throws(JSONSyntaxError) -> PositionedJSON {
        var parser = PositionedJSONParser(text: text)
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < parser.bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the JSON value")
        }
        return value
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    private func error(_ message: String, at position: SourcePosition? = nil) -> JSONSyntaxError {
        JSONSyntaxError(message: message, position: position ?? self.position)
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of file" }
        let byte = bytes[index]
        if byte >= 0x21, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return String(format: "byte 0x%02X", byte)
    }

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): advance()
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> PositionedJSON {
        guard index < bytes.count else { throw error("unexpected end of file: expected a value") }
        let start = position
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(start: start)
        case UInt8(ascii: "["): return try parseArray(start: start)
        case UInt8(ascii: "\""): return PositionedJSON(kind: .string(try parseString()), origin: .file(start))
        case UInt8(ascii: "t"): try expectWord("true"); return PositionedJSON(kind: .bool(true), origin: .file(start))
        case UInt8(ascii: "f"): try expectWord("false"); return PositionedJSON(kind: .bool(false), origin: .file(start))
        case UInt8(ascii: "n"): try expectWord("null"); return PositionedJSON(kind: .null, origin: .file(start))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return PositionedJSON(kind: .number(try parseNumber()), origin: .file(start))
        default:
            throw error("unexpected \(describeCurrent()): expected a value")
        }
    }

    private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        let start = position
        for expected in word.utf8 {
            guard index < bytes.count, bytes[index] == expected else {
                throw error("invalid literal: expected '\(word)'", at: start)
            }
            advance()
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject(start: SourcePosition) throws(JSONSyntaxError) -> PositionedJSON {
        try enter()
        defer { depth -= 1 }
        advance()
        var members: [PositionedJSON.Member] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            advance()
            return PositionedJSON(kind: .object(members), origin: .file(start))
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()): expected a key in double quotes")
            }
            let keyPosition = position
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()): expected ':' after the key \"\(key)\"")
            }
            advance()
            skipWhitespace()
            members.append(.init(key: key, keyOrigin: .file(keyPosition), value: try parseValue()))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file: expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                advance()
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                advance()
                return PositionedJSON(kind: .object(members), origin: .file(start))
            }
            throw error("unexpected \(describeCurrent()): expected ',' or '}'")
        }
    }

    private mutating func parseArray(start: SourcePosition) throws(JSONSyntaxError) -> PositionedJSON {
        try enter()
        defer { depth -= 1 }
        advance()
        var items: [PositionedJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            advance()
            return PositionedJSON(kind: .array(items), origin: .file(start))
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file: expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") {
                advance()
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                advance()
                return PositionedJSON(kind: .array(items), origin: .file(start))
            }
            throw error("unexpected \(describeCurrent()): expected ',' or ']'")
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position
        advance()
        var scalars = String.UnicodeScalarView()
        var pendingBytes: [UInt8] = []
        func flush() {
            guard !pendingBytes.isEmpty else { return }
            scalars.append(contentsOf: String(decoding: pendingBytes, as: UTF8.self).unicodeScalars)
            pendingBytes.removeAll(keepingCapacity: true)
        }
        while true {
            guard index < bytes.count else { throw error("unterminated string", at: start) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                advance()
                guard index < bytes.count else { throw error("unterminated string", at: start) }
                let escape = bytes[index]
                advance()
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    let high = try parseHexQuad()
                    if (0xD800..<0xDC00).contains(high) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate \\u\(String(high, radix: 16))")
                        }
                        advance()
                        advance()
                        let low = try parseHexQuad()
                        guard (0xDC00..<0xE000).contains(low),
                            let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                        else { throw error("invalid surrogate pair") }
                        scalars.append(scalar)
                    } else if let scalar = Unicode.Scalar(high) {
                        scalars.append(scalar)
                    } else {
                        throw error("unpaired surrogate \\u\(String(high, radix: 16))")
                    }
                default:
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))' in string")
                }
            case 0..<0x20:
                throw error("control character in string (write it as an escape such as \\n)")
            default:
                pendingBytes.append(byte)
                advance()
            }
        }
    }

    private mutating func parseHexQuad() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = hexValue(bytes[index]) else {
                throw error("invalid \\u escape: expected four hex digits")
            }
            value = value << 4 | digit
            advance()
        }
        return value
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = position
        let first = index
        func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= UInt8(ascii: "0") && bytes[at] <= UInt8(ascii: "9") }
        if bytes[index] == UInt8(ascii: "-") { advance() }
        guard isDigit(index) else { throw error("invalid number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            advance()
            if isDigit(index) { throw error("invalid number: leading zero", at: start) }
        } else {
            while isDigit(index) { advance() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            advance()
            guard isDigit(index) else { throw error("invalid number: expected digits after '.'", at: start) }
            while isDigit(index) { advance() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            advance()
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { advance() }
            guard isDigit(index) else { throw error("invalid number: expected digits in the exponent", at: start) }
            while isDigit(index) { advance() }
        }
        guard let number = Double(String(decoding: bytes[first..<index], as: UTF8.self)), number.isFinite else {
            throw error("number out of range", at: start)
        }
        return number
    }
}
