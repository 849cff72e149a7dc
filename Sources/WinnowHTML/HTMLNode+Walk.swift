internal import CLibXML2

/// What a tree walk does after entering a node.
public enum WalkDecision: Sendable {
    /// Walk the node's children, then leave the node.
    case descend
    /// Go on with the node's next sibling; the node is not left.
    case skipChildren
    /// End the walk at once: no further node is entered or left.
    case stop
}

extension HTMLNode {
    /// Walks the nodes below this one in document order without recursion, with a hook on the way in and one on
    /// the way out.
    ///
    /// `enter` is called for each node (this one excluded) and says whether to walk its children. `leave` is called
    /// for each node that `enter` answered `.descend` for, after its last descendant was entered and left (right
    /// after `enter` when it has no children), so enters and leaves nest like tags. Arbitrarily deep trees walk in
    /// constant stack space and without allocating. The tree must not be edited during the walk.
    public func walk(enter: (HTMLNode) -> WalkDecision, leave: (HTMLNode) -> Void) {
        let root = pointer
        var node = root.pointee.children
        while let current = node {
            let handle = HTMLNode(current, document)
            switch enter(handle) {
            case .stop:
                return
            case .descend:
                if let child = current.pointee.children {
                    node = child
                    continue
                }
                leave(handle)
            case .skipChildren:
                break
            }
            var climbing = current
            node = nil
            while true {
                if let next = climbing.pointee.next {
                    node = next
                    break
                }
                guard let parent = climbing.pointee.parent, parent != root, Self.isTreeNode(parent) else { break }
                leave(HTMLNode(parent, document))
                climbing = parent
            }
        }
    }
}
