import Foundation
import WinnowCore
import WinnowHTML

/// What the parse stage renders, and how.
struct ParseOptions: Sendable {
    /// Emit figures (with captions) as blocks; when false, figures and their captions (also captions and
    /// credits outside `<figure>`, recognised by class) are left out.
    var figures: Bool
    /// Write links as Markdown links and list them.
    var links: Bool
    /// Write images as Markdown images and list them.
    var images: Bool
    /// Render data tables as tables (GFM in Markdown); when false, cells read as paragraphs.
    var tables: Bool
}

/// One extracted block with its plain and Markdown renderings.
struct RenderedBlock {
    var block: ContentBlock
    var markdown: String
}

/// Turns a (cleaned) DOM into ordered blocks, plain text and Markdown in one iterative walk.
struct BlockExtractor {
    let options: ParseOptions
    let baseURL: URL?

    static let skippedTags: HTMLTagSet = [
        "script", "style", "noscript", "template", "head", "title", "svg", "iframe", "object", "embed", "canvas",
        "select", "option", "button", "input", "textarea", "video", "audio", "map", "math", "dialog",
    ]
    static let blockTags: HTMLTagSet = [
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "address", "center", "form",
        "fieldset", "details", "summary", "dl", "dt", "dd", "caption", "hgroup", "body", "html", "legend", "figcaption",
        "tr", "td", "th", "thead", "tbody", "tfoot", "li", "ul", "ol", "blockquote", "figure", "pre", "table", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6", "menu", "noframes",
    ]
    /// Elements that may carry an image caption outside `<figure>`.
    static let captionHolderTags: HTMLTagSet = ["div", "p", "span", "small", "em", "i"]
    /// The block elements whose exact name `enter` needs.
    static let structuralTags: HTMLTagSet = [
        "h1", "h2", "h3", "h4", "h5", "h6", "pre", "figure", "figcaption", "table", "ul", "ol", "blockquote", "tr", "td",
        "th", "caption",
    ]
    static let headingLevels: [String: Int] = ["h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6]

    /// The result of one extraction.
    struct Output {
        var blocks: [RenderedBlock] = []
        var links: [ExtractedContent.Link] = []
        var images: [ExtractedContent.Image] = []
    }

    /// Extracts the blocks below `root`.
    func extract(from root: HTMLNode) -> Output {
        var walker = Walker(options: options, baseURL: baseURL)
        root.walk(enter: { node in
            if node.isElement { return walker.enter(node) ? .descend : .skipChildren }
            if node.isText, let content = node.content { walker.text(content) }
            return .skipChildren
        }, leave: { element in
            walker.leave(element)
        })
        walker.finish()
        return walker.output
    }
}

/// The state of one extraction walk.
private struct Walker {
    let options: ParseOptions
    let baseURL: URL?
    var output = BlockExtractor.Output()

    var buffer = InlineBuffer()
    /// Open `blockquote`s.
    var quoteDepth = 0
    /// Open lists: ordered?, the next number, the Markdown indentation of their items.
    var lists: [(ordered: Bool, number: Int, indent: String)] = []
    var listItems: [String] = []
    var listMarkdown: [String] = []
    var listOrdered = false
    /// The element whose inline text is being captured as one unit (heading, pre, table cell, figure).
    var capture: Capture?
    var captureElement: HTMLNode?
    var preText: [UInt8] = []
    var tableRows: [[String]] = []
    var tableRow: [String] = []
    var tableElement: HTMLNode?
    var tableCaption: (plain: String, markdown: String)?
    var figureSource: String?
    var figureAlt: String?
    var openLinks: [(node: HTMLNode, url: String, merges: Bool, bracketed: Bool)] = []
    /// Open `<figure>`s read as ordinary containers (they hold tables, quotes, code, lists or paragraphs).
    var containerFigures: [HTMLNode] = []
    /// Elements whose leave event must close Markdown syntax.
    var linkNodes: Set<HTMLNode> = []

