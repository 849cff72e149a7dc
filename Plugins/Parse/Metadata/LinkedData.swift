import Foundation

/// What a page's JSON-LD blocks say about it, taken from the article object first, then the web page.
struct LinkedDataFacts {
    var headline: String?
    var description: String?
    /// Names of authors that are people (or untyped).
    var personAuthors: [String] = []
    /// Names of authors that are organisations, used only when nothing names a person.
    var organizationAuthors: [String] = []
    /// `datePublished`, normalised to ISO 8601.
    var published: String?
    /// `dateModified`, normalised to ISO 8601.
    var modified: String?
    /// The article's (or page's) `publisher.name`.
    var publisher: String?
    /// The `WebSite` object's name, or a top-level organisation's.
    var websiteName: String?
    var section: String?
    var keywords: [String] = []
    var image: String?
    var language: String?
    var url: String?
}

/// Collects the objects of a page's `application/ld+json` scripts and interprets them as `LinkedDataFacts`.
///
/// Scripts are parsed with `JSONSerialization`; malformed ones (trailing commas, raw control characters in
/// strings, HTML-escaped quotes, comment wrappers) get one lenient repair, and are skipped when that fails too.
struct LinkedDataReader {
    /// Typed objects in document order, with how well their type describes the page.
    private var objects: [(rank: Int, types: [String], object: [String: Any])] = []
    /// Objects by `@id`, to follow references such as `"author": {"@id": "#/schema/person/1"}`.
    private var objectsByID: [String: [String: Any]] = [:]

    /// The most objects read from one page; pages that list thousands of items gain nothing from them.
    static let maximumObjects = 200

    /// Parses one script's text and keeps its typed objects (`@graph` members, array elements, nested
    /// `mainEntity`, `mainEntityOfPage` and `isPartOf` objects).
    mutating func read(script text: String) {
        guard let json = Self.parse(text) else { return }
        var pending: [Any] = [json]
        while let value = pending.popLast(), objects.count < Self.maximumObjects {
            if let array = value as? [Any] {
                pending.append(contentsOf: array.reversed())
                continue
            }
            guard let object = value as? [String: Any] else { continue }
            if let identifier = object["@id"] as? String, object.count > 1, objectsByID[identifier] == nil {
                objectsByID[identifier] = object
            }
            if object["@type"] != nil {
                let types = Self.typeNames(of: object)
                objects.append((Self.rank(of: types), types, object))
            }
            var nested: [Any] = []
            if let graph = object["@graph"] { nested.append(graph) }
            for key in ["mainEntity", "mainEntityOfPage", "isPartOf"] {
                if let child = object[key], child is [String: Any] || child is [Any] { nested.append(child) }
            }
            pending.append(contentsOf: nested.reversed())
        }
    }

    /// The facts, each field taken from the best-ranked object that has it.
    func facts() -> LinkedDataFacts {
        var facts = LinkedDataFacts()
        let ranked = objects.enumerated().sorted { ($0.element.rank, -$0.offset) > ($1.element.rank, -$1.offset) }
            .map(\.element)
        let pageEntries = ranked.filter { $0.rank >= Self.webPageRank }
        let pages = pageEntries.map(\.object)
        for (rank, _, object) in pageEntries {
            let isArticle = rank == Self.articleRank
            if facts.headline == nil {
                facts.headline = Self.string(object["headline"]) ?? (isArticle ? Self.string(object["name"]) : nil)
            }
            if facts.description == nil { facts.description = Self.string(object["description"]) }
            if facts.personAuthors.isEmpty && facts.organizationAuthors.isEmpty {
                readAuthors(object["author"] ?? object["creator"], into: &facts)
            }
            if facts.published == nil {
                facts.published = Self.string(object["datePublished"]).flatMap(DateNormalizer.normalize)
                    ?? Self.string(object["dateCreated"]).flatMap(DateNormalizer.normalize)
            }
            if facts.modified == nil { facts.modified = Self.string(object["dateModified"]).flatMap(DateNormalizer.normalize) }
            if facts.publisher == nil { facts.publisher = name(of: object["publisher"]) }
            if facts.section == nil { facts.section = Self.strings(object["articleSection"]).first }
            if facts.keywords.isEmpty { facts.keywords = MetadataText.tags(in: Self.strings(object["keywords"])) }
            if facts.image == nil { facts.image = Self.imageURL(object["image"] ?? object["thumbnailUrl"]) }
            if facts.language == nil { facts.language = Self.string(object["inLanguage"]) ?? name(of: object["inLanguage"]) }
        }
        facts.url = pages.lazy.compactMap { Self.string($0["url"]) }.first
            ?? pages.lazy.compactMap { Self.pageIdentifier($0["mainEntityOfPage"]) }.first
        for (_, types, object) in objects where facts.websiteName == nil {
            if types.contains("website") || types.contains(where: { Self.organizationTypes.contains($0) }) {
                facts.websiteName = Self.string(object["name"])
            }
        }
        return facts
    }

