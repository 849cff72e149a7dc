/// How a document's character encoding was decided.
public enum CharsetSource: String, Sendable, Hashable {
    /// The transport (the HTTP `Content-Type` header) declared it.
    case transport
    /// The bytes start with a byte order mark.
    case byteOrderMark
    /// A `<meta charset>` or `<meta http-equiv="content-type">` tag declared it.
    case meta
    /// Nothing usable was declared, or the declaration contradicted the bytes; the bytes decided.
    case detected
}

/// Canonical charset names (lower-case, as the WHATWG Encoding Standard spells them) and their labels.
enum CharsetLabel {
    /// The canonical name for a label from a header or a meta tag, or `nil` when the label is unknown.
    static func canonicalName(_ label: String) -> String? {
        var trimmed = Substring(label)
        while let first = trimmed.first, first == " " || first == "\t" || first == "\"" || first == "'" {
            trimmed = trimmed.dropFirst()
        }
        while let last = trimmed.last, last == " " || last == "\t" || last == "\"" || last == "'" || last == ";" {
            trimmed = trimmed.dropLast()
        }
        return aliases[trimmed.lowercased()]
    }

    /// The name glibc's (or libiconv's) `iconv_open` accepts for a canonical name that needs iconv.
    static func iconvName(_ canonical: String) -> String {
        switch canonical {
        case "shift_jis": "CP932"
        case "euc-kr": "CP949"
        case "gbk", "gb18030": "GB18030"
        case "big5": "BIG5-HKSCS"
        case "windows-874": "CP874"
        case "x-mac-cyrillic": "MAC-CYRILLIC"
        case "iso-8859-8-i": "ISO-8859-8"
        default: canonical.uppercased()
        }
    }

    /// Whether the charset encodes ASCII as ASCII (all but UTF-16).
    static func isASCIICompatible(_ canonical: String) -> Bool {
        canonical != "utf-16le" && canonical != "utf-16be"
    }

    private static let aliases: [String: String] = {
        let groups: [(String, [String])] = [
            ("utf-8", ["utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"]),
            ("windows-1252", [
                "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "iso88591",
                "iso_8859-1:1987", "latin1", "l1", "cp819", "ibm819", "iso-ir-100", "csisolatin1", "us-ascii",
                "ascii", "ansi_x3.4-1968",
            ]),
            ("shift_jis", ["shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "ms932", "csshiftjis",
                           "windows-31j", "cp932"]),
            ("euc-jp", ["euc-jp", "x-euc-jp", "cseucpkdfmtjapanese", "eucjp"]),
            ("iso-2022-jp", ["iso-2022-jp", "csiso2022jp"]),
            ("gbk", ["gbk", "x-gbk", "gb2312", "gb_2312", "gb_2312-80", "chinese", "csgb2312", "csiso58gb231280",
                     "iso-ir-58", "cp936", "ms936", "windows-936"]),
            ("gb18030", ["gb18030"]),
            ("big5", ["big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"]),
            ("euc-kr", ["euc-kr", "cseuckr", "csksc56011987", "iso-ir-149", "korean", "ks_c_5601-1987",
                        "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949", "cp949"]),
            ("utf-16le", ["utf-16le", "utf-16", "ucs-2", "unicode", "unicodefeff", "iso-10646-ucs-2", "csunicode"]),
            ("utf-16be", ["utf-16be", "unicodefffe"]),
            ("koi8-r", ["koi8-r", "koi8", "koi", "cskoi8r", "koi8_r"]),
            ("koi8-u", ["koi8-u", "koi8-ru"]),
            ("ibm866", ["ibm866", "866", "cp866", "csibm866"]),
            ("macintosh", ["macintosh", "mac", "x-mac-roman", "csmacintosh"]),
            ("x-mac-cyrillic", ["x-mac-cyrillic", "x-mac-ukrainian"]),
            ("windows-874", ["windows-874", "dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620"]),
            ("iso-8859-8-i", ["iso-8859-8-i", "csiso88598i", "logical"]),
        ]
        var table: [String: String] = [:]
        for (name, labels) in groups {
            for label in labels { table[label] = name }
        }
        for number in [2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16] {
            let name = "iso-8859-\(number)"
            for label in [name, "iso8859-\(number)", "iso_8859-\(number)", "iso8859\(number)"] {
                table[label] = name
            }
        }
        for number in [1250, 1251, 1253, 1254, 1255, 1256, 1257, 1258] {
            table["windows-\(number)"] = "windows-\(number)"
            table["cp\(number)"] = "windows-\(number)"
            table["x-cp\(number)"] = "windows-\(number)"
        }
        table["latin2"] = "iso-8859-2"
        table["l2"] = "iso-8859-2"
        table["latin9"] = "iso-8859-15"
        table["cyrillic"] = "iso-8859-5"
        table["greek"] = "iso-8859-7"
        table["hebrew"] = "iso-8859-8"
        table["arabic"] = "iso-8859-6"
        return table
    }()
}

