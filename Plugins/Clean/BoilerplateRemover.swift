import WinnowCore
import WinnowHTML

/// What the clean pass found besides the cleaned tree: comment text to keep apart, and byline facts.
struct CleanFindings {
    /// The text of each removed comment section (when comments are `separate`).
    var comments: [String] = []
    /// Author names read from removed bylines.
    var authors: [String] = []
    /// The `datetime` of the first `<time>` in a removed byline or dateline.
    var published: String?
    /// How many bylines were read for names and dates (only the first few are).
    var bylinesRead = 0
}

/// Removes what is never content (scripts, forms, hidden elements) and the boilerplate categories the
/// configuration drops, in one walk over the body.
struct BoilerplateRemover {
    let configuration: CleanConfiguration
    let protection: Protection

    /// Elements that rules must not remove: matches of `keep` selectors (with their subtrees) and JSON-LD
    /// scripts, plus every ancestor of those; decided for every numbered element in one pass.
    struct Protection {
        var roots: Set<HTMLNode> = []
        /// Whether each element `statistics` numbers is protected (empty when nothing is).
        private var protected: [Bool] = []

        init(roots: [HTMLNode], statistics: BlockStatistics) {
            self.roots = Set(roots)
            guard !self.roots.isEmpty else { return }
            protected = Array(repeating: false, count: statistics.count)
            func protectAncestors(from start: Int) {
                var ancestor = start
                while ancestor >= 0, !protected[ancestor] {
                    protected[ancestor] = true
                    ancestor = statistics[ancestor].parent
                }
            }
            var insideRoot = Array(repeating: false, count: statistics.count)
            var found = 0
            for position in 0..<statistics.count where self.roots.contains(statistics.elements[position]) {
                insideRoot[position] = true
                found += 1
            }
            if found < self.roots.count {
                // A root below an element whose content is not numbered (an `svg`, a `noscript`).
                var index: [HTMLNode: Int] = [:]
                for position in 0..<statistics.count { index[statistics.elements[position]] = position }
                for root in self.roots where index[root] == nil {
                    if let position = root.ancestors.lazy.compactMap({ index[$0] }).first { protectAncestors(from: position) }
                }
            }
            for position in 0..<statistics.count {
                let parent = statistics[position].parent
                if parent >= 0, insideRoot[parent] { insideRoot[position] = true }
                if insideRoot[position], !protected[position] { protectAncestors(from: position) }
            }
        }

        /// Whether removing the element at `position` would remove a protected element.
        func protects(_ position: Int) -> Bool {
            !protected.isEmpty && protected[position]
        }
    }

    static let alwaysRemoved: HTMLTagSet = [
        "script", "style", "noscript", "template", "iframe", "embed", "object", "applet", "svg", "canvas", "button",
        "input", "select", "textarea", "option", "optgroup", "datalist", "link", "meta", "param", "map", "area",
        "frame", "frameset",
    ]
    static let mediaTags: HTMLTagSet = ["video", "audio"]
    static let articleTags: HTMLTagSet = ["article", "main"]

    /// Runs the walk over the elements `statistics` numbers, removing from the tree (and from the figures)
    /// what is never content and the categories the configuration drops.
    ///
    /// Size guards keep the page's bulk: an element holding 40% or more of the body's text (and at least 600
    /// characters) is not removed by a hidden marker or a class/id word (a long comment thread excepted, unless it
    /// wraps the article); a form only goes when it holds less than 30% of the text.
    func run(statistics: inout BlockStatistics) -> CleanFindings {
        var findings = CleanFindings()
        let bodyLength = statistics[0].text
        var position = 1
        while position < statistics.count {
            let node = statistics.elements[position]
            var analysis: (weight: Int, namesArticleBody: Bool)?
            let verdict = visit(node, position: position, length: statistics[position].text, bodyLength: bodyLength, findings: &findings,
                                analysis: &analysis)
            if let analysis {
                statistics.setClassAnalysis(position, weight: analysis.weight, namesArticleBody: analysis.namesArticleBody)
            }
            switch verdict {
            case .remove:
                node.remove()
                statistics.remove(position)
                position = statistics[position].subtreeEnd
            case .skipChildren:
                position = statistics[position].subtreeEnd
            case .descend:
                position += 1
            }
        }
        // Each decision read only the figures of the element it visited, which removals before it in document
        // order do not change; the ancestors' totals are summed once now.
        statistics.recomputeTotals()
        return findings
    }

    /// What the walk does with an element.
    enum Verdict {
        case remove, skipChildren, descend
    }