    /// The URL in a `mainEntityOfPage` value (a string, or an object's `url` or `@id`), without its fragment.
    private static func pageIdentifier(_ value: Any?) -> String? {
        let object = value as? [String: Any]
        guard let text = string(value) ?? object.flatMap({ string($0["url"]) ?? string($0["@id"]) }) else { return nil }
        let withoutFragment = text.prefix { $0 != "#" }
        return withoutFragment.isEmpty ? nil : String(withoutFragment)
    }

    // MARK: Authors

    private func readAuthors(_ value: Any?, into facts: inout LinkedDataFacts) {
        guard let value else { return }
        let entries: [Any] = (value as? [Any]) ?? [value]
        for entry in entries.prefix(20) {
            if let text = entry as? String {
                if !MetadataText.looksLikeURL(text) { AuthorNames.merge(AuthorNames.names(in: text), into: &facts.personAuthors) }
                continue
            }
            guard var object = entry as? [String: Any] else { continue }
            if object["name"] == nil, let identifier = object["@id"] as? String, let target = objectsByID[identifier] {
                object = target
            }
            guard let name = Self.string(object["name"]) ?? Self.personName(object) else { continue }
            let types = Self.typeNames(of: object)
            if types.contains(where: { Self.organizationTypes.contains($0) }) {
                AuthorNames.merge([name], into: &facts.organizationAuthors)
            } else {
                AuthorNames.merge(AuthorNames.names(in: name), into: &facts.personAuthors)
            }
        }
    }

    /// `givenName familyName`, for Person objects without `name`.
    private static func personName(_ object: [String: Any]) -> String? {
        let parts = [string(object["givenName"]), string(object["familyName"])].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// The `name` of an object (following an `@id` reference), or the value itself when it is a string.
    private func name(of value: Any?) -> String? {
        if let text = Self.string(value) { return text }
        if let array = value as? [Any] { return array.lazy.compactMap { name(of: $0) }.first }
        guard var object = value as? [String: Any] else { return nil }
        if object["name"] == nil, let identifier = object["@id"] as? String, let target = objectsByID[identifier] {
            object = target
        }
        return Self.string(object["name"])
    }

    // MARK: Types

    static let articleRank = 3
    static let webPageRank = 2

    private static let organizationTypes: Set<String> = [
        "organization", "newsmediaorganization", "corporation", "localbusiness", "educationalorganization",
        "governmentorganization", "ngo", "onlinebusiness",
    ]
    private static let articleLikeTypes: Set<String> = ["report", "review", "recipe"]

    /// 3 for articles and posts, 2 for web pages, 1 for other typed objects.
    private static func rank(of types: [String]) -> Int {
        if types.contains(where: { $0.hasSuffix("article") || $0.hasSuffix("posting") || articleLikeTypes.contains($0) }) {
            return articleRank
        }
        if types.contains(where: { $0.hasSuffix("page") }) { return webPageRank }
        return 1
    }

    /// The object's `@type` names, lower-cased, without a schema.org prefix.
    private static func typeNames(of object: [String: Any]) -> [String] {
        let raw: [String] = (object["@type"] as? [Any])?.compactMap { $0 as? String } ?? [object["@type"] as? String].compactMap { $0 }
        return raw.map { name in
            let local = name.split(whereSeparator: { $0 == "/" || $0 == ":" || $0 == "#" }).last.map(String.init) ?? name
            return local.lowercased()
        }
    }

    // MARK: Values

    /// A non-empty string value, entities decoded and whitespace collapsed.
    private static func string(_ value: Any?) -> String? {
        guard let text = value as? String else { return nil }
        return MetadataText.clean(text)
    }

    /// A string, or the strings of an array, cleaned.
    private static func strings(_ value: Any?) -> [String] {
        if let text = string(value) { return [text] }
        return (value as? [Any])?.compactMap { string($0) } ?? []
    }

    /// The URL of an `image` value: a string, an ImageObject (`url`, `contentUrl`), or the first of an array.
    private static func imageURL(_ value: Any?) -> String? {
        if let text = string(value) { return text }
        if let array = value as? [Any] { return array.lazy.compactMap { imageURL($0) }.first }
        guard let object = value as? [String: Any] else { return nil }
        return string(object["url"]) ?? string(object["contentUrl"]) ?? string(object["@id"])
    }

    // MARK: Parsing

    /// The JSON value of a script, repaired once when it does not parse as written.
    static func parse(_ text: String) -> Any? {
        var bytes = Array(text.utf8)
        stripWrappers(&bytes)
        guard !bytes.isEmpty else { return nil }
        if let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) {
            return value
        }
        if let value = try? JSONSerialization.jsonObject(with: Data(repair(bytes)), options: [.fragmentsAllowed]) {
            return value
        }
        guard bytes.contains(UInt8(ascii: "&")) else { return nil }
        let decoded = Array(MetadataText.decodingEntities(String(decoding: bytes, as: UTF8.self)).utf8)
        return try? JSONSerialization.jsonObject(with: Data(repair(decoded)), options: [.fragmentsAllowed])
    }