    enum Capture {
        case heading(Int)
        case preformatted
        case cell
        case tableCaption
        case figure
    }

    /// The deepest Markdown list indentation and quote nesting written; deeper levels are flattened to these.
    static let maximumIndent = 24
    static let maximumQuoteDepth = 8

    init(options: ParseOptions, baseURL: URL?) {
        self.options = options
        self.baseURL = baseURL
    }

    // MARK: Events

    mutating func enter(_ node: HTMLNode) -> Bool {
        if BlockExtractor.skippedTags.contains(node) { return false }
        if !options.figures, BlockExtractor.captionHolderTags.contains(node), Self.isCaption(node) { return false }
        let isBlock = BlockExtractor.blockTags.contains(node)
        // Only structural elements need their exact name (reading it allocates).
        let tag = isBlock && BlockExtractor.structuralTags.contains(node) ? node.tagName : ""
        let inline = isBlock ? "" : node.hasTag("br") ? "br" : node.hasTag("a") ? "a" : node.hasTag("img") ? "img" : ""
        if case .preformatted = capture {
            if inline == "br" { preText.append(0x0A) }
            return true
        }
        switch inline {
        case "br":
            if capture != nil {
                buffer.space()
            } else if buffer.endsWithLineBreak {
                flush()  // `<br><br>` separates paragraphs
            } else {
                buffer.lineBreak()
            }
            return false
        case "a":
            if options.links, let href = node.attribute("href"), let url = resolve(href), !href.hasPrefix("#"),
                !href.lowercased().hasPrefix("javascript:"), node.textLength > 0
            {
                // A link wrapping blocks gets no brackets (they would land in separate paragraphs); it is only listed.
                let bracketed = !Self.hasDescendant(of: node, in: BlockExtractor.blockTags, limit: 1_000)
                // A link continuing the previous one (a site split its text over several anchors) merges into it.
                let merges = bracketed && buffer.removeMarkdownSuffix("](\(url))")
                if bracketed, !merges { buffer.appendMarkdownSyntax("[") }
                linkNodes.insert(node)
                openLinks.append((node, url, merges, bracketed))
            }
            return true
        case "img":
            handleImage(node)
            return false
        default:
            break
        }
        if tableElement != nil {
            switch tag {
            case "tr":
                tableRow = []
                return true
            case "td", "th":
                capture = .cell
                captureElement = node
                return true
            case "caption":
                capture = .tableCaption
                captureElement = node
                return true
            case "table":
                return true
            default:
                if isBlock { buffer.space() }
                return true
            }
        }
        if capture != nil {
            if isBlock { buffer.space() }
            return true
        }
        guard isBlock else { return true }
        if let level = BlockExtractor.headingLevels[tag] {
            flush()
            capture = .heading(level)
            captureElement = node
            return true
        }
        switch tag {
        case "pre":
            flush()
            capture = .preformatted
            captureElement = node
            preText = []
            return true
        case "figure":
            flush()
            // A figure around a table, quote, code, list or text (WordPress blocks) is an ordinary container.
            if Self.hasDescendant(of: node, in: Self.figureContentTags, skipping: ["figcaption"]) {
                containerFigures.append(node)
                return true
            }
            guard options.figures else { return false }
            capture = .figure
            captureElement = node
            figureSource = nil
            figureAlt = nil
            return true
        case "figcaption":
            if !options.figures { return false }
        case "table":
            flush()
            if options.tables, Self.isDataTable(node) {
                tableElement = node
                tableRows = []
                tableCaption = nil
                return true
            }
        case "ul", "ol":
            flush()
            let ordered = tag == "ol"
            if lists.isEmpty {
                closeList()
                listOrdered = ordered
            }
            // Markdown indentation stops growing after a few levels, so pathological nesting stays linear.
            let indent = lists.last.map { $0.indent.count >= Self.maximumIndent ? $0.indent : $0.indent + ($0.ordered ? "   " : "  ") } ?? ""
            lists.append((ordered, 1, indent))
            return true
        case "blockquote":
            flush()
            quoteDepth += 1
            return true
        default:
            break
        }
        flush()
        return true
    }

