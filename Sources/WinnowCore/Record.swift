import Foundation
import Synchronization

/// One item flowing through a pipeline: a web page (or any document) and everything the stages learn about it.
///
/// A record is a value: each stage receives it, changes what it owns and hands it on. Its JSON form is the
/// JSONL output schema (see `README.md`, "Record schema"); field names are stable within a schema version.
public struct Record: Sendable, Codable, Equatable {
    /// The version of the JSON schema written by `encode(to:)`.
    public static let schemaVersion = 1

    /// A stable identifier, unique within one run (the source decides: file path, WARC record id, URL).
    public var id: String
    /// The page's URL, when known.
    public var url: String?
    /// Where the record was read from.
    public var provenance: Provenance?
    /// What the HTTP exchange said, when the record was fetched or read from an archive of responses.
    public var fetch: FetchInfo?
    /// The raw payload (usually HTML), with its declared media type and charset.
    public var body: Body?
    /// The main content found by the clean and parse stages.
    public var content: ExtractedContent?
    /// Facts about the document: title, authors, dates, site, tags, language.
    public var metadata: Metadata
    /// Figures computed by the enrich stage and its successors.
    public var enrichment: Enrichment
    /// Fields added by custom stages, keyed by a name the stage chooses (conventionally its own name).
    public var extensions: [String: JSONValue]
    /// Non-fatal remarks made by stages, e.g. "charset windows-1252 assumed".
    public var warnings: [String]

    public init(
        id: String,
        url: String? = nil,
        provenance: Provenance? = nil,
        fetch: FetchInfo? = nil,
        body: Body? = nil,
        content: ExtractedContent? = nil,
        metadata: Metadata = Metadata(),
        enrichment: Enrichment = Enrichment(),
        extensions: [String: JSONValue] = [:],
        warnings: [String] = []
    ) {
        self.id = id
        self.url = url
        self.provenance = provenance
        self.fetch = fetch
        self.body = body
        self.content = content
        self.metadata = metadata
        self.enrichment = enrichment
        self.extensions = extensions
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case schema, id, url, provenance, fetch, body, content, metadata, enrichment, extensions, warnings
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        provenance = try container.decodeIfPresent(Provenance.self, forKey: .provenance)
        fetch = try container.decodeIfPresent(FetchInfo.self, forKey: .fetch)
        body = try container.decodeIfPresent(Body.self, forKey: .body)
        content = try container.decodeIfPresent(ExtractedContent.self, forKey: .content)
        metadata = try container.decodeIfPresent(Metadata.self, forKey: .metadata) ?? Metadata()
        enrichment = try container.decodeIfPresent(Enrichment.self, forKey: .enrichment) ?? Enrichment()
        extensions = try container.decodeIfPresent([String: JSONValue].self, forKey: .extensions) ?? [:]
        warnings = try container.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .schema)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(url, forKey: .url)
        try container.encodeIfPresent(provenance, forKey: .provenance)
        try container.encodeIfPresent(fetch, forKey: .fetch)
        if let body, encoder.userInfo[.includeBody] as? Bool == true {
            try container.encode(body, forKey: .body)
        }
        try container.encodeIfPresent(content, forKey: .content)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(enrichment, forKey: .enrichment)
        if !extensions.isEmpty { try container.encode(extensions, forKey: .extensions) }
        if !warnings.isEmpty { try container.encode(warnings, forKey: .warnings) }
    }
}

extension CodingUserInfoKey {
    /// Set to `true` in an encoder's `userInfo` to write each record's raw body (base64) into its JSON.
    public static let includeBody: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "winnow.includeBody") else {
            preconditionFailure("CodingUserInfoKey rejected the constant raw value \"winnow.includeBody\"")
        }
        return key
    }()
}

/// Where a record came from: the file (or URL list, or archive) and the byte offset inside it.
public struct Provenance: Sendable, Codable, Equatable {
    /// The input file's path, or the name of the source when there is no file.
    public var source: String
    /// The byte offset of the record inside `source` (for archives; 0 for whole files).
    public var offset: Int64?
    /// The record's length in bytes inside `source`, when known.
    public var length: Int64?

    public init(source: String, offset: Int64? = nil, length: Int64? = nil) {
        self.source = source
        self.offset = offset
        self.length = length
    }
}

/// The facts of an HTTP exchange: status, response headers and when it happened.
public struct FetchInfo: Sendable, Codable, Equatable {
    /// The HTTP status code of the final response.
    public var status: Int
    /// The response headers (names keep their case), in the order the HTTP client reports them: the fetch stage's
    /// client sorts them by name and joins repeated ones; archives keep the order they were received in.
    public var headers: [HTTPHeader]
    /// When the response was received, as ISO 8601.
    public var date: String?
    /// The URL that finally answered, after redirects.
    public var finalURL: String?

    public init(status: Int, headers: [HTTPHeader] = [], date: String? = nil, finalURL: String? = nil) {
        self.status = status
        self.headers = headers
        self.date = date
        self.finalURL = finalURL
    }

    /// The first value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// One HTTP header line.
public struct HTTPHeader: Sendable, Codable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A record's raw payload with its declared media type and charset.
///
/// Each body carries a private revision token so caches keyed on it (such as the parsed HTML document) notice
/// when a stage replaces the body.
public struct Body: Sendable, Codable, Equatable {
    private static let nextRevision = Atomic<UInt64>(1)

    /// The payload as received.
    public var bytes: [UInt8] {
        didSet { revision = Self.makeRevision() }
    }
    /// The media type without parameters, lower-cased (e.g. `text/html`), when declared.
    public var contentType: String?
    /// The charset declared by the transport (HTTP header), when any.
    public var charset: String?
    /// A token that changes whenever `bytes` changes; not serialised.
    public private(set) var revision: UInt64

    public init(bytes: [UInt8], contentType: String? = nil, charset: String? = nil) {
        self.bytes = bytes
        self.contentType = contentType
        self.charset = charset
        self.revision = Self.makeRevision()
    }

    private static func makeRevision() -> UInt64 {
        nextRevision.add(1, ordering: .relaxed).oldValue
    }

    enum CodingKeys: String, CodingKey { case base64, contentType, charset, length }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let encoded = try container.decode(String.self, forKey: .base64)
        guard let data = Data(base64Encoded: encoded) else {
            throw DecodingError.dataCorruptedError(
                forKey: .base64, in: container, debugDescription: "body.base64 is not valid base64")
        }
        self.init(
            bytes: [UInt8](data),
            contentType: try container.decodeIfPresent(String.self, forKey: .contentType),
            charset: try container.decodeIfPresent(String.self, forKey: .charset))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Data(bytes).base64EncodedString(), forKey: .base64)
        try container.encode(bytes.count, forKey: .length)
        try container.encodeIfPresent(contentType, forKey: .contentType)
        try container.encodeIfPresent(charset, forKey: .charset)
    }

    public static func == (lhs: Body, rhs: Body) -> Bool {
        lhs.bytes == rhs.bytes && lhs.contentType == rhs.contentType && lhs.charset == rhs.charset
    }

    /// Whether the body may hold markup: unknown media type, an HTML, XHTML or XML type (compared lower-cased,
    /// parameters such as `charset` ignored), or `text/plain` whose first bytes contain `<`.
    public var looksLikeHTML: Bool {
        guard let contentType else { return true }
        let mediaType = (contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: .whitespaces).lowercased()
        if mediaType.contains("html") || mediaType.contains("xml") { return true }
        return mediaType == "text/plain" && bytes.prefix(512).contains(UInt8(ascii: "<"))
    }
}