/// Finds the charset a page declares in its first bytes, as a browser's pre-scan does.
enum MetaCharsetScanner {
    /// How many leading bytes are searched for a declaration.
    static let scanLength = 4096

    /// The label declared by the first `<meta charset>` or `<meta http-equiv="content-type" content=…>` tag.
    static func declaredLabel(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let end = min(bytes.count, scanLength)
        var index = 0
        while index < end {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if matches(bytes, at: index, "<!--") {
                index = skip(past: "-->", in: bytes, from: index + 4, end: end)
            } else if index + 5 < end, matchesCaseInsensitive(bytes, at: index + 1, "meta"),
                isSpaceOrSlash(bytes[index + 5])
            {
                var position = index + 5
                var charset: String?
                var content: String?
                var httpEquivContentType = false
                while let (name, value, next) = attribute(in: bytes, from: position, end: end) {
                    position = next
                    switch name {
                    case "charset": if charset == nil { charset = value }
                    case "content": if content == nil { content = value }
                    case "http-equiv": httpEquivContentType = value.lowercased() == "content-type"
                    default: break
                    }
                }
                if let charset, !charset.isEmpty { return charset }
                if httpEquivContentType, let content, let label = charsetParameter(in: content) { return label }
                index = position
            } else if index + 1 < end, isLetter(bytes[index + 1]) || bytes[index + 1] == UInt8(ascii: "/") {
                var position = index + 1
                while position < end, !isSpaceOrSlash(bytes[position]), bytes[position] != UInt8(ascii: ">") {
                    position += 1
                }
                while let (_, _, next) = attribute(in: bytes, from: position, end: end) { position = next }
                index = position
            } else if index + 1 < end, bytes[index + 1] == UInt8(ascii: "!") || bytes[index + 1] == UInt8(ascii: "?") {
                index = skip(past: ">", in: bytes, from: index + 2, end: end)
            } else {
                index += 1
            }
        }
        return nil
    }

    /// The value of `charset=` inside a `content` attribute (`text/html; charset=shift_jis`).
    static func charsetParameter(in content: String) -> String? {
        let lowered = Array(content.lowercased().utf8)
        var index = 0
        while index + 7 <= lowered.count {
            if lowered[index..<(index + 7)].elementsEqual("charset".utf8) {
                var position = index + 7
                while position < lowered.count, isSpace(lowered[position]) { position += 1 }
                if position < lowered.count, lowered[position] == UInt8(ascii: "=") {
                    position += 1
                    while position < lowered.count, isSpace(lowered[position]) { position += 1 }
                    var quote: UInt8?
                    if position < lowered.count, lowered[position] == UInt8(ascii: "\"") || lowered[position] == UInt8(ascii: "'") {
                        quote = lowered[position]
                        position += 1
                    }
                    let start = position
                    while position < lowered.count, lowered[position] != quote ?? UInt8(ascii: ";"),
                        quote != nil || !isSpace(lowered[position])
                    {
                        position += 1
                    }
                    return position > start ? String(decoding: lowered[start..<position], as: UTF8.self) : nil
                }
                index = position
            } else {
                index += 1
            }
        }
        return nil
    }

    /// Reads one attribute of a tag; `nil` at the tag's end. Names are lower-cased.
    private static func attribute(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, end: Int
    ) -> (name: String, value: String, next: Int)? {
        var index = start
        while index < end, isSpaceOrSlash(bytes[index]) { index += 1 }
        guard index < end, bytes[index] != UInt8(ascii: ">") else { return nil }
        var name: [UInt8] = []
        while index < end, !isSpaceOrSlash(bytes[index]), bytes[index] != UInt8(ascii: ">"),
            bytes[index] != UInt8(ascii: "=") || name.isEmpty
        {
            name.append(lowercased(bytes[index]))
            index += 1
        }
        while index < end, isSpace(bytes[index]) { index += 1 }
        guard index < end, bytes[index] == UInt8(ascii: "=") else {
            return (String(decoding: name, as: UTF8.self), "", index)
        }
        index += 1
        while index < end, isSpace(bytes[index]) { index += 1 }
        var value: [UInt8] = []
        if index < end, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
            let quote = bytes[index]
            index += 1
            while index < end, bytes[index] != quote {
                value.append(bytes[index])
                index += 1
            }
            index += 1
        } else {
            while index < end, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") {
                value.append(bytes[index])
                index += 1
            }
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self), min(index, end))
    }

    private static func skip(past terminator: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int {
        var index = start
        while index < end {
            if matches(bytes, at: index, terminator) { return index + terminator.utf8CodeUnitCount }
            index += 1
        }
        return end
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
        return true
    }

    private static func matchesCaseInsensitive(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where lowercased(bytes[index + offset]) != pointer[offset] { return false }
        return true
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private static func isSpaceOrSlash(_ byte: UInt8) -> Bool { isSpace(byte) || byte == UInt8(ascii: "/") }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
