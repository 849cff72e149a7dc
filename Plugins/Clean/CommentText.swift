import WinnowHTML

/// The text of a comment section with one line per block (a comment's author, its paragraphs), for
/// `comments: separate`.
enum CommentText {
    /// The section's text: whitespace collapsed inside lines, one line per block element, no empty lines.
    static func text(of root: HTMLNode) -> String {
        var lines: [String] = []
        var line = ""
        func endLine() {
            let collapsed = line.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            if !collapsed.isEmpty { lines.append(collapsed) }
            line = ""
        }
        var node = root.firstChild
        while let current = node {
            var descend = false
            if current.isElement {
                if !HTMLNode.nonContentTags.contains(current) {
                    if HTMLNode.blockTags.contains(current) { endLine() }
                    descend = true
                }
            } else if current.isText, let content = current.content {
                line += content
            }
            if descend, let child = current.firstChild {
                node = child
                continue
            }
            var climbing = current
            node = nil
            while true {
                if let next = climbing.nextSibling {
                    node = next
                    break
                }
                guard let parent = climbing.parent, parent != root else { break }
                if HTMLNode.blockTags.contains(parent) { endLine() }
                climbing = parent
            }
        }
        endLine()
        return lines.joined(separator: "\n")
    }
}
