#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Empties the contents of `<script>` and `<style>` elements before libxml2 parses a page.
///
/// On news pages about half of the bytes are inline scripts and styles, which no stage reads: skipping them
/// with `memchr` is several times cheaper than letting the parser copy them into text nodes. JSON-LD scripts
/// (`type` containing `ld+json`) keep their contents, for the metadata extractor. The elements themselves stay,
/// so the tree's structure is the same as without the filter. Comments are skipped whole (a `<script>` inside
/// a comment is not a script), and an element is only emptied when its closing tag is found, as libxml2 in
/// recovery mode ends raw text only at the matching closing tag.
enum ScriptContentFilter {
    /// The input with script and style contents removed, or `nil` when there was nothing to remove.
    static func strip(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let base = input.baseAddress else { return nil }
        let count = input.count
        var output: [UInt8] = []
        var copiedUpTo = 0
        var index = 0
        while index < count, let found = memchr(base + index, Int32(UInt8(ascii: "<")), count - index) {
            let open = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if Self.matches("!--", in: input, at: open + 1) {
                guard let end = Self.find("-->", in: input, from: open + 4) else { break }
                index = end + 3
                continue
            }
            guard let name = Self.rawTextElement(in: input, at: open + 1) else {
                index = open + 1
                continue
            }
            guard let tagEnd = Self.endOfStartTag(in: input, from: open + 1 + name.count) else { break }
            let contentStart = tagEnd + 1
            guard let close = Self.closingTag(name, in: input, from: contentStart) else { break }
            let isLinkedData = Self.containsCaseInsensitive("ld+json", in: input, from: open, to: tagEnd)
            if !isLinkedData, close > contentStart {
                if output.isEmpty { output.reserveCapacity(count / 2) }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copiedUpTo..<contentStart]))
                copiedUpTo = close
            }
            index = close + 2
        }
        guard copiedUpTo > 0 else { return nil }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copiedUpTo...]))
        return output
    }

    private static let script = Array("script".utf8)
    private static let style = Array("style".utf8)

    /// The element name when a `script` or `style` start tag begins at `position` (just after `<`).
    private static func rawTextElement(in input: UnsafeBufferPointer<UInt8>, at position: Int) -> [UInt8]? {
        for name in [script, style] where matchesName(name, in: input, at: position) { return name }
        return nil
    }

    /// Whether `name` (lower-case) starts at `position`, case-insensitively, followed by a tag delimiter.
    private static func matchesName(_ name: [UInt8], in input: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        guard position + name.count < input.count else { return false }
        for offset in 0..<name.count where input[position + offset] | 0x20 != name[offset] { return false }
        switch input[position + name.count] {
        case UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"),
            UInt8(ascii: "\r"), 0x0C:
            return true
        default:
            return false
        }
    }

    /// The index of the `>` that ends the start tag, skipping quoted attribute values.
    private static func endOfStartTag(in input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var quote: UInt8 = 0
        var position = start
        while position < input.count {
            let byte = input[position]
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return position
            }
            position += 1
        }
        return nil
    }

    /// The index of the `<` of the first `</name` (case-insensitive) at or after `start`.
    private static func closingTag(_ name: [UInt8], in input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = input.baseAddress else { return nil }
        var position = start
        while position < input.count, let found = memchr(base + position, Int32(UInt8(ascii: "<")), input.count - position) {
            let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if index + 1 < input.count, input[index + 1] == UInt8(ascii: "/"), matchesName(name, in: input, at: index + 2) {
                return index
            }
            position = index + 1
        }
        return nil
    }

    private static func matches(_ text: String, in input: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        let bytes = Array(text.utf8)
        guard position + bytes.count <= input.count else { return false }
        return bytes.indices.allSatisfy { input[position + $0] == bytes[$0] }
    }

    /// The index where `text` (ASCII, non-empty) next occurs at or after `start`.
    private static func find(_ text: String, in input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = input.baseAddress else { return nil }
        let needle = Array(text.utf8)
        var position = start
        while position < input.count, let found = memchr(base + position, Int32(needle[0]), input.count - position) {
            let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if matches(text, in: input, at: index) { return index }
            position = index + 1
        }
        return nil
    }

    /// Whether the lower-case ASCII `text` occurs in `input[start..<end]`, ignoring case.
    private static func containsCaseInsensitive(_ text: String, in input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        let needle = Array(text.utf8)
        guard end - start >= needle.count else { return false }
        for position in start...(end - needle.count) where input[position] | 0x20 == needle[0] {
            if needle.indices.allSatisfy({ input[position + $0] | 0x20 == needle[$0] }) { return true }
        }
        return false
    }
}