    mutating func leave(_ node: HTMLNode) {
        if linkNodes.contains(node) {
            linkNodes.remove(node)
            if let open = openLinks.popLast() {
                if open.bracketed { buffer.appendMarkdownSyntax("](\(open.url))", closing: true) }
                if open.merges, var previous = output.links.popLast() {
                    previous.text += node.normalizedText
                    output.links.append(previous)
                } else {
                    output.links.append(ExtractedContent.Link(url: open.url, text: node.normalizedText))
                }
            }
            return
        }
        if let element = captureElement, element == node {
            finishCapture()
            return
        }
        if let table = tableElement {
            if node == table {
                emitTable()
            } else if node.hasTag("tr") {
                if !tableRow.isEmpty { tableRows.append(tableRow) }
                tableRow = []
            }
            return
        }
        if capture != nil {
            if BlockExtractor.blockTags.contains(node) { buffer.space() }
            return
        }
        guard BlockExtractor.blockTags.contains(node) else { return }
        flush()
        if containerFigures.last == node { containerFigures.removeLast() }
        if node.hasTag("ul") || node.hasTag("ol") {
            lists.removeLast()
            if lists.isEmpty { closeList() }
        } else if node.hasTag("blockquote") {
            quoteDepth = max(0, quoteDepth - 1)
        }
    }

    mutating func text(_ content: String) {
        if case .preformatted = capture {
            preText.append(contentsOf: content.utf8)
        } else {
            buffer.append(text: content)
        }
    }

    mutating func finish() {
        capture = nil
        flush()
        closeList()
    }

    // MARK: Blocks

    /// Ends the current paragraph (or list item, or quote paragraph).
    private mutating func flush() {
        guard capture == nil, tableElement == nil else { return }
        let (plain, markdown) = buffer.take()
        guard !plain.isEmpty || !markdown.isEmpty else { return }
        if var list = lists.last {
            let marker = list.ordered ? "\(list.number). " : "- "
            list.number += 1
            lists[lists.count - 1] = list
            listItems.append(plain)
            listMarkdown.append(list.indent + marker + Self.indentingLines(markdown, with: list.indent + "  "))
            return
        }
        guard !plain.isEmpty else {
            // Only an image (with `images` on) makes a block without text worth keeping.
            if markdown.contains("![") { emit(ContentBlock(kind: .paragraph, text: plain), markdown: markdown) }
            return
        }
        if quoteDepth > 0 {
            let prefix = String(repeating: "> ", count: min(quoteDepth, Self.maximumQuoteDepth))
            emit(ContentBlock(kind: .quote, text: plain),
                 markdown: prefix + Self.indentingLines(markdown, with: prefix))
        } else {
            emit(ContentBlock(kind: .paragraph, text: plain), markdown: Self.escapeLineStart(markdown))
        }
    }

    private mutating func emit(_ block: ContentBlock, markdown: String) {
        closeList()
        output.blocks.append(RenderedBlock(block: block, markdown: markdown))
    }

    private mutating func closeList() {
        guard !listItems.isEmpty else { return }
        let block = ContentBlock(kind: .list, text: listItems.joined(separator: "\n"), items: listItems,
                                 ordered: listOrdered)
        let markdown = listMarkdown.joined(separator: "\n")
        listItems = []
        listMarkdown = []
        output.blocks.append(RenderedBlock(block: block, markdown: markdown))
    }

