/// Accumulates the inline text of one block in two renderings, plain and Markdown, collapsing whitespace.
///
/// Runs of whitespace (no-break spaces included) become one space; `<br>` becomes a newline; spaces at the
/// start and end of the block and around newlines are dropped. The Markdown rendering is derived from the plain
/// one when the block is taken (escaping, hard breaks), and only kept separately once Markdown-only syntax
/// (a link or an image) has been added, so plain prose costs one buffer and one string.
struct InlineBuffer {
    private var plain: [UInt8] = []
    /// The Markdown rendering, once it differs from escaped plain text by more than escapes.
    private var markdown: [UInt8]?
    private var pendingSpace = false
    private var previousWasC2 = false

    /// Whether the block holds nothing yet.
    var isEmpty: Bool { plain.isEmpty && (markdown?.isEmpty ?? true) }

    /// Appends text, collapsing whitespace.
    mutating func append(text: String) {
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes { appendByte(byte) }
        }
    }

    /// Appends text verbatim to the Markdown rendering only (link and image syntax). Syntax that opens
    /// something takes a pending space before it; closing syntax leaves the space to follow it.
    mutating func appendMarkdownSyntax(_ syntax: String, closing: Bool = false) {
        if !closing { flushPendingSpace() }
        if markdown == nil { markdown = Self.markdown(from: plain) }
        markdown?.append(contentsOf: syntax.utf8)
    }

    /// Removes `syntax` from the end of the Markdown rendering when it ends with it (and no space is pending),
    /// so that adjacent links to one URL merge into one.
    mutating func removeMarkdownSuffix(_ syntax: String) -> Bool {
        guard !pendingSpace, let current = markdown else { return false }
        let suffix = Array(syntax.utf8)
        guard current.count >= suffix.count, current[(current.count - suffix.count)...].elementsEqual(suffix) else {
            return false
        }
        markdown?.removeLast(suffix.count)
        return true
    }

    /// Marks a soft boundary (between inline blocks): a space if text follows.
    mutating func space() {
        if !isEmpty { pendingSpace = true }
    }

    /// Whether the last thing added was a line break (so a second `<br>` ends a paragraph).
    var endsWithLineBreak: Bool { plain.last == 0x0A && !pendingSpace }

    /// A hard line break (`<br>`).
    mutating func lineBreak() {
        pendingSpace = false
        trimTrailingSpace()
        guard !isEmpty else { return }
        if plain.last != 0x0A { plain.append(0x0A) }
        if markdown != nil, markdown?.last != 0x0A { markdown?.append(contentsOf: [0x20, 0x20, 0x0A] as [UInt8]) }
    }

    /// The collected text, trimmed, and resets the buffer.
    mutating func take() -> (plain: String, markdown: String) {
        trimTrailingSpace()
        while plain.last == 0x0A { plain.removeLast() }
        let plainText = String(decoding: plain, as: UTF8.self)
        let markdownText: String
        if var separate = markdown {
            while separate.last == 0x0A || separate.last == 0x20 { separate.removeLast() }
            markdownText = String(decoding: separate, as: UTF8.self)
        } else if plain.contains(where: Self.needsRewriting) {
            markdownText = String(decoding: Self.markdown(from: plain), as: UTF8.self)
        } else {
            markdownText = plainText
        }
        plain.removeAll(keepingCapacity: true)
        markdown = nil
        pendingSpace = false
        return (plainText, markdownText)
    }

    /// Plain bytes rendered as Markdown: syntax characters escaped, newlines as hard breaks.
    private static func markdown(from plain: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(plain.count + 8)
        for byte in plain {
            if byte == 0x0A {
                result.append(contentsOf: [0x20, 0x20, 0x0A] as [UInt8])
            } else {
                if needsEscape(byte) { result.append(0x5C) }
                result.append(byte)
            }
        }
        return result
    }

    @inline(__always)
    private mutating func flushPendingSpace() {
        guard pendingSpace else { return }
        pendingSpace = false
        if let last = plain.last, last != 0x0A { plain.append(0x20) }
        if markdown != nil, let last = markdown?.last, last != 0x0A { markdown?.append(0x20) }
    }

    private mutating func trimTrailingSpace() {
        while plain.last == 0x20 { plain.removeLast() }
        while markdown?.last == 0x20 { markdown?.removeLast() }
    }

    @inline(__always)
    private mutating func appendByte(_ byte: UInt8) {
        if previousWasC2 {
            previousWasC2 = false
            if byte == 0xA0 {
                pendingSpace = true
                return
            }
            flushPendingSpace()
            plain.append(0xC2)
            markdown?.append(0xC2)
        }
        switch byte {
        case 0x20, 0x0A, 0x09, 0x0D, 0x0C:
            pendingSpace = true
        case 0xC2:
            previousWasC2 = true
        default:
            flushPendingSpace()
            plain.append(byte)
            if markdown != nil {
                if Self.needsEscape(byte) { markdown?.append(0x5C) }
                markdown?.append(byte)
            }
        }
    }

    private static func needsRewriting(_ byte: UInt8) -> Bool { byte == 0x0A || needsEscape(byte) }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "<"):
            true
        default:
            false
        }
    }
}