    /// Removes `<!--`, `-->`, `<![CDATA[`, `]]>`, `//` comment markers and a trailing `;` around the JSON.
    private static func stripWrappers(_ bytes: inout [UInt8]) {
        func trimSpaces() {
            // One removal for the leading run: removing byte by byte from the front is quadratic.
            bytes.removeFirst(bytes.firstIndex { !DateNormalizer.isSpace($0) } ?? bytes.count)
            while let last = bytes.last, DateNormalizer.isSpace(last) || last == UInt8(ascii: ";") { bytes.removeLast() }
        }
        trimSpaces()
        for _ in 0..<3 {
            guard let first = bytes.first, first != UInt8(ascii: "{"), first != UInt8(ascii: "[") else { break }
            guard let start = bytes.firstIndex(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") }) else {
                bytes.removeAll()
                return
            }
            bytes.removeFirst(start)
        }
        if let last = bytes.lastIndex(where: { $0 == UInt8(ascii: "}") || $0 == UInt8(ascii: "]") }) {
            bytes.removeLast(bytes.count - last - 1)
        }
        trimSpaces()
    }

    /// The JSON escape of a control character: `\n`, `\t`, `\r`, or `\u00XX`.
    private static func escaped(controlCharacter byte: UInt8) -> [UInt8] {
        switch byte {
        case 0x0A: return Array("\\n".utf8)
        case 0x09: return Array("\\t".utf8)
        case 0x0D: return Array("\\r".utf8)
        default:
            let hex = Array("0123456789abcdef".utf8)
            return Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
    }

    /// Escapes control characters inside strings, drops invalid `\'` escapes, and removes commas that
    /// precede `}` or `]`.
    static func repair(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var inString = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    let next = bytes[index + 1]
                    if next == UInt8(ascii: "'") {
                        output.append(next)
                    } else {
                        output.append(byte)
                        output.append(next)
                    }
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    inString = false
                } else if byte < 0x20 {
                    output.append(contentsOf: escaped(controlCharacter: byte))
                    index += 1
                    continue
                }
                output.append(byte)
            } else if byte == UInt8(ascii: ",") {
                var lookahead = index + 1
                while lookahead < bytes.count, DateNormalizer.isSpace(bytes[lookahead]) { lookahead += 1 }
                if lookahead < bytes.count, bytes[lookahead] == UInt8(ascii: "}") || bytes[lookahead] == UInt8(ascii: "]") {
                    index += 1
                    continue
                }
                output.append(byte)
            } else {
                if byte == UInt8(ascii: "\"") { inString = true }
                output.append(byte)
            }
            index += 1
        }
        return output
    }
}
