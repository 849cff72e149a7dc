internal import CLibXML2

/// A node of an `HTMLDocument`: an element, a text run or a comment.
///
/// A node is a small handle: the tree node's pointer plus a reference that keeps its document alive, so a node
/// never outlives its tree. A removed node stays readable (detached) until the document is released. Nodes
/// compare equal when they are the same tree node. Like its document, a node is not `Sendable`.
/// All traversals are iterative, so arbitrarily deep documents cannot overflow the stack.
public struct HTMLNode: Hashable {
    let pointer: xmlNodePtr
    /// The document that owns the tree.
    public let document: HTMLDocument

    init(_ pointer: xmlNodePtr, _ document: HTMLDocument) {
        self.pointer = pointer
        self.document = document
    }

    public static func == (lhs: HTMLNode, rhs: HTMLNode) -> Bool { lhs.pointer == rhs.pointer }

    public func hash(into hasher: inout Hasher) { hasher.combine(pointer) }

    // MARK: Kind and name

    /// Whether the node is an element.
    public var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }

    /// Whether the node is a run of text (CDATA included, as in `<script>` and `<style>` bodies).
    public var isText: Bool { pointer.pointee.type == XML_TEXT_NODE || pointer.pointee.type == XML_CDATA_SECTION_NODE }

    /// Whether the node is a comment.
    public var isComment: Bool { pointer.pointee.type == XML_COMMENT_NODE }

    /// The element's tag name in lower case (`div`); empty for other nodes.
    public var tagName: String {
        guard isElement, let name = pointer.pointee.name else { return "" }
        return String(cString: name)
    }

    /// Whether the node is an element named `name` (lower case), compared without allocating.
    public func hasTag(_ name: String) -> Bool {
        guard isElement, let tag = pointer.pointee.name else { return false }
        var index = 0
        for byte in name.utf8 {
            if tag[index] != byte { return false }
            index += 1
        }
        return tag[index] == 0
    }

    /// Whether the node is an element whose name is in `tags`.
    public func hasTag(in tags: HTMLTagSet) -> Bool { tags.contains(self) }

    /// The text of a text, CDATA or comment node; `nil` for elements.
    public var content: String? {
        guard !isElement, let content = pointer.pointee.content else { return nil }
        return String(cString: content)
    }

    // MARK: Attributes

    /// The value of the attribute `name` (lower case), or `nil` when absent; `""` for a boolean attribute.
    public func attribute(_ name: String) -> String? {
        guard let attribute = findAttribute(name) else { return nil }
        return Self.value(of: attribute, document: pointer.pointee.doc)
    }

    /// Whether the element has the attribute `name`.
    public func hasAttribute(_ name: String) -> Bool { findAttribute(name) != nil }

    /// The element's attributes in source order.
    public var attributes: [(name: String, value: String)] {
        guard isElement else { return [] }
        var result: [(name: String, value: String)] = []
        var attribute = pointer.pointee.properties
        while let current = attribute {
            if let name = current.pointee.name {
                result.append((String(cString: name), Self.value(of: current, document: pointer.pointee.doc)))
            }
            attribute = current.pointee.next
        }
        return result
    }

    /// The `id` attribute.
    public var id: String? { attribute("id") }

    /// The class names of the `class` attribute.
    public var classNames: [String] {
        guard let value = attribute("class") else { return [] }
        return value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" })
            .map(String.init)
    }

    /// The `class` and `id` attributes joined by a space and lower-cased (ASCII), for pattern matching;
    /// empty when the element has neither.
    public var classAndID: String {
        var bytes: [UInt8] = []
        for name in ["class", "id"] {
            guard let attribute = findAttribute(name), let value = Self.simpleValue(of: attribute) else { continue }
            if !bytes.isEmpty { bytes.append(0x20) }
            var index = 0
            while value[index] != 0 {
                let byte = value[index]
                bytes.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func findAttribute(_ name: String) -> xmlAttrPtr? { Self.findAttribute(name, of: pointer) }

    static func findAttribute(_ name: String, of pointer: xmlNodePtr) -> xmlAttrPtr? {
        guard pointer.pointee.type == XML_ELEMENT_NODE else { return nil }
        var attribute = pointer.pointee.properties
        while let current = attribute {
            if let attributeName = current.pointee.name, Self.equals(attributeName, name) { return current }
            attribute = current.pointee.next
        }
        return nil
    }

    /// The raw value of an attribute whose value is one text node (the usual case), without copying.
    static func simpleValue(of attribute: xmlAttrPtr) -> UnsafePointer<UInt8>? {
        guard let child = attribute.pointee.children else { return emptyCString }
        guard child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE, let content = child.pointee.content else {
            return nil
        }
        return UnsafePointer(content)
    }

    static func value(of attribute: xmlAttrPtr, document: xmlDocPtr?) -> String {
        if let simple = simpleValue(of: attribute) { return String(cString: simple) }
        guard let joined = xmlNodeListGetString(document, attribute.pointee.children, 1) else { return "" }
        defer { winnow_xml_free(joined) }
        return String(cString: joined)
    }

    static func equals(_ cString: UnsafePointer<UInt8>, _ string: String) -> Bool {
        var index = 0
        for byte in string.utf8 {
            if cString[index] != byte { return false }
            index += 1
        }
        return cString[index] == 0
    }

    /// A NUL-terminated empty string (the value of boolean attributes).
    static var emptyCString: UnsafePointer<UInt8> { ("" as StaticString).utf8Start }

    // MARK: Navigation

    /// The parent node; `nil` for the root element and for removed nodes.
    public var parent: HTMLNode? {
        guard let parent = pointer.pointee.parent, Self.isTreeNode(parent) else { return nil }
        return HTMLNode(parent, document)
    }

    /// The first child node.
    public var firstChild: HTMLNode? { pointer.pointee.children.map { HTMLNode($0, document) } }

    /// The last child node.
    public var lastChild: HTMLNode? { pointer.pointee.last.map { HTMLNode($0, document) } }

    /// The next sibling node.
    public var nextSibling: HTMLNode? { pointer.pointee.next.map { HTMLNode($0, document) } }

    /// The previous sibling node.
    public var previousSibling: HTMLNode? { pointer.pointee.prev.map { HTMLNode($0, document) } }

    /// The next sibling that is an element.
    public var nextElementSibling: HTMLNode? {
        var node = pointer.pointee.next
        while let current = node, current.pointee.type != XML_ELEMENT_NODE { node = current.pointee.next }
        return node.map { HTMLNode($0, document) }
    }

    /// The previous sibling that is an element.
    public var previousElementSibling: HTMLNode? {
        var node = pointer.pointee.prev
        while let current = node, current.pointee.type != XML_ELEMENT_NODE { node = current.pointee.prev }
        return node.map { HTMLNode($0, document) }
    }

    /// The child nodes, in order. Removing the child just returned while iterating is safe.
    public var children: Children { Children(first: pointer.pointee.children, elementsOnly: false, document: document) }

    /// The child elements, in order. Removing the child just returned while iterating is safe.
    public var elementChildren: Children { Children(first: pointer.pointee.children, elementsOnly: true, document: document) }

    /// The nodes below this one in document (pre-order) order, this node excluded.
    ///
    /// Removing or unwrapping the node just returned is safe: iteration continues after its old position
    /// (for `unwrap`, with its former children). Other edits during iteration are memory-safe but may skip
    /// or revisit nodes; collect first, then edit.
    public var descendants: Descendants { Descendants(root: pointer, document: document) }

    /// The element nodes below this one in document order, this node excluded.
    public var descendantElements: LazyFilterSequence<Descendants> { descendants.lazy.filter(\.isElement) }

    /// The ancestors from the parent up to the root element.
    public var ancestors: Ancestors { Ancestors(start: pointer.pointee.parent, document: document) }

    /// Whether an ancestor is an element named `tag`.
    public func hasAncestor(tag: String) -> Bool { ancestors.contains { $0.hasTag(tag) } }

    /// The number of ancestors (0 for the root element).
    public var depth: Int {
        var depth = 0
        var node = pointer.pointee.parent
        while let current = node, Self.isTreeNode(current) {
            depth += 1
            node = current.pointee.parent
        }
        return depth
    }

    /// Whether the node is still in its document's tree (not removed).
    public var isAttached: Bool {
        var node = pointer
        while let parent = node.pointee.parent {
            if parent.pointee.type == XML_HTML_DOCUMENT_NODE || parent.pointee.type == XML_DOCUMENT_NODE { return true }
            node = parent
        }
        return false
    }

    /// Whether `pointer` is a node of the tree proper (not the document node, not the removed-nodes holder).
    static func isTreeNode(_ pointer: xmlNodePtr) -> Bool {
        let type = pointer.pointee.type
        if type == XML_HTML_DOCUMENT_NODE || type == XML_DOCUMENT_NODE { return false }
        if let document = pointer.pointee.doc, document.pointee._private == UnsafeMutableRawPointer(pointer) { return false }
        return true
    }

    /// The node after `node` in pre-order, staying inside the subtree of `root` (the whole document when nil).
    @inline(__always)
    static func preorderSuccessor(of node: xmlNodePtr, within root: xmlNodePtr?) -> xmlNodePtr? {
        if let child = node.pointee.children, node.pointee.type == XML_ELEMENT_NODE { return child }
        return successorSkippingChildren(of: node, within: root)
    }

    /// The node after the subtree of `node` in pre-order, staying inside the subtree of `root`.
    @inline(__always)
    static func successorSkippingChildren(of node: xmlNodePtr, within root: xmlNodePtr?) -> xmlNodePtr? {
        var current = node
        while current != root {
            if let next = current.pointee.next { return next }
            guard let parent = current.pointee.parent, parent.pointee.type != XML_HTML_DOCUMENT_NODE,
                parent.pointee.type != XML_DOCUMENT_NODE
            else { return nil }
            current = parent
        }
        return nil
    }

    /// The child nodes of a node.
    public struct Children: Sequence {
        let first: xmlNodePtr?
        let elementsOnly: Bool
        let document: HTMLDocument

        public func makeIterator() -> Iterator { Iterator(next: first, elementsOnly: elementsOnly, document: document) }

        /// Walks a sibling list, reading each next sibling before returning the current node.
        public struct Iterator: IteratorProtocol {
            var nextPointer: xmlNodePtr?
            let elementsOnly: Bool
            let document: HTMLDocument

            init(next: xmlNodePtr?, elementsOnly: Bool, document: HTMLDocument) {
                self.nextPointer = next
                self.elementsOnly = elementsOnly
                self.document = document
            }

            public mutating func next() -> HTMLNode? {
                while let current = nextPointer {
                    nextPointer = current.pointee.next
                    if !elementsOnly || current.pointee.type == XML_ELEMENT_NODE { return HTMLNode(current, document) }
                }
                return nil
            }
        }
    }

    /// The descendants of a node in pre-order.
    public struct Descendants: Sequence {
        let root: xmlNodePtr
        let document: HTMLDocument

        public func makeIterator() -> Iterator { Iterator(root: root, document: document) }

        /// A pre-order walk over `children`, `next` and `parent` pointers.
        public struct Iterator: IteratorProtocol {
            let root: xmlNodePtr
            let document: HTMLDocument
            var current: xmlNodePtr?
            var currentParent: xmlNodePtr?
            var currentPrevious: xmlNodePtr?
            var currentNext: xmlNodePtr?
            var started = false

            init(root: xmlNodePtr, document: HTMLDocument) {
                self.root = root
                self.document = document
            }

            /// Where to continue after the node just returned was removed or unwrapped: whatever now follows
            /// its former previous sibling (its former children, after an unwrap).
            static func successorOfDetached(
                previous: xmlNodePtr?, next: xmlNodePtr?, parent: xmlNodePtr?, root: xmlNodePtr
            ) -> xmlNodePtr? {
                guard let parent else { return nil }
                if let previous, previous.pointee.parent == parent {
                    if let following = previous.pointee.next { return following }
                } else if previous == nil, let first = parent.pointee.children {
                    return first
                } else if let next, next.pointee.parent == parent {
                    return next
                }
                return HTMLNode.successorSkippingChildren(of: parent, within: root)
            }

            public mutating func next() -> HTMLNode? {
                let successor: xmlNodePtr?
                if !started {
                    started = true
                    successor = root.pointee.type == XML_ELEMENT_NODE ? root.pointee.children : nil
                } else if let current {
                    if current.pointee.parent == currentParent {
                        successor = HTMLNode.preorderSuccessor(of: current, within: root)
                    } else {
                        successor = Self.successorOfDetached(previous: currentPrevious, next: currentNext,
                                                             parent: currentParent, root: root)
                    }
                } else {
                    successor = nil
                }
                current = successor
                guard let successor else { return nil }
                currentParent = successor.pointee.parent
                currentPrevious = successor.pointee.prev
                currentNext = successor.pointee.next
                return HTMLNode(successor, document)
            }
        }
    }

    /// The ancestors of a node, nearest first.
    public struct Ancestors: Sequence {
        let start: xmlNodePtr?
        let document: HTMLDocument

        public func makeIterator() -> Iterator { Iterator(next: start, document: document) }

        /// Walks `parent` pointers up to the root element.
        public struct Iterator: IteratorProtocol {
            var nextPointer: xmlNodePtr?
            let document: HTMLDocument

            init(next: xmlNodePtr?, document: HTMLDocument) {
                nextPointer = next
                self.document = document
            }

            public mutating func next() -> HTMLNode? {
                guard let current = nextPointer, HTMLNode.isTreeNode(current) else { return nil }
                nextPointer = current.pointee.parent
                return HTMLNode(current, document)
            }
        }
    }
}

@available(*, unavailable)
extension HTMLNode: Sendable {}
