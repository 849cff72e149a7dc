public import WinnowCore
import Foundation
import WinnowHTML

/// Turns a record's (cleaned) HTML into content — title, ordered blocks, plain text, Markdown, optional links and
/// images — and reads the page's metadata.
///
/// It reads the document shared through the record workspace, so after the clean stage it sees only the main
/// content; run alone, it renders the whole body. Text: blocks separated by blank lines, list items one per
/// line, table cells separated by tabs. Markdown: CommonMark with GFM pipe tables. A first heading that repeats
/// the title is left out of the blocks (the title is its own field). `content.comments`, set by the clean
/// stage, is kept.
public struct ParseStage: ConfigurableStage {
    public static let descriptor = StageDescriptor(
        name: "parse",
        summary: "Renders the (cleaned) HTML as title, blocks, plain text and Markdown, and reads the page's metadata "
            + "(JSON-LD, OpenGraph, meta tags, <time>, URL); drops records whose body is not HTML (\"not html\").",
        options: [
            OptionSpec("figures", .boolean, default: false,
                       summary: "Include figures (with their captions) as blocks; false leaves figures and captions out."),
            OptionSpec("links", .boolean, default: false,
                       summary: "Write links as Markdown links and list them in content.links."),
            OptionSpec("images", .boolean, default: false,
                       summary: "Write images as Markdown images and list them in content.images."),
            OptionSpec("tables", .boolean, default: true,
                       summary: "Render data tables as tables (GFM pipe tables in Markdown); false reads cells as paragraphs."),
        ])

    let options: ParseOptions

    public init(setup: StageSetup) throws {
        options = ParseOptions(
            figures: setup.options.bool("figures") ?? false,
            links: setup.options.bool("links") ?? false,
            images: setup.options.bool("images") ?? false,
            tables: setup.options.bool("tables") ?? true)
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        guard let body = record.body else {
            throw StageError(.invalidInput, "the record has no body to parse")
        }
        guard body.looksLikeHTML else { return .drop(reason: "not html") }
        let document = try context.htmlDocument(for: record)
        var record = record
        MetadataExtractor.extract(from: document, url: record.url, into: &record.metadata)
        let baseURL = (record.url ?? record.metadata.canonical).flatMap { URL(string: $0) }
        let output = document.body.map { BlockExtractor(options: options, baseURL: baseURL).extract(from: $0) }
            ?? BlockExtractor.Output()
        var blocks = output.blocks
        let title = record.metadata.title ?? blocks.first { $0.block.kind == .heading && $0.block.level == 1 }?.block.text
        Self.dropRepeatedTitle(from: &blocks, title: title)
        var content = ExtractedContent(
            title: title,
            text: blocks.map(\.block.text).filter { !$0.isEmpty }.joined(separator: "\n\n"),
            markdown: blocks.map(\.markdown).filter { !$0.isEmpty }.joined(separator: "\n\n"),
            blocks: blocks.map(\.block),
            comments: record.content?.comments)
        if options.links { content.links = output.links }
        if options.images { content.images = output.images }
        record.content = content
        return .keep(record)
    }

    /// Removes a leading heading that repeats the title (or any `h1` before the first long paragraph), or a
    /// leading paragraph that is the title.
    static func dropRepeatedTitle(from blocks: inout [RenderedBlock], title: String?) {
        let normalizedTitle = title.map(normalize)
        for (position, entry) in blocks.prefix(4).enumerated() {
            guard entry.block.kind == .heading else {
                guard entry.block.kind == .paragraph else { continue }
                if entry.block.text.count > 200 { return }
                if let normalizedTitle, !normalizedTitle.isEmpty, normalize(entry.block.text) == normalizedTitle {
                    blocks.remove(at: position)
                    return
                }
                if entry.block.text.count > 120 { return }
                continue
            }
            let heading = normalize(entry.block.text)
            let repeatsTitle = normalizedTitle.map { !heading.isEmpty && ($0 == heading || $0.hasPrefix(heading) || heading.hasPrefix($0)) } ?? false
            if repeatsTitle || entry.block.level == 1 {
                blocks.remove(at: position)
                return
            }
        }
    }

    private static func normalize(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
    }
}
