import WinnowHTML

/// A publication date and bylines found through class and id names (`post-date`, `date-published`,
/// `byline`, `author-name`), for pages whose markup declares neither.
///
/// The search walks the body once, visiting at most `elementLimit` elements, and only looks for what the
/// caller still lacks; pages with structured metadata never pay for it.
struct ClassNameHints {
    var published: String?
    var authors: [String] = []

    /// How many body elements the search visits at most.
    static let elementLimit = 1500
    /// How many matching elements of each kind are examined at most.
    static let candidateLimit = 30
    /// Longest text (in bytes) read as a date or a byline.
    static let maximumTextBytes = 100

    private static let dateWords = ["date", "publish", "posted", "time"].map { Array($0.utf8) }
    private static let nonDateWords = ["updat", "modif", "comment", "picker", "timeline", "reading"].map { Array($0.utf8) }
    private static let authorWords = ["byline", "author"].map { Array($0.utf8) }
    private static let nonAuthorWords = ["comment", "avatar", "bio", "description", "image", "photo", "more", "follow"]
        .map { Array($0.utf8) }

    init(document: HTMLDocument, wantsDate: Bool, wantsAuthors: Bool) {
        guard wantsDate || wantsAuthors, let root = document.body ?? document.root else { return }
        var needsDate = wantsDate
        var needsAuthors = wantsAuthors
        var dateCandidates = 0
        var authorCandidates = 0
        var visited = 0
        var next = root.firstChild
        while let node = next, needsDate || needsAuthors, visited < Self.elementLimit {
            guard node.isElement, !HTMLNode.nonContentTags.contains(node) else {
                next = PageSignals.successor(skippingChildrenOf: node, within: root)
                continue
            }
            visited += 1
            if node.hasAttribute("class") || node.hasAttribute("id") {
                let names = Array(node.classAndID.utf8)
                if needsDate, dateCandidates < Self.candidateLimit,
                    MetadataText.containsAny(Self.dateWords, inLowercased: names),
                    !MetadataText.containsAny(Self.nonDateWords, inLowercased: names)
                {
                    dateCandidates += 1
                    if let text = Self.text(of: node), let date = DateNormalizer.normalize(text) {
                        published = date
                        needsDate = false
                    }
                }
                if needsAuthors, authorCandidates < Self.candidateLimit,
                    MetadataText.containsAny(Self.authorWords, inLowercased: names),
                    !MetadataText.containsAny(Self.nonAuthorWords, inLowercased: names)
                {
                    authorCandidates += 1
                    if let text = Self.text(of: node) {
                        AuthorNames.merge(AuthorNames.names(in: text), into: &authors)
                        needsAuthors = authors.isEmpty
                        // Bylines often carry the date: "By Jane Doe | March 3, 2019".
                        if needsDate, let date = DateNormalizer.normalize(text) {
                            published = date
                            needsDate = false
                        }
                    }
                }
            }
            next = node.firstChild ?? PageSignals.successor(skippingChildrenOf: node, within: root)
        }
    }

    /// The element's normalised text, when short enough to be a date or a byline.
    private static func text(of node: HTMLNode) -> String? {
        guard let text = PageSignals.shortText(of: node, limit: maximumTextBytes), text.utf8.count <= maximumTextBytes
        else { return nil }
        return text
    }
}
