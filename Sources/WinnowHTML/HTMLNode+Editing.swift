internal import CLibXML2

extension HTMLNode {
    /// Removes the node (and its subtree) from the tree.
    ///
    /// The node is detached, not freed: handles to it and to its descendants stay valid (and detached) until
    /// the document is released, so removing nested nodes in any order is safe. Removing the node that a
    /// `descendants` or `children` iteration just returned is safe; iteration continues after it.
    public func remove() {
        guard Self.isTreeNode(pointer), let holder = Self.removedHolder(of: pointer),
            pointer.pointee.parent != holder
        else { return }
        xmlUnlinkNode(pointer)
        Self.append(pointer, to: holder)
    }

    /// Replaces the element by its children, which take its place in its parent.
    ///
    /// Adjacent text nodes are not merged, so handles to the children stay valid. Unwrapping the node that a
    /// `descendants` iteration just returned is safe; iteration continues with its former children.
    public func unwrap() {
        guard isElement, let parent = pointer.pointee.parent, Self.isTreeNode(pointer),
            let holder = Self.removedHolder(of: pointer), parent != holder
        else { return }
        if let first = pointer.pointee.children, let last = pointer.pointee.last {
            var child: xmlNodePtr? = first
            while let current = child {
                current.pointee.parent = parent
                child = current.pointee.next
            }
            first.pointee.prev = pointer.pointee.prev
            if let previous = pointer.pointee.prev { previous.pointee.next = first } else { parent.pointee.children = first }
            last.pointee.next = pointer.pointee.next
            if let next = pointer.pointee.next { next.pointee.prev = last } else { parent.pointee.last = last }
            pointer.pointee.children = nil
            pointer.pointee.last = nil
            pointer.pointee.prev = nil
            pointer.pointee.next = nil
            pointer.pointee.parent = nil
        } else {
            xmlUnlinkNode(pointer)
        }
        Self.append(pointer, to: holder)
    }

    /// Sets (or replaces) an attribute of the element; the value is stored as given, not entity-decoded.
    public func setAttribute(_ name: String, _ value: String) {
        guard isElement else { return }
        name.withXMLString { name in
            value.withXMLString { value in _ = xmlSetProp(pointer, name, value) }
        }
    }

    /// Removes an attribute of the element, if present.
    public func removeAttribute(_ name: String) {
        guard isElement else { return }
        name.withXMLString { _ = xmlUnsetProp(pointer, $0) }
    }

    /// Replaces the node's text: the content of a text or comment node, or all children of an element by one
    /// text node (the old children are removed as by `remove()`).
    public func setText(_ text: String) {
        if isElement {
            for child in children { child.remove() }
            guard let textNode = text.withXMLString({ xmlNewDocText(pointer.pointee.doc, $0) }) else { return }
            xmlAddChild(pointer, textNode)
        } else {
            text.withXMLString { xmlNodeSetContent(pointer, $0) }
        }
    }

    /// The holder of removed nodes of the node's document.
    static func removedHolder(of node: xmlNodePtr) -> xmlNodePtr? {
        node.pointee.doc?.pointee._private?.assumingMemoryBound(to: xmlNode.self)
    }

    /// Appends an unlinked node to the end of `parent`'s children without merging text nodes.
    static func append(_ node: xmlNodePtr, to parent: xmlNodePtr) {
        node.pointee.parent = parent
        node.pointee.next = nil
        node.pointee.prev = parent.pointee.last
        if let last = parent.pointee.last { last.pointee.next = node } else { parent.pointee.children = node }
        parent.pointee.last = node
    }
}

extension String {
    /// Calls `body` with the string as a NUL-terminated `xmlChar` pointer.
    func withXMLString<Result>(_ body: (UnsafePointer<UInt8>) -> Result) -> Result {
        withCString { $0.withMemoryRebound(to: UInt8.self, capacity: utf8.count + 1, body) }
    }
}
