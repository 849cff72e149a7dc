import WinnowCore
internal import CLibXML2

/// Calls `xmlInitParser()` once per process, before the first parse (it is not thread-safe in libxml2 2.9).
private let libxml2Initialized: Bool = {
    xmlInitParser()
    return true
}()

/// A parsed HTML document: the libxml2 tree of one page, with its charset.
///
/// `<script>` and `<style>` elements are kept but parsed empty (JSON-LD scripts keep their contents): no stage
/// reads them, and skipping them makes parsing about a third faster on news pages.
///
/// Parse once per record (see `StageContext.htmlDocument(for:limits:)`), then read and edit the tree through
/// `HTMLNode`s. The document owns the tree and frees it when the document and all its nodes are released. It
/// is not `Sendable`: create, edit and read it inside one task; pass bytes and strings between tasks.
///
/// ```swift
/// let document = try HTMLDocument(bytes: Array(html.utf8))
/// for paragraph in document.select(try CSSSelector("article p")) { print(paragraph.normalizedText) }
/// ```
public final class HTMLDocument {
    let pointer: xmlDocPtr
    /// Holds removed nodes (unlinked, not freed) so that stale `HTMLNode`s never dangle; freed with the document.
    let removedNodes: xmlNodePtr

    /// The charset the bytes were decoded with, lower-case (`utf-8`, `windows-1252`, `shift_jis`).
    public let charset: String
    /// What decided the charset.
    public let charsetSource: CharsetSource
    /// How many input bytes were not valid in `charset` and were decoded by the fallback (windows-1252 for
    /// UTF-8 pages, U+FFFD for other charsets); 0 for clean input.
    public let invalidByteCount: Int
    /// The document's URL, as given to the initializer.
    public let url: String?