    /// Decides about one element of the walk; `length` is its text length. `analysis` receives the class/id
    /// weight of elements whose class and id were read.
    private func visit(
        _ node: HTMLNode, position: Int, length: Int, bodyLength: Int, findings: inout CleanFindings,
        analysis: inout (weight: Int, namesArticleBody: Bool)?
    ) -> Verdict {
        let isLarge = length >= 600 && length * 5 >= bodyLength * 2
        if Self.alwaysRemoved.contains(node) {
            if node.hasTag("script"), isJSONLD(node) { return .skipChildren }
            // Body microdata (`datePublished`, `author`, `image`) carries no text and feeds the metadata.
            if node.hasTag("meta") || node.hasTag("link"), node.hasAttribute("itemprop") { return .skipChildren }
            return protection.protects(position) ? .descend : .remove
        }
        if node.hasTag("form") {
            guard !protection.protects(position) else { return .descend }
            return length < 200 || length * 10 < bodyLength * 3 ? .remove : .descend
        }
        if isHidden(node) {
            return !protection.protects(position) && !isLarge ? .remove : .descend
        }
        let tokens = BoilerplatePatterns.analyse(node.classAndID)
        if tokens.marksHidden {
            return !protection.protects(position) && length < 200 ? .remove : .descend
        }
        let itemprop = node.attribute("itemprop")
        analysis = (tokens.weight, tokens.namesArticleBody || itemprop == "articleBody")
        guard let category = category(of: node, tokens: tokens, itemprop: itemprop), configuration.removes(category),
            !protection.protects(position)
        else { return .descend }
        // A wrapper named for its comments (`comments-open`) that holds the article is the article.
        if category == .comments, length * 5 >= bodyLength * 4 || wrapsArticle(node) { return .descend }
        if category == .bylines {
            guard length < 300 else { return .descend }
            if configuration.mode(.bylines) == .metadata { BylineReader.read(node, into: &findings) }
        } else if !Self.mediaTags.contains(node), isLarge {
            // A large element is kept, except a comment section named so by a specific word that does not wrap the
            // article: a long comment thread still goes, a page wrapper called `has-comments` stays.
            guard category == .comments, tokens.strong == category else { return .descend }
        }
        if category == .comments, configuration.mode(.comments) == .separate {
            let text = CommentText.text(of: node)
            if !text.isEmpty { findings.comments.append(text) }
        }
        return .remove
    }

    /// The category an element belongs to, by tag, ARIA role, itemprop/itemtype and class/id tokens.
    func category(of node: HTMLNode, tokens: BoilerplatePatterns.Analysis, itemprop: String?) -> BoilerplateCategory? {
        if Self.mediaTags.contains(node) { return .video }
        if node.hasTag("dialog") { return .consent }
        if let role = node.attribute("role")?.lowercased() {
            switch role {
            case "navigation", "menu", "menubar", "contentinfo", "complementary", "search": return .navigation
            case "banner": return insideArticle(node) ? nil : .navigation
            case "dialog", "alertdialog": return .consent
            default: break
            }
        }
        if let itemprop = itemprop?.lowercased() {
            if itemprop == "author" || itemprop == "creator" { return .bylines }
            if itemprop == "comment" || itemprop == "comments" { return .comments }
            if itemprop == "breadcrumb" { return .breadcrumbs }
        }
        if let itemtype = node.attribute("itemtype") {
            if itemtype.hasSuffix("BreadcrumbList") { return .breadcrumbs }
            if itemtype.hasSuffix("/Comment") || itemtype.hasSuffix("UserComments") { return .comments }
        }
        if node.hasTag("nav") || node.hasTag("menu") { return .navigation }
        if node.hasTag("aside") || node.hasTag("footer") {
            return tokens.category ?? .navigation
        }
        if node.hasTag("header") {
            if let category = tokens.category, category != .navigation { return category }
            return insideArticle(node) || containsHeadline(node) ? nil : .navigation
        }
        if node.hasTag("body") || node.hasTag("html") || node.hasTag("main") || node.hasTag("article") { return nil }
        if let category = tokens.category { return category }
        if tokens.namesHeader, !insideArticle(node), !containsHeadline(node) { return .navigation }
        return nil
    }

    /// Whether an `<article>`, `<main>` or `itemprop="articleBody"` element is among the nearest 64 ancestors
    /// (bounded, so that pathological nesting stays linear).
    private func insideArticle(_ node: HTMLNode) -> Bool {
        for ancestor in node.ancestors.prefix(64)
        where Self.articleTags.contains(ancestor) || ancestor.attribute("itemprop") == "articleBody" {
            return true
        }
        return false
    }

    /// Whether an `<h1>`, `<article>`, `<main>` or `itemprop="articleBody"` element is among the first 500 elements
    /// below `node`.
    private func wrapsArticle(_ node: HTMLNode) -> Bool {
        node.descendantElements.prefix(500).contains {
            $0.hasTag("h1") || Self.articleTags.contains($0) || $0.attribute("itemprop") == "articleBody"
        }
    }

    /// Whether an `<h1>` is among the first 500 elements below `node` (bounded like `insideArticle`).
    private func containsHeadline(_ node: HTMLNode) -> Bool {
        node.descendantElements.prefix(500).contains { $0.hasTag("h1") }
    }

    private func isJSONLD(_ node: HTMLNode) -> Bool {
        node.attribute("type").map { TextSearch.contains($0.lowercased(), "ld+json") } ?? false
    }

    private func isHidden(_ node: HTMLNode) -> Bool {
        if node.hasAttribute("hidden") { return true }
        if let ariaHidden = node.attribute("aria-hidden"), ariaHidden.lowercased() == "true" { return true }
        guard let style = node.attribute("style") else { return false }
        return Self.styleHides(style)
    }

    /// Whether an inline style sets `display: none` or `visibility: hidden` (spacing and case ignored).
    static func styleHides(_ style: String) -> Bool {
        var compact: [UInt8] = []
        compact.reserveCapacity(style.utf8.count)
        for byte in style.utf8 where byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
            compact.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        return contains(compact, "display:none") || contains(compact, "visibility:hidden")
    }

    private static func contains(_ bytes: [UInt8], _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: count)
        for start in 0...(bytes.count - count) where bytes[start] == pattern[0] {
            if (1..<count).allSatisfy({ bytes[start + $0] == pattern[$0] }) { return true }
        }
        return false
    }
}