    private mutating func finishCapture() {
        guard let current = capture else { return }
        capture = nil
        captureElement = nil
        switch current {
        case .heading(let level):
            let (plain, markdown) = buffer.take()
            guard !plain.isEmpty else { return }
            emit(ContentBlock(kind: .heading, text: plain, level: level),
                 markdown: String(repeating: "#", count: level) + " "
                    + (markdown.utf8.contains(0x0A) ? markdown.replacingOccurrences(of: "  \n", with: " ") : markdown))
        case .preformatted:
            var raw = String(decoding: preText, as: UTF8.self)
            preText = []
            while raw.hasSuffix("\n") || raw.hasSuffix(" ") { raw.removeLast() }
            while raw.hasPrefix("\n") { raw.removeFirst() }
            guard !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
            var fence = "```"
            while raw.contains(fence) { fence += "`" }
            emit(ContentBlock(kind: .code, text: raw), markdown: fence + "\n" + raw + "\n" + fence)
        case .cell:
            let (plain, _) = buffer.take()
            tableRow.append(plain.utf8.contains(0x0A) ? plain.replacingOccurrences(of: "\n", with: " ") : plain)
        case .tableCaption:
            let (plain, markdown) = buffer.take()
            if !plain.isEmpty { tableCaption = (plain, markdown) }
        case .figure:
            let (plain, markdown) = buffer.take()
            guard !plain.isEmpty || figureSource != nil else { return }
            var lines: [String] = []
            if options.images, let source = figureSource {
                lines.append("![\(Self.escapeBrackets(figureAlt ?? ""))](\(source))")
            }
            if !markdown.isEmpty { lines.append(Self.escapeLineStart(markdown)) }
            if lines.isEmpty { return }
            emit(ContentBlock(kind: .figure, text: plain, source: figureSource), markdown: lines.joined(separator: "\n"))
        }
    }

    private mutating func emitTable() {
        tableElement = nil
        if let caption = tableCaption {
            tableCaption = nil
            emit(ContentBlock(kind: .paragraph, text: caption.plain), markdown: Self.escapeLineStart(caption.markdown))
        }
        let rows = tableRows.filter { $0.contains { !$0.isEmpty } }
        tableRows = []
        guard !rows.isEmpty else { return }
        let width = rows.map(\.count).max() ?? 0
        let padded = rows.map { $0 + Array(repeating: "", count: width - $0.count) }
        let text = padded.map { $0.joined(separator: "\t") }.joined(separator: "\n")
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        var markdownLines = [line(padded[0]), "|" + Array(repeating: " --- |", count: width).joined()]
        markdownLines += padded.dropFirst().map(line)
        emit(ContentBlock(kind: .table, text: text, rows: padded), markdown: markdownLines.joined(separator: "\n"))
    }

    private mutating func handleImage(_ node: HTMLNode) {
        let inFigure: Bool
        if case .figure = capture { inFigure = figureSource == nil } else { inFigure = false }
        guard options.images || inFigure else { return }
        // With figures off, the images of a container figure go with its caption.
        if !options.figures, !containerFigures.isEmpty { return }
        let source = node.attribute("src") ?? node.attribute("data-src")
        guard let source, let url = resolve(source), !source.hasPrefix("data:") else { return }
        let alt = node.attribute("alt")
        if inFigure {
            figureSource = url
            figureAlt = alt
            if options.images { output.images.append(ExtractedContent.Image(url: url, alt: alt)) }
            return
        }
        guard options.images else { return }
        output.images.append(ExtractedContent.Image(url: url, alt: alt))
        buffer.appendMarkdownSyntax("![\(Self.escapeBrackets(alt ?? ""))](\(url))")
    }

    private func resolve(_ reference: String) -> String? {
        let trimmed = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        guard let baseURL else { return trimmed }
        return URL(string: trimmed, relativeTo: baseURL)?.absoluteString ?? trimmed
    }

    /// Whether an element outside `<figure>` is an image caption or credit: a class or id token with a part
    /// named like one (`wp-caption-text`, `image-credit`, `captionlink`), on a small element (at most
    /// `maximumCaptionLength` characters, no headings, lists or tables), so `story-body with-captions` still reads.
    static func isCaption(_ node: HTMLNode) -> Bool {
        let classAndID = node.classAndID
        guard classAndID.utf8.count >= 6 else { return false }
        let parts = classAndID.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        guard parts.contains(where: { part in
            part.contains("caption") || part.hasPrefix("credit") || part.hasSuffix("credit")
        }) else { return false }
        return isSmallCaption(node, maximumLength: maximumCaptionLength)
    }

