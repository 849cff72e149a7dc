/// The main content of a document as the parse stage found it: plain text, Markdown and ordered blocks.
public struct ExtractedContent: Sendable, Codable, Equatable {
    /// The article's title (the main heading, or the document title).
    public var title: String?
    /// Plain text: blocks separated by blank lines, list items one per line.
    public var text: String
    /// The same content as CommonMark.
    public var markdown: String
    /// The content as ordered structural blocks.
    public var blocks: [ContentBlock]
    /// Text of the comment section, when the clean stage kept it as a separate field.
    public var comments: String?
    /// Links found in the content (when the parse stage is asked for them).
    public var links: [Link]?
    /// Images found in the content (when the parse stage is asked for them).
    public var images: [Image]?

    public init(
        title: String? = nil, text: String = "", markdown: String = "", blocks: [ContentBlock] = [],
        comments: String? = nil, links: [Link]? = nil, images: [Image]? = nil
    ) {
        self.title = title
        self.text = text
        self.markdown = markdown
        self.blocks = blocks
        self.comments = comments
        self.links = links
        self.images = images
    }

    /// A hyperlink inside the content.
    public struct Link: Sendable, Codable, Equatable {
        public var url: String
        public var text: String
        public init(url: String, text: String) {
            self.url = url
            self.text = text
        }
    }

    /// An image inside the content.
    public struct Image: Sendable, Codable, Equatable {
        public var url: String
        public var alt: String?
        public var caption: String?
        public init(url: String, alt: String? = nil, caption: String? = nil) {
            self.url = url
            self.alt = alt
            self.caption = caption
        }
    }
}

/// One structural unit of extracted content.
public struct ContentBlock: Sendable, Codable, Equatable {
    /// What kind of block this is; an open set of names (`heading`, `paragraph`, `list`, `table`, `quote`,
    /// `code`, `figure`), so later versions can add kinds without breaking readers.
    public var kind: Kind
    /// The block's text (for lists, items joined by newlines; for tables, cells by tabs and rows by newlines).
    public var text: String
    /// Heading level 1–6, for headings.
    public var level: Int?
    /// List items, for lists.
    public var items: [String]?
    /// Whether a list is ordered.
    public var ordered: Bool?
    /// Table rows of cells, for tables.
    public var rows: [[String]]?
    /// The image URL, for figures.
    public var source: String?

    public init(
        kind: Kind, text: String, level: Int? = nil, items: [String]? = nil, ordered: Bool? = nil,
        rows: [[String]]? = nil, source: String? = nil
    ) {
        self.kind = kind
        self.text = text
        self.level = level
        self.items = items
        self.ordered = ordered
        self.rows = rows
        self.source = source
    }

    /// The name of a block kind.
    public struct Kind: RawRepresentable, Sendable, Codable, Hashable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public static let heading: Kind = "heading"
        public static let paragraph: Kind = "paragraph"
        public static let list: Kind = "list"
        public static let table: Kind = "table"
        public static let quote: Kind = "quote"
        public static let code: Kind = "code"
        public static let figure: Kind = "figure"
    }
}

/// Document metadata: what the page says about itself (JSON-LD, OpenGraph, meta tags, bylines, URL).
public struct Metadata: Sendable, Codable, Equatable {
    public var title: String?
    public var description: String?
    public var authors: [String]
    /// Publication date, ISO 8601.
    public var published: String?
    /// Last modification date, ISO 8601.
    public var modified: String?
    public var sitename: String?
    public var section: String?
    public var tags: [String]
    public var canonical: String?
    public var image: String?
    /// The language the page declares (BCP 47 primary tag, lower-cased, e.g. `fr`).
    public var language: String?

    public init(
        title: String? = nil, description: String? = nil, authors: [String] = [], published: String? = nil,
        modified: String? = nil, sitename: String? = nil, section: String? = nil, tags: [String] = [],
        canonical: String? = nil, image: String? = nil, language: String? = nil
    ) {
        self.title = title
        self.description = description
        self.authors = authors
        self.published = published
        self.modified = modified
        self.sitename = sitename
        self.section = section
        self.tags = tags
        self.canonical = canonical
        self.image = image
        self.language = language
    }

    enum CodingKeys: String, CodingKey {
        case title, description, authors, published, modified, sitename, section, tags, canonical, image, language
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        authors = try container.decodeIfPresent([String].self, forKey: .authors) ?? []
        published = try container.decodeIfPresent(String.self, forKey: .published)
        modified = try container.decodeIfPresent(String.self, forKey: .modified)
        sitename = try container.decodeIfPresent(String.self, forKey: .sitename)
        section = try container.decodeIfPresent(String.self, forKey: .section)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        canonical = try container.decodeIfPresent(String.self, forKey: .canonical)
        image = try container.decodeIfPresent(String.self, forKey: .image)
        language = try container.decodeIfPresent(String.self, forKey: .language)
    }
}

/// Figures computed about a record's content: language, text statistics and signals added by later stages.
public struct Enrichment: Sendable, Codable, Equatable {
    /// The content language (BCP 47 primary tag), as declared or identified.
    public var language: String?
    /// How the language was decided: `declared`, or the name of an identifier.
    public var languageSource: String?
    /// Number of words in the extracted text.
    public var wordCount: Int?
    /// Number of characters (Unicode scalars) in the extracted text.
    public var characterCount: Int?
    /// Further named figures (quality signals, fingerprints, keywords), each a JSON value.
    public var signals: [String: JSONValue]

    public init(
        language: String? = nil, languageSource: String? = nil, wordCount: Int? = nil, characterCount: Int? = nil,
        signals: [String: JSONValue] = [:]
    ) {
        self.language = language
        self.languageSource = languageSource
        self.wordCount = wordCount
        self.characterCount = characterCount
        self.signals = signals
    }

    enum CodingKeys: String, CodingKey { case language, languageSource, wordCount, characterCount, signals }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        language = try container.decodeIfPresent(String.self, forKey: .language)
        languageSource = try container.decodeIfPresent(String.self, forKey: .languageSource)
        wordCount = try container.decodeIfPresent(Int.self, forKey: .wordCount)
        characterCount = try container.decodeIfPresent(Int.self, forKey: .characterCount)
        signals = try container.decodeIfPresent([String: JSONValue].self, forKey: .signals) ?? [:]
    }
}
