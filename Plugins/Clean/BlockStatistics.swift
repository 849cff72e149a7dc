import WinnowHTML

/// Text figures of every element below a root, gathered in one iterative walk: text length, link text, commas,
/// and counts of the elements readability-style rules look at.
///
/// Elements are numbered in document order (the root is 0); the descendants of element `i` are exactly the
/// elements `i + 1 ..< statistics[i].subtreeEnd`, so subtrees and children are walked by index without lookups.
/// Removals are marked through `remove(_:)` (sibling navigation skips them at once); the totals of the ancestors
/// follow after `recomputeTotals()`, which a pass calls once when its walk is done.
struct BlockStatistics {
    /// The figures of one element.
    struct Entry {
        /// The index of the parent (−1 for the root).
        var parent: Int
        /// One past the index of the last descendant.
        var subtreeEnd: Int
        /// The index of the previous element sibling (−1 for none), removed or not.
        var previousSibling: Int
        /// Whether the element was removed (its descendants are gone with it).
        var removed = false
        /// Whether the element is a link or inside one.
        var insideLink: Bool
        /// Characters of the element's own text nodes (not of its child elements).
        var ownText = 0
        /// Characters of all text below the element.
        var text = 0
        /// Characters of text inside links below the element (or of the element, if it is a link).
        var linkText = 0
        /// Commas in the text below the element, counted in text runs of 25 characters or more outside links (a
        /// comma in a short run or a link says little about prose, and skipping them saves reading the text).
        var commas = 0
        /// Commas in the element's own text nodes.
        var ownCommas = 0
        /// `<p>` elements below the element (itself included).
        var paragraphs = 0
        /// `<li>` elements below the element (itself included).
        var listItems = 0
        /// `<img>` elements below the element (itself included).
        var images = 0
        /// `<figure>` elements below the element (itself included).
        var figures = 0
        /// `h1`–`h6` elements below the element (itself included).
        var headings = 0
        /// `<blockquote>` elements below the element (itself included).
        var quotes = 0
        /// The readability-style weight of the element's class and id, once the boilerplate walk analysed them.
        var classWeight: Int?
        /// Whether the element names the article body (`itemprop="articleBody"`, `article-body`…), once analysed.
        var namesArticleBody = false
        /// Which counted tag the element is (0 none, 1 `p`, 2 `li`, 3 `img`, 4 `figure`, 5 `blockquote`, 6 heading).
        var kind: UInt8 = 0

        /// The share of the text that sits inside links (0 without text).
        var linkDensity: Double { text == 0 ? 0 : Double(linkText) / Double(text) }
    }

    /// The elements in document order; index 0 is the root.
    private(set) var elements: [HTMLNode] = []
    private var entries: [Entry] = []
    /// The `<script>` elements met on the way (their content is not walked).
    private(set) var scripts: [HTMLNode] = []

    static let headingTags: HTMLTagSet = ["h1", "h2", "h3", "h4", "h5", "h6"]
    private static let countedTags: HTMLTagSet = [
        "p", "li", "img", "figure", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    ]

    init(root: HTMLNode) {
        elements.reserveCapacity(1024)
        entries.reserveCapacity(1024)
        var lastChild: [Int] = [-1]
        elements.append(root)
        entries.append(Entry(parent: -1, subtreeEnd: 1, previousSibling: -1, insideLink: false))
        var open = [0]
        root.walk(enter: { node in
            let parent = open[open.count - 1]
            if node.isElement {
                let position = elements.count
                var entry = Entry(parent: parent, subtreeEnd: position + 1, previousSibling: lastChild[parent],
                                  insideLink: entries[parent].insideLink || node.hasTag("a"))
                if Self.countedTags.contains(node) {
                    if node.hasTag("p") { entry.kind = 1 }
                    else if node.hasTag("li") { entry.kind = 2 }
                    else if node.hasTag("img") { entry.kind = 3 }
                    else if node.hasTag("figure") { entry.kind = 4 }
                    else if node.hasTag("blockquote") { entry.kind = 5 }
                    else { entry.kind = 6 }
                }
                lastChild[parent] = position
                lastChild.append(-1)
                elements.append(node)
                entries.append(entry)
                if HTMLNode.nonContentTags.contains(node) {
                    if node.hasTag("script") { scripts.append(node) }
                    return .skipChildren
                }
                open.append(position)
                return .descend
            }
            if node.isText {
                let length = node.textLength
                if length > 0 {
                    entries[parent].ownText += length
                    if !entries[parent].insideLink, length > 24, let content = node.content {
                        var count = 0
                        for byte in content.utf8 where byte == UInt8(ascii: ",") { count += 1 }
                        entries[parent].ownCommas += count
                    }
                }
            }
            return .skipChildren
        }, leave: { _ in
            entries[open.removeLast()].subtreeEnd = elements.count
        })
        entries[0].subtreeEnd = elements.count
        recomputeTotals()
    }

