public import WinnowCore

/// Counts and ratios computed from plain text in one pass, without language data.
///
/// Words are runs of letters, digits and combining marks; an apostrophe between two letters stays inside the
/// word ("don't" is one word). Han ideographs and kana count as one word each, as is usual for Chinese and
/// Japanese text, which has no spaces. Scripts written without spaces whose words are not single characters
/// (Thai, Lao, Khmer, Burmese) are counted as one word per unbroken run.
public struct TextStatistics: Sendable, Equatable {
    /// Words, as defined above.
    public var wordCount = 0
    /// Unicode scalars.
    public var characterCount = 0
    /// Scalars that are not whitespace.
    public var visibleCount = 0
    /// Letters, digits and marks inside words (for the mean word length).
    public var wordCharacterCount = 0
    /// Punctuation scalars (Unicode general category P*).
    public var punctuationCount = 0
    /// Decimal digits.
    public var digitCount = 0
    /// Letters that have case.
    public var casedLetterCount = 0
    /// Upper-case letters.
    public var uppercaseCount = 0
    /// Lines that are not blank.
    public var lineCount = 0
    /// Groups of non-blank lines separated by blank lines.
    public var paragraphCount = 0
    /// Non-blank lines ending in terminal punctuation (. ! ? … and their CJK forms, optionally followed by a
    /// closing quote or bracket).
    public var terminalPunctuationLineCount = 0
    /// Non-blank lines whose text already occurred on an earlier line.
    public var duplicateLineCount = 0

    /// Computes the statistics of `text` in one pass over its UTF-8 bytes.
    public init(_ text: String) {
        var text = text
        text.withUTF8 { bytes in self.count(bytes) }
    }

    /// What a scalar is, as far as the statistics care.
    private enum Kind {
        case whitespace, uppercase, lowercase, uncasedWordCharacter, digit, punctuation, singleCharacterWord, other
    }

