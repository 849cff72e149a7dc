import WinnowCore
import WinnowHTML

/// Reads what a page says about itself into `metadata`, filling fields from the strongest source available.
///
/// Sources, strongest first: JSON-LD, OpenGraph and `article:*` properties, named `<meta>` tags and
/// microdata; then weaker evidence: the document `<title>`, the first `<h1>`, `<time>` elements,
/// `rel="author"` links, dates in the URL, the URL's host, and last, elements whose class names a date or a
/// byline, then JSON-LD organisations as authors. Fields already set in `metadata` (the clean stage's
/// byline and dateline guesses) are replaced by a structured source and kept over a weaker one.
///
/// One walk over the document gathers the declared metadata (JSON is parsed only in `application/ld+json`
/// scripts); a second, bounded walk looks for class-named dates and bylines only when one of them is still
/// empty.
enum MetadataExtractor {
    /// Reads what a page says about itself into `metadata`, filling fields from the strongest source available.
    static func extract(from document: HTMLDocument, url: String?, into metadata: inout Metadata) {
        let signals = PageSignals(document: document)
        let facts = signals.linkedData.facts()
        let resolver = Resolver(signals: signals, facts: facts, url: url ?? document.url)
        resolver.fill(&metadata)
        let hints = ClassNameHints(document: document, wantsDate: metadata.published == nil,
                                   wantsAuthors: metadata.authors.isEmpty)
        if metadata.published == nil { metadata.published = hints.published }
        if metadata.authors.isEmpty { metadata.authors = hints.authors }
        if metadata.authors.isEmpty {
            metadata.authors = Array(facts.organizationAuthors.prefix(AuthorNames.maximumCount))
        }
    }
}

/// Chooses each field's value from a page's signals.
private struct Resolver {
    let signals: PageSignals
    let facts: LinkedDataFacts
    let pageURL: String?

    init(signals: PageSignals, facts: LinkedDataFacts, url: String?) {
        self.signals = signals
        self.facts = facts
        self.pageURL = url.flatMap { MetadataText.resolve($0, against: nil) }
    }

    func fill(_ metadata: inout Metadata) {
        let canonical = canonicalURL()
        assign(canonical, weak: nil, to: &metadata.canonical)
        let siteName = siteName()
        let host = (pageURL ?? canonical).flatMap(MetadataText.host(of:))
        assign(siteName, weak: host, to: &metadata.sitename)
        let title = title(siteNames: [siteName, facts.publisher, facts.websiteName, host].compactMap { $0 })
        assign(title.strong, weak: title.weak, to: &metadata.title)
        let description = firstClean(["description", "og:description", "twitter:description", "dc.description"])
        assign(description ?? facts.description, weak: nil, to: &metadata.description)
        assign(publishedDate(), weak: weakPublishedDate(), to: &metadata.published)
        assign(modifiedDate(), weak: signals.updateTime.flatMap(DateNormalizer.normalize), to: &metadata.modified)
        let section = (facts.section ?? firstClean(["article:section", "parsely-section", "section"])
            ?? signals.items["articlesection"]?.first)
            .flatMap { MetadataText.tags(in: [$0]).first }
        assign(section, weak: nil, to: &metadata.section)
        let tags = tags()
        if !tags.isEmpty { metadata.tags = tags }
        assign(image(canonical: canonical), weak: nil, to: &metadata.image)
        let declaredLanguages = [signals.htmlLanguage, signals.contentLanguage] + metaValues(["og:locale"]).map(Optional.some)
            + [facts.language] + metaValues(["dc.language"]).map(Optional.some)
        let language = declaredLanguages.lazy.compactMap { $0.flatMap(MetadataText.primaryLanguage) }.first
        assign(language, weak: nil, to: &metadata.language)
        fillAuthors(&metadata.authors)
    }

    /// Sets `field` to `strong` when there is one, else to `weak` when the field is empty.
    private func assign(_ strong: String?, weak: @autoclosure () -> String?, to field: inout String?) {
        if let strong {
            field = strong
        } else if field == nil, let weak = weak() {
            field = weak
        }
    }

    // MARK: Fields

    private func canonicalURL() -> String? {
        let candidates = [signals.canonicalLink] + metaValues(["og:url"]).map(Optional.some) + [facts.url]
        return candidates.lazy.compactMap { $0.flatMap { MetadataText.resolve($0, against: self.pageURL) } }.first
    }

    /// OpenGraph, then JSON-LD, then Twitter and microdata images, resolved against `<base href>`, the page
    /// URL or the canonical URL.
    private func image(canonical: String?) -> String? {
        let base = signals.baseHref.flatMap { MetadataText.resolve($0, against: pageURL) } ?? pageURL ?? canonical
        let candidates = metaValues(["og:image", "og:image:url", "og:image:secure_url"]) + [facts.image].compactMap { $0 }
            + metaValues(["twitter:image", "twitter:image:src"]) + (signals.items["image"] ?? [])
        return candidates.lazy.compactMap { MetadataText.resolve($0, against: base) }.first
    }