    /// Parses HTML bytes.
    ///
    /// - Parameters:
    ///   - bytes: The raw body.
    ///   - transportCharset: The charset the HTTP `Content-Type` header declared, if any.
    ///   - url: The page's URL (kept as the document's URL).
    ///   - limits: Size limits; over them, the initializer throws `StageError` with code `.tooLarge`.
    /// - Throws: `StageError(.tooLarge)` over a limit; `StageError(.invalidInput)` when libxml2 cannot build a
    ///   tree at all.
    public init(bytes: [UInt8], transportCharset: String? = nil, url: String? = nil, limits: HTMLLimits = .default) throws {
        guard bytes.count <= limits.maxBytes else {
            throw StageError(.tooLarge, "the HTML body is \(formatBytes(bytes.count)) (\(bytes.count) bytes), over the "
                + "limit of \(formatBytes(limits.maxBytes)) (maxBytes \(limits.maxBytes)); raise maxBytes to accept it")
        }
        _ = libxml2Initialized
        winnow_xml_silence_errors()
        let decoded = bytes.withUnsafeBufferPointer { InputDecoder.decode($0, transportCharset: transportCharset) }
        let decodedCount = decoded.converted?.count ?? bytes.count - decoded.skippedPrefix
        guard decodedCount <= Int(Int32.max) else {
            throw StageError(.tooLarge, "the HTML body is \(formatBytes(decodedCount)) as UTF-8, over the 2 GB "
                + "libxml2 reads at once; lower maxBytes to fail such bodies before they are decoded")
        }
        let parsed: xmlDocPtr? = {
            func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> xmlDocPtr? {
                if let filtered = ScriptContentFilter.strip(buffer) {
                    return filtered.withUnsafeBufferPointer(parseFiltered)
                }
                return parseFiltered(buffer)
            }
            func parseFiltered(_ buffer: UnsafeBufferPointer<UInt8>) -> xmlDocPtr? {
                guard let base = buffer.baseAddress, !buffer.isEmpty else { return htmlNewDocNoDtD(nil, nil) }
                return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    htmlReadMemory($0, Int32(buffer.count), url, "UTF-8", winnow_html_parse_options())
                }
            }
            if let converted = decoded.converted {
                return converted.withUnsafeBufferPointer(parse)
            }
            return bytes.withUnsafeBufferPointer { parse(UnsafeBufferPointer(rebasing: $0[decoded.skippedPrefix...])) }
        }()
        guard let parsed else {
            throw StageError(.invalidInput, "libxml2 could not build an HTML tree from the \(bytes.count)-byte body")
        }
        guard let holder = xmlNewDocNode(parsed, nil, "winnow-removed", nil) else {
            xmlFreeDoc(parsed)
            throw StageError(.internal, "libxml2 could not allocate a node")
        }
        pointer = parsed
        removedNodes = holder
        parsed.pointee._private = UnsafeMutableRawPointer(holder)
        charset = decoded.charset
        charsetSource = decoded.source
        invalidByteCount = decoded.invalidByteCount
        self.url = url
        // A node needs at least one byte of input, plus a few implied elements (html, head, body).
        if bytes.count + 8 > limits.maxNodes {
            let count = nodeCount
            guard count <= limits.maxNodes else {
                throw StageError(.tooLarge, "the HTML document has \(count) nodes, over the limit of "
                    + "\(limits.maxNodes) (maxNodes); raise maxNodes to accept it")
            }
        }
    }

    deinit {
        xmlFreeNode(removedNodes)
        xmlFreeDoc(pointer)
    }

    /// The root element (`<html>`), if the document has one.
    public var root: HTMLNode? {
        xmlDocGetRootElement(pointer).map { HTMLNode($0, self) }
    }

    /// The `<head>` element.
    public var head: HTMLNode? { topLevelElement("head") }

    /// The `<body>` element (or `<frameset>` for framed pages).
    public var body: HTMLNode? { topLevelElement("body") ?? topLevelElement("frameset") }

    /// The text of the first `<title>` element, whitespace-normalised; `nil` when absent or empty.
    public var title: String? {
        guard let root else { return nil }
        let start = head ?? root
        let element = start.descendants.first { $0.hasTag("title") }
            ?? (start == root ? nil : root.descendants.first { $0.hasTag("title") && !$0.hasAncestor(tag: "svg") })
        guard let text = element?.normalizedText, !text.isEmpty else { return nil }
        return text
    }

    /// The number of nodes in the tree (elements, text, comments; attributes not counted), counted on each call.
    public var nodeCount: Int {
        var count = 0
        var node = pointer.pointee.children
        while let current = node {
            count += 1
            node = HTMLNode.preorderSuccessor(of: current, within: nil)
        }
        return count
    }

    /// Serialises `node` (the whole document when `nil`) as HTML, in UTF-8, without escaping non-ASCII
    /// characters as entities.
    public func html(of node: HTMLNode? = nil) -> String {
        guard let buffer = xmlAllocOutputBuffer(nil) else { return "" }
        defer { xmlOutputBufferClose(buffer) }
        if let node {
            htmlNodeDumpFormatOutput(buffer, pointer, node.pointer, nil, 0)
        } else {
            htmlDocContentDumpFormatOutput(buffer, pointer, nil, 0)
        }
        xmlOutputBufferFlush(buffer)
        guard let content = xmlOutputBufferGetContent(buffer) else { return "" }
        let size = Int(xmlOutputBufferGetSize(buffer))
        return String(decoding: UnsafeBufferPointer(start: content, count: size), as: UTF8.self)
    }

    /// The elements matching `selector` in document order, the root element included.
    public func select(_ selector: CSSSelector) -> [HTMLNode] {
        guard let root else { return [] }
        return root.select(selector, includingSelf: true)
    }

    private func topLevelElement(_ name: String) -> HTMLNode? {
        guard let root else { return nil }
        if root.hasTag(name) { return root }
        return root.elementChildren.first { $0.hasTag(name) }
    }
}

@available(*, unavailable)
extension HTMLDocument: Sendable {}
