import Foundation

/// Small text helpers for metadata values: whitespace, HTML entities, language tags, URLs, site names in
/// titles and keyword lists.
enum MetadataText {
    // MARK: Whitespace and entities

    /// `text` with runs of whitespace (no-break and other Unicode spaces included) collapsed to one space and
    /// trimmed.
    static func collapsingWhitespace(_ text: String) -> String {
        var output: [UInt8] = []
        var pendingSpace = false
        var changed = false
        let bytes = Array(text.utf8)
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let width = spaceWidth(bytes, at: index)
            if width > 0 {
                if width > 1 || bytes[index] != 0x20 || pendingSpace || output.isEmpty { changed = true }
                pendingSpace = true
                index += width
                continue
            }
            if pendingSpace, !output.isEmpty { output.append(0x20) }
            pendingSpace = false
            output.append(bytes[index])
            index += 1
        }
        if pendingSpace { changed = true }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    /// The byte length of the whitespace character at `index` (ASCII spaces, U+00A0, U+2000–U+200A, U+202F,
    /// U+3000), or 0.
    static func spaceWidth(_ bytes: [UInt8], at index: Int) -> Int {
        let byte = bytes[index]
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C { return 1 }
        guard byte >= 0xC2, index + 1 < bytes.count else { return 0 }
        if byte == 0xC2 { return bytes[index + 1] == 0xA0 ? 2 : 0 }
        guard index + 2 < bytes.count else { return 0 }
        if byte == 0xE2, bytes[index + 1] == 0x80, bytes[index + 2] <= 0x8A || bytes[index + 2] == 0xAF { return 3 }
        if byte == 0xE3, bytes[index + 1] == 0x80, bytes[index + 2] == 0x80 { return 3 }
        return 0
    }

    /// `text` with the edge characters in `set` removed.
    static func trimming(_ text: some StringProtocol, _ set: Set<Character>) -> String {
        guard let first = text.firstIndex(where: { !set.contains($0) }),
            let last = text.lastIndex(where: { !set.contains($0) })
        else { return "" }
        return String(text[first...last])
    }

