import WinnowHTML

/// The raw statements a page makes about itself, gathered in one walk over the document: `<meta>` values,
/// microdata (`itemprop`), JSON-LD, `<link>`s, `<time>`s, `<h1>`s and `rel=author` links.
struct PageSignals {
    /// `<meta>` contents by lower-cased `name` or `property`, in document order; only the keys in `metaKeys`.
    var meta: [String: [String]] = [:]
    /// Microdata values by lower-cased property, in document order; only the properties in `itemKeys`.
    var items: [String: [String]] = [:]
    var linkedData = LinkedDataReader()
    var htmlLanguage: String?
    var contentLanguage: String?
    var canonicalLink: String?
    var baseHref: String?
    var documentTitle: String?
    /// The texts of the first few `<h1>` elements.
    var headings: [String] = []
    /// The `datetime` (or text) of the first `<time pubdate>`.
    var timeWithPubdate: String?
    /// The first `<time>` inside an `<article>`.
    var timeInArticle: String?
    /// The first `<time>` anywhere.
    var firstTime: String?
    /// The first `<time>` whose class or id says it is an update.
    var updateTime: String?
    /// Texts of `<a rel="author">` links.
    var authorLinks: [String] = []
    /// Contents of `<meta>` tags outside `metaKeys` whose name says they hold a publication date
    /// (`sn-post-date`, `article.created`), in document order.
    var otherDateMeta: [String] = []

    /// The `<meta>` names and properties read; the others are skipped without being stored.
    static let metaKeys: Set<String> = [
        "og:title", "og:description", "og:site_name", "og:image", "og:image:url", "og:image:secure_url", "og:url",
        "og:locale", "og:updated_time", "og:published_time", "og:article:published_time", "og:article:modified_time",
        "article:published_time", "article:modified_time", "article:section", "article:tag", "article:author",
        "description", "author", "keywords", "news_keywords", "date", "pubdate", "publishdate", "publish-date",
        "publish_date", "published_time", "dc.date", "dc.date.issued", "dc.date.created", "dc.date.modified",
        "dcterms.date", "dcterms.issued", "dcterms.created", "dcterms.modified", "dc.creator", "dcterms.creator",
        "dc.language", "dc.title", "dc.description", "sailthru.date", "sailthru.author", "sailthru.tags",
        "parsely-pub-date", "parsely-author", "parsely-section", "parsely-tags", "parsely-title", "twitter:title",
        "twitter:description", "twitter:image", "twitter:image:src", "application-name", "byl", "section",
        "last-modified", "lastmod", "citation_publication_date", "citation_date", "citation_author",
    ]

    /// The microdata properties read.
    static let itemKeys: Set<String> = [
        "headline", "datepublished", "datemodified", "datecreated", "author", "creator", "articlesection", "image",
    ]

    /// Longest element text read as a value (longer texts are containers, not values).
    static let maximumValueLength = 300
    /// Most nodes below an element read as a value; an element with more is a container, not a value.
    static let maximumValueNodes = 500
    /// Most ancestors examined for an enclosing `<article>` or microdata comment, so that deeply nested
    /// pages stay linear.
    static let ancestorLimit = 64
    /// Most element texts read and microdata ancestor checks made on one page, so that thousands of nested
    /// candidates stay cheap.
    static let valueReadLimit = 1000

    /// Element texts read so far (see `valueReadLimit`).
    private var valueReads = 0

    private static let interestingTags: HTMLTagSet = ["meta", "link", "script", "h1", "time", "a", "base"]

    init(document: HTMLDocument) {
        guard let root = document.root else { return }
        htmlLanguage = root.attribute("lang") ?? root.attribute("xml:lang")
        documentTitle = document.title
        // A plain pre-order walk over child and sibling links: the tree is not edited here, so it needs none
        // of `descendants`' bookkeeping for removals, and is several times faster on large pages.
        var next = root.firstChild
        while let node = next {
            if node.isElement {
                if Self.interestingTags.contains(node) { read(node) }
                if node.hasAttribute("itemprop") { readItem(node) }
                if let child = node.firstChild {
                    next = child
                    continue
                }
            }
            next = Self.successor(skippingChildrenOf: node, within: root)
        }
    }

