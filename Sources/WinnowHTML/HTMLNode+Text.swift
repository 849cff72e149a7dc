internal import CLibXML2

extension HTMLNode {
    /// Elements whose text is never content: `script`, `style`, `noscript`, `template`.
    public static let nonContentTags: HTMLTagSet = ["script", "style", "noscript", "template"]

    /// Elements that separate runs of text (blocks and line breaks); `normalizedText` puts a space at their edges.
    public static let blockTags: HTMLTagSet = [
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "head", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "option", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
    ]

    /// All text below this node, concatenated as it is, skipping `script`, `style`, `noscript` and `template`.
    public var text: String {
        if !isElement { return content ?? "" }
        var bytes: [UInt8] = []
        walkText { content in
            var index = 0
            while content[index] != 0 { index += 1 }
            bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: index))
        } boundary: {}
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The text with every run of whitespace (no-break spaces included) collapsed to one space, a space at the
    /// edges of block elements and line breaks, and no leading or trailing space.
    public var normalizedText: String {
        var normalizer = TextNormalizer(collecting: true)
        normalize(into: &normalizer)
        return String(decoding: normalizer.output, as: UTF8.self)
    }

    /// The number of characters (Unicode scalars) of `normalizedText`, computed without building it.
    public var textLength: Int {
        var normalizer = TextNormalizer(collecting: false)
        normalize(into: &normalizer)
        return normalizer.count
    }

    /// The summed `textLength` of the outermost links (`<a>`) below this node (or of this node, if a link).
    public var linkTextLength: Int {
        if hasTag("a") { return textLength }
        guard isElement else { return 0 }
        var total = 0
        var node = pointer.pointee.children
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE, let name = current.pointee.name,
                name[0] == UInt8(ascii: "a"), name[1] == 0
            {
                total += HTMLNode(current, document).textLength
                node = HTMLNode.successorSkippingChildren(of: current, within: pointer)
            } else if current.pointee.type == XML_ELEMENT_NODE, let name = current.pointee.name,
                HTMLNode.nonContentTags.contains(name: name)
            {
                node = HTMLNode.successorSkippingChildren(of: current, within: pointer)
            } else {
                node = HTMLNode.preorderSuccessor(of: current, within: pointer)
            }
        }
        return total
    }

    private func normalize(into normalizer: inout TextNormalizer) {
        if !isElement {
            if let content = pointer.pointee.content, !isComment { normalizer.append(UnsafePointer(content)) }
            return
        }
        walkText { normalizer.append($0) } boundary: { normalizer.boundary() }
    }

    /// Visits the text below this element in order, skipping non-content elements; `boundary` is called on
    /// entering and leaving block elements.
    @inline(__always)
    func walkText(_ visit: (UnsafePointer<UInt8>) -> Void, boundary: () -> Void) {
        let root = pointer
        var node = root.pointee.children
        while let current = node {
            let type = current.pointee.type
            if type == XML_ELEMENT_NODE {
                let name = current.pointee.name
                if let name, HTMLNode.nonContentTags.contains(name: name) {
                    node = Self.advance(from: current, root: root, boundary: boundary)
                    continue
                }
                let isBlock = name.map { HTMLNode.blockTags.contains(name: $0) } ?? false
                if isBlock { boundary() }
                if let child = current.pointee.children {
                    node = child
                    continue
                }
                if isBlock { boundary() }
            } else if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE, let content = current.pointee.content {
                visit(UnsafePointer(content))
            }
            node = Self.advance(from: current, root: root, boundary: boundary)
        }
    }

    /// The next sibling of `node`, or of its nearest ancestor below `root` that has one, calling `boundary` for
    /// each block element left on the way up.
    @inline(__always)
    private static func advance(from node: xmlNodePtr, root: xmlNodePtr, boundary: () -> Void) -> xmlNodePtr? {
        var current = node
        while true {
            if let next = current.pointee.next { return next }
            guard let parent = current.pointee.parent, parent != root else { return nil }
            if let name = parent.pointee.name, HTMLNode.blockTags.contains(name: name) { boundary() }
            current = parent
        }
    }
}

/// Collapses whitespace while counting (and optionally collecting) the characters of normalised text.
struct TextNormalizer {
    let collecting: Bool
    var output: [UInt8] = []
    var count = 0
    private var pendingSpace = false

    init(collecting: Bool) { self.collecting = collecting }

    mutating func boundary() { pendingSpace = true }

    @inline(__always)
    mutating func append(_ text: UnsafePointer<UInt8>) {
        var index = 0
        while true {
            let byte = text[index]
            if byte == 0 { return }
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                pendingSpace = true
                index += 1
                continue
            }
            if byte == 0xC2, text[index + 1] == 0xA0 {
                pendingSpace = true
                index += 2
                continue
            }
            if pendingSpace {
                pendingSpace = false
                if count > 0 {
                    count += 1
                    if collecting { output.append(0x20) }
                }
            }
            if byte & 0xC0 != 0x80 { count += 1 }
            if collecting { output.append(byte) }
            index += 1
        }
    }
}