    /// Long enough for a wordy photo caption (news captions run past 300 characters), short of an article.
    static let maximumCaptionLength = 500

    /// Elements a caption does not hold (it may hold short paragraphs and divs).
    private static let captionBlockers: HTMLTagSet = [
        "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "pre", "article", "section", "main", "form",
    ]

    /// Whether `node` has no structural block descendants (headings, tables, lists, quotes, sections) and at
    /// most `maximumLength` characters of text; the scan stops after a bounded number of elements (a larger
    /// element is not a caption).
    private static func isSmallCaption(_ node: HTMLNode, maximumLength: Int) -> Bool {
        var visited = 0
        for element in node.descendantElements {
            visited += 1
            if visited > 4 * maximumLength || captionBlockers.contains(element) { return false }
        }
        return node.textLength <= maximumLength
    }

    /// Whether `node` has a descendant element in `tags` outside the subtrees of `skipping`; the scan gives up
    /// (answering true) after `limit` nodes.
    static func hasDescendant(of node: HTMLNode, in tags: HTMLTagSet, skipping: HTMLTagSet = [],
                              limit: Int = 10_000) -> Bool {
        var visited = 0
        var found = false
        node.walk(enter: { child in
            visited += 1
            guard child.isElement else { return .skipChildren }
            if visited > limit || tags.contains(child) {
                found = true
                return .stop
            }
            return skipping.contains(child) ? .skipChildren : .descend
        }, leave: { _ in })
        return found
    }

    /// Whether a table holds data (rows of short cells) rather than page layout.
    ///
    /// A first pass looks only at tags and stops at the first layout element (a nested table is usually
    /// near the start), so nested tables cost linear time; only a table without layout elements (whose cells
    /// are disjoint) has its cell text measured. Tables of more than `maximumTableElements` elements are layout.
    static func isDataTable(_ table: HTMLNode) -> Bool {
        var rows = 0
        var visited = 0
        for element in table.descendantElements {
            visited += 1
            if visited > maximumTableElements || layoutTags.contains(element) { return false }
            if element.hasTag("tr") { rows += 1 }
        }
        // A single row is page layout too.
        guard rows >= 2 else { return false }
        // A cell holding a paragraph's worth of text is page layout.
        return !table.descendantElements.contains { ($0.hasTag("td") || $0.hasTag("th")) && $0.textLength > 250 }
    }

    /// The most elements `isDataTable` looks at; this bounds its work on pathological pages.
    static let maximumTableElements = 50_000

    /// Elements that make a `<figure>` holding them an ordinary container rather than an image with a caption.
    static let figureContentTags: HTMLTagSet = ["table", "blockquote", "pre", "ul", "ol", "p"]

    /// Elements that make a table that holds them a layout table.
    private static let layoutTags: HTMLTagSet = ["table", "p", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "div"]

    /// `text` with `prefix` after each newline (checked first, so single-line text costs nothing).
    static func indentingLines(_ text: String, with prefix: String) -> String {
        guard text.utf8.contains(0x0A) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + prefix)
    }

    static func escapeBrackets(_ text: String) -> String {
        text.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
    }

    /// Escapes what would make a paragraph's first characters read as other Markdown syntax.
    static func escapeLineStart(_ markdown: String) -> String {
        guard let first = markdown.first else { return markdown }
        switch first {
        case "#", ">", "-", "+", "=", "|", "~":
            return "\\" + markdown
        default:
            break
        }
        var digits = markdown.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let rest = markdown.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") {
                digits.append("\\")
                return String(digits) + rest
            }
        }
        return markdown
    }
}