    /// The node after `node`'s subtree in document order, inside `root`.
    static func successor(skippingChildrenOf node: HTMLNode, within root: HTMLNode) -> HTMLNode? {
        var cursor = node
        while true {
            if let sibling = cursor.nextSibling { return sibling }
            guard let parent = cursor.parent, parent != root else { return nil }
            cursor = parent
        }
    }

    private mutating func read(_ node: HTMLNode) {
        if node.hasTag("meta") {
            readMeta(node)
        } else if node.hasTag("link") {
            if canonicalLink == nil, let rel = node.attribute("rel"), Self.hasToken("canonical", in: rel) {
                canonicalLink = node.attribute("href")
            }
        } else if node.hasTag("script") {
            if let type = node.attribute("type"), MetadataText.containsASCII("ld+json", in: type) {
                linkedData.read(script: node.text)
            }
        } else if node.hasTag("h1") {
            if headings.count < 3, let text = value(of: node) { headings.append(text) }
        } else if node.hasTag("time") {
            readTime(node)
        } else if node.hasTag("a") {
            if authorLinks.count < AuthorNames.maximumCount, node.hasAttribute("rel"), let rel = node.attribute("rel"),
                Self.hasToken("author", in: rel), let text = value(of: node)
            {
                authorLinks.append(text)
            }
        } else if node.hasTag("base") {
            if baseHref == nil { baseHref = node.attribute("href") }
        }
    }

    private mutating func readMeta(_ node: HTMLNode) {
        guard let content = node.attribute("content") else { return }
        var stored: String?
        for attribute in ["property", "name"] {
            guard let key = node.attribute(attribute)?.lowercased(), key != stored else { continue }
            if Self.metaKeys.contains(key) {
                meta[key, default: []].append(content)
                stored = key
            } else if otherDateMeta.count < 3, Self.isDateKey(key) {
                otherDateMeta.append(content)
                stored = key
            }
        }
        if contentLanguage == nil, let equivalent = node.attribute("http-equiv"),
            equivalent.lowercased() == "content-language"
        {
            contentLanguage = content
        }
    }

    private mutating func readTime(_ node: HTMLNode) {
        let isPubdate = node.hasAttribute("pubdate")
        let names = node.classAndID
        let isUpdate = MetadataText.containsASCII("updat", in: names) || MetadataText.containsASCII("modif", in: names)
        let wanted = isPubdate && timeWithPubdate == nil
            || (isUpdate ? updateTime == nil : firstTime == nil || timeInArticle == nil)
        guard wanted, let value = node.attribute("datetime") ?? self.value(of: node), !value.isEmpty else { return }
        if timeWithPubdate == nil, isPubdate {
            timeWithPubdate = value
            return
        }
        if isUpdate {
            if updateTime == nil { updateTime = value }
            return
        }
        if firstTime == nil { firstTime = value }
        if timeInArticle == nil, node.ancestors.prefix(Self.ancestorLimit).contains(where: { $0.hasTag("article") }) {
            timeInArticle = value
        }
    }

    private mutating func readItem(_ node: HTMLNode) {
        guard let properties = node.attribute("itemprop")?.lowercased() else { return }
        var checkedComment = false
        for property in properties.split(separator: " ") {
            let key = String(property)
            guard Self.itemKeys.contains(key), items[key, default: []].count < AuthorNames.maximumCount else { continue }
            if !checkedComment {
                // The ancestor walk counts against the same budget as text reads.
                guard valueReads < Self.valueReadLimit, !Self.isInsideComment(node) else { return }
                valueReads += 1
                checkedComment = true
            }
            let value: String?
            if key == "image" {
                value = node.attribute("content") ?? node.attribute("src") ?? node.attribute("href")
            } else if let content = node.attribute("content") ?? node.attribute("datetime") {
                value = content
            } else if key == "author" || key == "creator" {
                value = valueReads < Self.valueReadLimit ? Self.itemName(in: node) ?? self.value(of: node) : nil
            } else {
                value = self.value(of: node)
            }
            if let value, !value.isEmpty { items[key, default: []].append(value) }
        }
    }