    /// Sums the figures of every element from its own text and the elements below it still in the tree, in one
    /// pass from the last element to the first.
    mutating func recomputeTotals() {
        for position in entries.indices {
            entries[position].text = 0
            entries[position].linkText = 0
            entries[position].commas = 0
            entries[position].paragraphs = 0
            entries[position].listItems = 0
            entries[position].images = 0
            entries[position].figures = 0
            entries[position].headings = 0
            entries[position].quotes = 0
        }
        for position in stride(from: entries.count - 1, through: 0, by: -1) {
            var entry = entries[position]
            entry.text += entry.ownText
            if entry.insideLink { entry.linkText += entry.ownText }
            entry.commas += entry.ownCommas
            switch entry.kind {
            case 1: entry.paragraphs += 1
            case 2: entry.listItems += 1
            case 3: entry.images += 1
            case 4: entry.figures += 1
            case 5: entry.quotes += 1
            case 6: entry.headings += 1
            default: break
            }
            entries[position] = entry
            guard entry.parent >= 0, !entry.removed else { continue }
            entries[entry.parent].text += entry.text
            entries[entry.parent].linkText += entry.linkText
            entries[entry.parent].commas += entry.commas
            entries[entry.parent].paragraphs += entry.paragraphs
            entries[entry.parent].listItems += entry.listItems
            entries[entry.parent].images += entry.images
            entries[entry.parent].figures += entry.figures
            entries[entry.parent].headings += entry.headings
            entries[entry.parent].quotes += entry.quotes
        }
    }

    /// The figures of the element at `position`.
    subscript(position: Int) -> Entry { entries[position] }

    /// The number of elements numbered (removed ones included).
    var count: Int { elements.count }

    /// Marks the element as removed from the tree (its descendants are gone with it); the ancestors' totals
    /// keep counting it until `recomputeTotals()`.
    mutating func remove(_ position: Int) {
        entries[position].removed = true
    }

    /// Records what the element's class, id and itemprop say, so later passes need not read them again.
    mutating func setClassAnalysis(_ position: Int, weight: Int, namesArticleBody: Bool) {
        entries[position].classWeight = weight
        entries[position].namesArticleBody = namesArticleBody
    }

    /// The indices of the element's child elements still in the tree, in order.
    func children(of position: Int) -> [Int] {
        var result: [Int] = []
        var child = position + 1
        let end = entries[position].subtreeEnd
        while child < end {
            if !entries[child].removed { result.append(child) }
            child = entries[child].subtreeEnd
        }
        return result
    }

    /// The index of the element's next element sibling still in the tree, or −1.
    func nextSibling(of position: Int) -> Int {
        let parent = entries[position].parent
        guard parent >= 0 else { return -1 }
        var next = entries[position].subtreeEnd
        while next < entries[parent].subtreeEnd {
            if !entries[next].removed { return next }
            next = entries[next].subtreeEnd
        }
        return -1
    }

    /// The index of the element's previous element sibling still in the tree, or −1.
    func previousSibling(of position: Int) -> Int {
        var previous = entries[position].previousSibling
        while previous >= 0, entries[previous].removed { previous = entries[previous].previousSibling }
        return previous
    }
}
