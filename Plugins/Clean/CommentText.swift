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
        root.walk(enter: { node in
            if node.isElement {
                guard !HTMLNode.nonContentTags.contains(node) else { return .skipChildren }
                if HTMLNode.blockTags.contains(node) { endLine() }
                return .descend
            }
            if node.isText, let content = node.content { line += content }
            return .skipChildren
        }, leave: { element in
            if HTMLNode.blockTags.contains(element) { endLine() }
        })
        endLine()
        return lines.joined(separator: "\n")
    }
}
