public import WinnowCore
import WinnowHTML

/// Removes boilerplate from a record's HTML so that what remains in `<body>` is the main content.
///
/// The stage edits the record's parsed document (shared with later stages through the record workspace,
/// see `StageContext.htmlDocument(for:limits:)`); `<head>` is left intact, and JSON-LD scripts stay in the
/// tree for the metadata extractor. It always removes scripts, styles, embeds, form controls and hidden
/// elements; removes each boilerplate category the configuration drops (detected by tag, ARIA role,
/// itemprop and multilingual class/id patterns); applies the user's `drop` and `keep` selectors; and, unless
/// `mainContent` is false, keeps only the main content (see `MainContentSelector`).
///
/// Records whose body is not HTML (a non-HTML content type, or binary bytes) and records with an empty body
/// are dropped with the reasons `not html` and `empty body`; a body over `maxBytes`/`maxNodes` fails with a
/// `too-large` error.
public struct CleanStage: ConfigurableStage {
    public static let descriptor = StageDescriptor(
        name: "clean",
        summary: "Removes boilerplate (navigation, ads, comments, share widgets, banners…) and keeps the main "
            + "content of HTML records; drops non-HTML records (reason \"not html\") and empty ones (\"empty body\").",
        options: CleanConfiguration.optionSpecs)

    let configuration: CleanConfiguration

    public init(setup: StageSetup) throws {
        configuration = try CleanConfiguration(options: setup.options)
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        guard let body = record.body else {
            throw StageError(.invalidInput, "the record has no body to clean")
        }
        // Checked here too: an earlier stage may have parsed (and cached) the document under other limits.
        guard body.bytes.count <= configuration.limits.maxBytes else {
            throw StageError(.tooLarge, "the HTML body is \(body.bytes.count) bytes, over the clean stage's limit of "
                + "\(configuration.limits.maxBytes) bytes (maxBytes); raise clean.maxBytes to accept it")
        }
        if let reason = HTMLSniffer.rejection(of: body) { return .drop(reason: reason) }
        let document = try context.htmlDocument(for: record, limits: configuration.limits)
        let findings = Cleaner(configuration: configuration).clean(document)
        var record = record
        if record.metadata.authors.isEmpty, !findings.authors.isEmpty { record.metadata.authors = findings.authors }
        if record.metadata.published == nil, let published = findings.published { record.metadata.published = published }
        if configuration.mode(.comments) == .separate, !findings.comments.isEmpty {
            var content = record.content ?? ExtractedContent()
            content.comments = findings.comments.joined(separator: "\n\n")
            record.content = content
        }
        return .keep(record)
    }
}

/// Runs the clean passes over one document.
struct Cleaner {
    let configuration: CleanConfiguration

    /// Cleans `document` in place and returns what it found on the way.
    func clean(_ document: HTMLDocument) -> CleanFindings {
        guard let body = document.body else { return CleanFindings() }
        for selector in configuration.dropSelectors {
            for node in body.select(selector) where node != body { node.remove() }
        }
        var statistics = BlockStatistics(root: body)
        var protectedRoots: [HTMLNode] = []
        for selector in configuration.keepSelectors { protectedRoots += body.select(selector) }
        for script in statistics.scripts {
            if let type = script.attribute("type"), TextSearch.contains(type.lowercased(), "ld+json") {
                protectedRoots.append(script)
            }
        }
        let protection = BoilerplateRemover.Protection(roots: protectedRoots, statistics: statistics)
        let remover = BoilerplateRemover(configuration: configuration, protection: protection)
        let findings = remover.run(statistics: &statistics)
        if configuration.selectMainContent {
            var selector = MainContentSelector(
                body: body, statistics: statistics, protection: protection,
                stopwords: { StopwordCounter.forDocument(document) })
            selector.run()
        }
        return findings
    }
}

/// Decides from a body's declared type (`Body.looksLikeHTML`, shared with the parse stage) and its first bytes
/// whether it can be HTML.
enum HTMLSniffer {
    /// The reason to drop the body (`not html`, `empty body`), or `nil` when it may be HTML.
    static func rejection(of body: Body) -> String? {
        let bytes = body.bytes
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "empty body" }
        if !body.looksLikeHTML { return "not html" }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return nil }
        let sample = bytes.prefix(4096)
        var control = 0
        for byte in sample where byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C && byte != 0x1B {
            if byte == 0 { return "not html" }
            control += 1
        }
        if control * 20 > sample.count { return "not html" }
        if !sample.contains(UInt8(ascii: "<")) { return "not html" }
        return nil
    }
}