    private mutating func count(_ bytes: UnsafeBufferPointer<UInt8>) {
        var inWord = false
        var pendingApostrophe = false
        // Per line: where its visible content starts and ends (byte offsets), and whether it ends a sentence.
        var lineContentStart = -1
        var lineContentEnd = 0
        var lineEndsSentence = false
        var previousLineBlank = true
        var seenLines = Set<Int>()
        var index = 0
        let asciiKinds = Self.asciiKinds

        func endLine() {
            guard lineContentStart >= 0 else {
                previousLineBlank = true
                return
            }
            lineCount += 1
            if previousLineBlank { paragraphCount += 1 }
            previousLineBlank = false
            var hasher = Hasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[lineContentStart..<lineContentEnd])))
            if !seenLines.insert(hasher.finalize()).inserted { duplicateLineCount += 1 }
            if lineEndsSentence { terminalPunctuationLineCount += 1 }
            lineContentStart = -1
            lineEndsSentence = false
        }

        while index < bytes.count {
            let (value, length) = Self.decode(bytes, at: index)
            let scalarStart = index
            index += length
            characterCount += 1
            if value == 0x0A {
                endLine()
                inWord = false
                pendingApostrophe = false
                continue
            }
            let kind = value < 0x80 ? asciiKinds[Int(value)] : Self.kind(of: value)
            if kind == .whitespace {
                inWord = false
                pendingApostrophe = false
                continue
            }
            visibleCount += 1
            if lineContentStart < 0 { lineContentStart = scalarStart }
            lineContentEnd = index
            if Self.isTerminalMark(value) {
                lineEndsSentence = true
            } else if !Self.isClosingMark(value) {
                lineEndsSentence = false
            }
            switch kind {
            case .singleCharacterWord:
                wordCount += 1
                wordCharacterCount += 1
                inWord = false
                pendingApostrophe = false
            case .uppercase, .lowercase, .uncasedWordCharacter, .digit:
                if !inWord { wordCount += 1 }
                inWord = true
                pendingApostrophe = false
                wordCharacterCount += 1
                if kind == .digit { digitCount += 1 }
                if kind == .uppercase { uppercaseCount += 1 }
                if kind == .uppercase || kind == .lowercase { casedLetterCount += 1 }
            case .punctuation, .other, .whitespace:
                if kind == .punctuation { punctuationCount += 1 }
                // An apostrophe inside a word joins it with what follows: don't, l'homme, O’Brien.
                if inWord && !pendingApostrophe && (value == 0x27 || value == 0x2019) {
                    pendingApostrophe = true
                } else {
                    inWord = false
                    pendingApostrophe = false
                }
            }
        }
        endLine()
    }

    /// Decodes the scalar starting at `index` of valid UTF-8 (Swift strings always are).
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        func continuation(_ offset: Int) -> UInt32 { UInt32(bytes[index + offset] & 0x3F) }
        if lead < 0xE0 { return ((UInt32(lead & 0x1F) << 6) | continuation(1), 2) }
        if lead < 0xF0 { return ((UInt32(lead & 0x0F) << 12) | (continuation(1) << 6) | continuation(2), 3) }
        return ((UInt32(lead & 0x07) << 18) | (continuation(1) << 12) | (continuation(2) << 6) | continuation(3), 4)
    }

    /// The kinds of the 128 ASCII scalars, looked up instead of computed in the hot loop.
    private static let asciiKinds: [Kind] = (0..<128).map { asciiKind(of: UInt8($0)) }

    private static func asciiKind(of value: UInt8) -> Kind {
        switch value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: return .whitespace
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return .uppercase
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return .lowercase
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .digit
        // ASCII characters in the Unicode punctuation categories (the rest, such as $ + < = > ^ ` | ~, are symbols).
        case 0x21...0x23, 0x25...0x2A, 0x2C...0x2F, 0x3A, 0x3B, 0x3F, 0x40, 0x5B...0x5D, 0x5F, 0x7B, 0x7D:
            return .punctuation
        default: return .other
        }
    }

    /// The kind of a non-ASCII scalar.
    private static func kind(of value: UInt32) -> Kind {
        guard let scalar = Unicode.Scalar(value) else { return .other }
        if isSingleCharacterWord(scalar) { return .singleCharacterWord }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .titlecaseLetter: return .uppercase
        case .lowercaseLetter: return .lowercase
        case .decimalNumber: return .digit
        case .modifierLetter, .otherLetter, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return .uncasedWordCharacter
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return .punctuation
        default:
            return .other
        }
    }

    /// The signals written under `enrichment.signals`, ratios rounded to four decimals.
    public var signals: [String: JSONValue] {
        func ratio(_ part: Int, _ whole: Int) -> JSONValue {
            whole == 0 ? .number(0) : .number(((Double(part) / Double(whole)) * 10_000).rounded() / 10_000)
        }
        return [
            "meanWordLength": ratio(wordCharacterCount, wordCount),
            "lineCount": .number(Double(lineCount)),
            "paragraphCount": .number(Double(paragraphCount)),
            "punctuationRatio": ratio(punctuationCount, visibleCount),
            "digitRatio": ratio(digitCount, visibleCount),
            "uppercaseRatio": ratio(uppercaseCount, casedLetterCount),
            "terminalPunctuationLineRatio": ratio(terminalPunctuationLineCount, lineCount),
            "duplicateLineRatio": ratio(duplicateLineCount, lineCount),
        ]
    }

    /// Han ideographs, Hiragana and Katakana: scripts where one character is counted as one word.
    static func isSingleCharacterWord(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9D:  // Hiragana, Katakana
            return scalar.value != 0x30FB  // the katakana middle dot is punctuation
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x323AF:  // Han
            return true
        default:
            return false
        }
    }

    /// Sentence-ending marks: . ! ? … and their full-width and ideographic forms.
    private static func isTerminalMark(_ value: UInt32) -> Bool {
        switch value {
        case 0x2E, 0x21, 0x3F, 0x2026, 0x3002, 0xFF01, 0xFF1F, 0xFF0E: true
        default: false
        }
    }

    /// Closing quotes and brackets, which may follow a sentence's final mark: `."`, `?)`, `。」`.
    private static func isClosingMark(_ value: UInt32) -> Bool {
        switch value {
        case 0x22, 0x27, 0x29, 0x5D, 0x7D, 0xBB, 0x2019, 0x201D, 0x203A, 0x300D, 0x300F, 0xFF09: true
        default: false
        }
    }
}