    /// `text` with HTML character references decoded (`&amp;`, `&quot;`, `&#39;`, `&#x2019;`, a few common
    /// names); pages double-encode JSON-LD and meta values often enough to need it.
    static func decodingEntities(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") else {
                result.append(character)
                index = text.index(after: index)
                continue
            }
            let name = text[text.index(after: index)..<semicolon]
            if let decoded = decodeReference(name) {
                result.unicodeScalars.append(decoded)
                index = text.index(after: semicolon)
            } else {
                result.append(character)
                index = text.index(after: index)
            }
        }
        return result
    }

    private static func decodeReference(_ name: Substring) -> Unicode.Scalar? {
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") || digits.hasPrefix("X") {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits)
            }
            return value.flatMap(Unicode.Scalar.init)
        }
        return namedEntities[String(name)]
    }

    private static let namedEntities: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "ndash": "–", "mdash": "—",
        "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "laquo": "«", "raquo": "»", "hellip": "…",
        "eacute": "é", "egrave": "è", "agrave": "à", "uuml": "ü", "ouml": "ö", "auml": "ä", "szlig": "ß",
        "ccedil": "ç", "copy": "©",
    ]

    /// A cleaned text value: entities decoded, whitespace collapsed; `nil` when empty.
    static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        let cleaned = collapsingWhitespace(decodingEntities(text))
        return cleaned.isEmpty ? nil : cleaned
    }

    // MARK: Language

    /// The primary language subtag of a BCP 47 tag or POSIX locale, lower-cased (`fr-CH` → `fr`,
    /// `en_US` → `en`, `de, en` → `de`); `nil` when it is not two or three letters.
    static func primaryLanguage(_ tag: String) -> String? {
        let first = tag.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).first ?? ""
        let primary = first.split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? ""
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return primary.lowercased()
    }

    // MARK: URLs

    /// `reference` resolved against `base` (absolute `http(s)` URLs as given, protocol-relative ones with the
    /// base's scheme); `nil` for empty, `data:` and `javascript:` references or when no absolute URL results.
    static func resolve(_ reference: String, against base: String?) -> String? {
        let trimmed = collapsingWhitespace(reference)
        guard !trimmed.isEmpty else { return nil }
        let lowered = trimmed.prefix(11).lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { return trimmed }
        if lowered.hasPrefix("data:") || lowered.hasPrefix("javascript:") || lowered.hasPrefix("mailto:") { return nil }
        if trimmed.hasPrefix("//") {
            let scheme = base.flatMap { $0.lowercased().hasPrefix("http://") ? "http:" : nil } ?? "https:"
            return scheme + trimmed
        }
        guard let base, let baseURL = URL(string: base), baseURL.scheme != nil else { return nil }
        let relative = URL(string: trimmed, relativeTo: baseURL)
            ?? trimmed.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed).flatMap {
                URL(string: $0, relativeTo: baseURL)
            }
        return relative?.absoluteURL.absoluteString
    }

    /// Whether `text` is a URL rather than a name (`https://…`, `//…`, `www.…`, `/author/jane`).
    static func looksLikeURL(_ text: String) -> Bool {
        let lowered = collapsingWhitespace(text).prefix(8).lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("//")
            || lowered.hasPrefix("www.") || lowered.hasPrefix("/")
    }

    /// The host of an absolute URL, lower-cased, without `www.` and port.
    static func host(of url: String) -> String? {
        let bytes = Array(url.utf8)
        guard let schemeEnd = firstMatch(of: Array("://".utf8), in: bytes, from: 0) else { return nil }
        let rest = String(decoding: bytes[(schemeEnd + 3)...], as: UTF8.self)
        var host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        var lowered = host.lowercased()
        if lowered.hasPrefix("www.") { lowered.removeFirst(4) }
        return lowered.isEmpty ? nil : lowered
    }

    // MARK: Titles

    /// Separators between a title and a site name, with the spaces around them.
    private static let titleSeparators: [[UInt8]] = [" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " // "]
        .map { Array($0.utf8) }

    /// `title` without a site name before or after a separator (`Headline - watson` → `Headline`).
    ///
    /// A part is stripped when it matches one of `siteNames` (or the host's first label); with
    /// `strippingShortParts`, also when it is a short suffix (one to three words) of a title at least one and a
    /// half times its length, as document titles end in site names the page does not declare.
    static func strippingSiteName(_ title: String, siteNames: [String], strippingShortParts: Bool) -> String {
        var bytes = Array(title.utf8)
        guard !separators(in: bytes).isEmpty else { return title }
        let keys = siteNames.flatMap(siteKeys)
        for _ in 0..<2 {
            let found = separators(in: bytes)
            guard let last = found.last, let first = found.first else { break }
            let head = String(decoding: bytes[..<last.lowerBound], as: UTF8.self)
            let tail = String(decoding: bytes[last.upperBound...], as: UTF8.self)
            if matchesSite(tail, keys) || (strippingShortParts && isShortSuffix(tail, of: head)) {
                bytes.removeSubrange(last.lowerBound...)
                continue
            }
            if matchesSite(String(decoding: bytes[..<first.lowerBound], as: UTF8.self), keys) {
                bytes.removeSubrange(..<first.upperBound)
                continue
            }
            break
        }
        let stripped = collapsingWhitespace(String(decoding: bytes, as: UTF8.self))
        return stripped.isEmpty ? title : stripped
    }

    /// The parts of a title between separators (`A | B - C` gives `A`, `B`, `C`).
    static func titleParts(_ title: String) -> [String] {
        let bytes = Array(title.utf8)
        var parts: [String] = []
        var start = 0
        for range in separators(in: bytes) {
            parts.append(String(decoding: bytes[start..<range.lowerBound], as: UTF8.self))
            start = range.upperBound
        }
        parts.append(String(decoding: bytes[start...], as: UTF8.self))
        return parts.map(collapsingWhitespace).filter { !$0.isEmpty }
    }

    /// The byte ranges of title separators, in order, not overlapping.
    private static func separators(in bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x20, let separator = titleSeparators.first(where: { matches($0, bytes, at: index) }) {
                ranges.append(index..<(index + separator.count))
                index += separator.count
            } else {
                index += 1
            }
        }
        return ranges
    }

    private static func matches(_ needle: [UInt8], _ bytes: [UInt8], at index: Int) -> Bool {
        guard index + needle.count <= bytes.count else { return false }
        for offset in 0..<needle.count where bytes[index + offset] != needle[offset] { return false }
        return true
    }

    /// Whether `text` contains the lower-case ASCII `needle`, ignoring ASCII case.
    static func containsASCII(_ needle: String, in text: String) -> Bool {
        let pattern = Array(needle.utf8)
        let bytes = Array(text.utf8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return firstMatch(of: pattern, in: bytes, from: 0) != nil
    }

    /// Whether the lower-cased bytes contain any of the lower-case `needles`.
    static func containsAny(_ needles: [[UInt8]], inLowercased bytes: [UInt8]) -> Bool {
        needles.contains { firstMatch(of: $0, in: bytes, from: 0) != nil }
    }

    private static func firstMatch(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + needle.count <= bytes.count {
            if matches(needle, bytes, at: index) { return index }
            index += 1
        }
        return nil
    }

    /// Comparable forms of a site name: `watson.ch` gives `watsonch` and `watson`.
    private static func siteKeys(_ name: String) -> [String] {
        var keys = [alphanumericKey(name)]
        let lowered = name.lowercased()
        let withoutWWW = lowered.hasPrefix("www.") ? String(lowered.dropFirst(4)) : lowered
        if let label = withoutWWW.split(separator: ".").first, withoutWWW.contains("."), !withoutWWW.contains(" ") {
            keys.append(alphanumericKey(String(label)))
        }
        return keys.filter { $0.count >= 3 }
    }

    private static func matchesSite(_ part: String, _ keys: [String]) -> Bool {
        let key = alphanumericKey(part)
        guard key.count >= 2 else { return false }
        return keys.contains { $0 == key || ($0.count >= 4 && key.hasPrefix($0) && key.count <= $0.count + 8) }
    }

    private static func isShortSuffix(_ tail: String, of head: String) -> Bool {
        let words = tail.split(separator: " ").count
        return words <= 3 && 2 * head.utf8.count >= 3 * tail.utf8.count && head.split(separator: " ").count >= 3
    }

    /// A string's lower-cased letters and digits, for loose comparison: ASCII punctuation, spaces and
    /// general punctuation (U+2000–U+206F: dashes, quotes, ellipsis) are dropped; other characters are kept.
    static func alphanumericKey(_ text: String) -> String {
        let bytes = Array(text.lowercased().utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) { output.append(byte) }
                index += 1
            } else if byte == 0xE2, index + 1 < bytes.count, bytes[index + 1] >= 0x80, bytes[index + 1] <= 0x81 {
                index += 3
            } else if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] < 0xC0 {
                index += 2
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: Keywords

    /// The tags in keyword values (comma- or semicolon-separated strings), trimmed; empty ones and
    /// machine tokens (`@post-id:123`, `/article`, `&quot`) are dropped.
    static func tags(in values: [String]) -> [String] {
        values.flatMap { value in
            decodingEntities(decodingEntities(value)).split(whereSeparator: { $0 == "," || $0 == ";" }).map {
                collapsingWhitespace(String($0))
            }
        }.filter { tag in
            guard let first = tag.first, first != "@", first != "/", first != "&" else { return false }
            return tag.contains(where: \.isLetter) || tag.contains(where: \.isNumber)
        }
    }

    /// `tags` de-duplicated case-insensitively, order kept, at most `limit`.
    static func uniqueTags(_ tags: [String], limit: Int = 50) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for tag in tags where result.count < limit && seen.insert(tag.lowercased()).inserted {
            result.append(tag)
        }
        return result
    }
}