    /// The site's name; a name written as a URL (`https://www.example.com`) becomes its host.
    private func siteName() -> String? {
        guard let name = firstClean(["og:site_name"]) ?? facts.publisher ?? facts.websiteName
            ?? firstClean(["application-name"])
        else { return nil }
        if MetadataText.looksLikeURL(name) { return MetadataText.host(of: name) ?? name }
        // A Twitter handle (`@examplenews`) names the site without its at sign.
        return name.hasPrefix("@") && name.count > 1 ? String(name.dropFirst()) : name
    }

    /// The structured title (JSON-LD headline, OpenGraph, Twitter, microdata) and the weak one (document
    /// title without its site name, or the first `<h1>`); a candidate equal to an `<h1>` wins.
    private func title(siteNames: [String]) -> (strong: String?, weak: String?) {
        let structured = ([facts.headline] + metaValues(["og:title", "twitter:title", "parsely-title", "dc.title"])
            .map(Optional.some) + (signals.items["headline"] ?? []).map(Optional.some))
            .compactMap { MetadataText.clean($0) }
            .map { MetadataText.strippingSiteName($0, siteNames: siteNames, strippingShortParts: false) }
        let documentTitle = signals.documentTitle.flatMap(MetadataText.clean).map {
            MetadataText.strippingSiteName($0, siteNames: siteNames, strippingShortParts: true)
        }
        let headingKeys = Set(signals.headings.map(MetadataText.alphanumericKey))
        if !headingKeys.isEmpty {
            if let match = structured.first(where: { headingKeys.contains(MetadataText.alphanumericKey($0)) }) {
                return (match, nil)
            }
            if let documentTitle, headingKeys.contains(MetadataText.alphanumericKey(documentTitle)) {
                return (documentTitle, documentTitle)
            }
            if structured.isEmpty, let raw = signals.documentTitle.flatMap(MetadataText.clean),
                let part = MetadataText.titleParts(raw).first(where: {
                    headingKeys.contains(MetadataText.alphanumericKey($0))
                })
            {
                return (nil, part)
            }
        }
        return (structured.first, documentTitle ?? signals.headings.first)
    }

    private static let publishedKeys = [
        "article:published_time", "og:article:published_time", "og:published_time", "published_time",
        "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dcterms.created", "dc.date.created",
        "dc.date", "dcterms.date", "citation_publication_date", "citation_date", "date", "pubdate", "publishdate",
        "publish-date", "publish_date",
    ]
    private static let modifiedKeys = [
        "article:modified_time", "og:article:modified_time", "og:updated_time", "dcterms.modified", "dc.date.modified",
        "last-modified", "lastmod",
    ]

    private func publishedDate() -> String? {
        let candidates = metaValues(Self.publishedKeys) + (signals.items["datepublished"] ?? [])
            + (signals.items["datecreated"] ?? [])
        return facts.published ?? candidates.lazy.compactMap(DateNormalizer.normalize).first
    }

    private func weakPublishedDate() -> String? {
        ([signals.timeWithPubdate, signals.timeInArticle] + signals.otherDateMeta.map(Optional.some) + [signals.firstTime])
            .lazy.compactMap { $0.flatMap(DateNormalizer.normalize) }.first
            ?? (pageURL ?? facts.url).flatMap(DateNormalizer.date(inURL:))
    }

    private func modifiedDate() -> String? {
        let candidates = metaValues(Self.modifiedKeys) + (signals.items["datemodified"] ?? [])
        return facts.modified ?? candidates.lazy.compactMap(DateNormalizer.normalize).first
    }

    /// `article:tag`, else JSON-LD keywords, else keyword meta tags.
    private func tags() -> [String] {
        let sources: [[String]] = [
            MetadataText.tags(in: metaValues(["article:tag"])),
            facts.keywords,
            MetadataText.tags(in: metaValues(["keywords", "news_keywords", "parsely-tags", "sailthru.tags"])),
        ]
        return MetadataText.uniqueTags(sources.first { !$0.isEmpty } ?? [])
    }

    /// Person names from JSON-LD, meta tags or microdata replace the clean stage's guess; `rel="author"`
    /// links only fill an empty list.
    private func fillAuthors(_ authors: inout [String]) {
        let metaBylines = metaValues(["article:author", "author", "parsely-author", "sailthru.author", "dc.creator",
                                      "dcterms.creator", "byl", "citation_author"])
            .filter { !MetadataText.looksLikeURL($0) }
        let sources: [[String]] = [
            facts.personAuthors,
            names(in: metaBylines),
            names(in: (signals.items["author"] ?? []) + (signals.items["creator"] ?? [])),
        ]
        if let strong = sources.first(where: { !$0.isEmpty }) {
            authors = strong
            return
        }
        if authors.isEmpty { authors = names(in: signals.authorLinks) }
    }

    private func names(in bylines: [String]) -> [String] {
        var names: [String] = []
        for byline in bylines { AuthorNames.merge(AuthorNames.names(in: byline), into: &names) }
        return names
    }

    // MARK: Meta values

    /// The values of the meta keys, in the order of `keys`.
    private func metaValues(_ keys: [String]) -> [String] {
        keys.flatMap { signals.meta[$0] ?? [] }
    }

    /// The first non-empty cleaned value among the meta keys.
    private func firstClean(_ keys: [String]) -> String? {
        metaValues(keys).lazy.compactMap { MetadataText.clean($0) }.first
    }
}