    /// The element's short text (see `shortText(of:limit:)`), or `nil` once `valueReadLimit` texts were read.
    private mutating func value(of node: HTMLNode) -> String? {
        guard valueReads < Self.valueReadLimit else { return nil }
        valueReads += 1
        return Self.shortText(of: node)
    }

    /// Whether the element belongs to a microdata comment (whose author and date are not the page's).
    private static func isInsideComment(_ node: HTMLNode) -> Bool {
        node.ancestors.prefix(ancestorLimit).contains { ancestor in
            (ancestor.hasAttribute("itemtype") && ancestor.attribute("itemtype")?.hasSuffix("Comment") == true)
                || (ancestor.hasAttribute("itemprop") && ancestor.attribute("itemprop")?.lowercased() == "comment")
        }
    }

    /// The `itemprop="name"` value inside a microdata Person, among its first `maximumValueNodes` nodes.
    private static func itemName(in node: HTMLNode) -> String? {
        for child in node.descendants.prefix(maximumValueNodes) where child.isElement && child.attribute("itemprop") == "name" {
            return child.attribute("content") ?? shortText(of: child)
        }
        return nil
    }

    /// The element's normalised text, when non-empty and at most `limit` characters long; an element with
    /// more than `maximumValueNodes` nodes below it is a container and has none.
    static func shortText(of node: HTMLNode, limit: Int = maximumValueLength) -> String? {
        guard hasShortText(node, limit: limit) else { return nil }
        let text = node.normalizedText
        guard !text.isEmpty, text.unicodeScalars.count <= limit else { return nil }
        return text
    }

    /// Whether the element has at most `maximumValueNodes` nodes below it and at most `limit` non-space
    /// characters of content text (a lower bound of its normalised length); stops counting at either limit.
    private static func hasShortText(_ node: HTMLNode, limit: Int) -> Bool {
        var visited = 0
        var characters = 0
        var next = node.firstChild
        while let current = next {
            visited += 1
            if visited > maximumValueNodes { return false }
            if current.isElement {
                if !HTMLNode.nonContentTags.contains(current), let child = current.firstChild {
                    next = child
                    continue
                }
            } else if current.isText, let content = current.content {
                for scalar in content.unicodeScalars where !isSpace(scalar) {
                    characters += 1
                    if characters > limit { return false }
                }
            }
            next = successor(skippingChildrenOf: current, within: node)
        }
        return true
    }

    /// The characters `normalizedText` collapses: ASCII white space and the no-break space.
    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x0A, 0x09, 0x0D, 0x0C, 0xA0: true
        default: false
        }
    }

    /// Whether a meta name not in `metaKeys` names a publication date: it mentions a date, publishing or
    /// creation, and not an update, expiry or validity.
    static func isDateKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        return MetadataText.containsAny(dateKeyWords, inLowercased: bytes)
            && !MetadataText.containsAny(nonDateKeyWords, inLowercased: bytes)
    }

    private static let dateKeyWords = ["date", "publish", "created", "posted"].map { Array($0.utf8) }
    private static let nonDateKeyWords = ["updat", "modif", "expir", "valid", "revis", "last", "copyright", "birth"]
        .map { Array($0.utf8) }

    /// Whether the space-separated list `value` holds `token` (ASCII case-insensitive).
    static func hasToken(_ token: String, in value: String) -> Bool {
        guard MetadataText.containsASCII(token, in: value) else { return false }
        return value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).contains { $0.lowercased() == token }
    }
}
