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
            if headings.count < 3, let text = Self.shortText(of: node) { headings.append(text) }
        } else if node.hasTag("time") {
            readTime(node)
        } else if node.hasTag("a") {
            if authorLinks.count < AuthorNames.maximumCount, node.hasAttribute("rel"), let rel = node.attribute("rel"),
                Self.hasToken("author", in: rel), let text = Self.shortText(of: node)
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
        guard let value = node.attribute("datetime") ?? Self.shortText(of: node), !value.isEmpty else { return }
        if timeWithPubdate == nil, node.hasAttribute("pubdate") {
            timeWithPubdate = value
            return
        }
        let names = node.classAndID
        if MetadataText.containsASCII("updat", in: names) || MetadataText.containsASCII("modif", in: names) {
            if updateTime == nil { updateTime = value }
            return
        }
        if firstTime == nil { firstTime = value }
        if timeInArticle == nil, node.hasAncestor(tag: "article") { timeInArticle = value }
    }

    private mutating func readItem(_ node: HTMLNode) {
        guard let properties = node.attribute("itemprop")?.lowercased(), !Self.isInsideComment(node) else { return }
        for property in properties.split(separator: " ") {
            let key = String(property)
            guard Self.itemKeys.contains(key), items[key, default: []].count < AuthorNames.maximumCount else { continue }
            let value: String?
            if key == "image" {
                value = node.attribute("content") ?? node.attribute("src") ?? node.attribute("href")
            } else if let content = node.attribute("content") ?? node.attribute("datetime") {
                value = content
            } else if key == "author" || key == "creator" {
                value = Self.itemName(in: node) ?? Self.shortText(of: node)
            } else {
                value = Self.shortText(of: node)
            }
            if let value, !value.isEmpty { items[key, default: []].append(value) }
        }
    }

    /// Whether the element belongs to a microdata comment (whose author and date are not the page's).
    private static func isInsideComment(_ node: HTMLNode) -> Bool {
        node.ancestors.contains { ancestor in
            (ancestor.hasAttribute("itemtype") && ancestor.attribute("itemtype")?.hasSuffix("Comment") == true)
                || (ancestor.hasAttribute("itemprop") && ancestor.attribute("itemprop")?.lowercased() == "comment")
        }
    }

    /// The `itemprop="name"` value inside a microdata Person.
    private static func itemName(in node: HTMLNode) -> String? {
        for child in node.descendants where child.isElement && child.attribute("itemprop") == "name" {
            return child.attribute("content") ?? shortText(of: child)
        }
        return nil
    }

    /// The element's normalised text, when non-empty and short enough to be a value.
    static func shortText(of node: HTMLNode) -> String? {
        guard node.textLength <= maximumValueLength else { return nil }
        let text = node.normalizedText
        return text.isEmpty ? nil : text
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
