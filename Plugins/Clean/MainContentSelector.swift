import WinnowHTML

/// Finds the main content of a cleaned body and removes everything else.
///
/// Two signals work together. Candidate containers are scored readability-style: every paragraph-like block
/// adds points (one, plus its commas, plus one per 100 characters up to three) to its parent, half to its
/// grandparent and less further up; class/id words add or subtract, and the total shrinks with link density.
/// The best container is then widened to siblings that clearly belong. Blocks are classified jusText-style
/// (length, link density, stop-word density): inside the selection, blocks that are boilerplate with high
/// confidence (link lists, orphaned headings) are pruned; next to it, good prose blocks are recovered. A
/// selection that holds little of the page's good text is widened to an ancestor that holds it.
struct MainContentSelector {
    let body: HTMLNode
    /// The figures of the body's elements, kept up to date with the removals made so far.
    var statistics: BlockStatistics
    let protection: BoilerplateRemover.Protection
    /// Supplies the stop-word counter for the page's language (computed only when a block needs it).
    let stopwords: () -> StopwordCounter

    static let paragraphTags: HTMLTagSet = ["p", "pre", "td", "blockquote"]
    static let textContainerTags: HTMLTagSet = ["div", "section", "article", "main", "font", "center", "dd", "span"]
    static let prunableTags: HTMLTagSet = [
        "div", "section", "ul", "ol", "table", "form", "aside", "header", "footer", "dl", "figure", "nav",
    ]
    static let listTags: HTMLTagSet = ["ul", "ol", "dl"]
    /// Elements that may hold a boilerplate label such as "Advertisement" or "Read more".
    static let labelTags: HTMLTagSet = [
        "p", "div", "span", "h2", "h3", "h4", "h5", "h6", "strong", "b", "center", "section", "aside", "small", "li",
    ]

    /// Selects the main content and removes the rest of the body.
    mutating func run() {
        guard statistics.count > 1, statistics[0].text > 0 else { return }
        var (scores, goodText) = candidateScores(statistics)
        guard let top = topCandidate(statistics, scores: &scores) else { return }
        var selected = siblings(of: top, statistics: statistics, scores: scores)
        selected = widened(selected, top: top, goodText: goodText)
        var counter: StopwordCounter?
        selected = recoverNeighbours(of: selected, statistics: statistics) { text in
            if counter == nil { counter = stopwords() }
            return counter?.density(of: text)
        }
        // Safety net: a selection with next to none of the page's good text keeps the categories-only result.
        let selectedText = selected.reduce(0) { $0 + statistics[$1].text }
        guard selectedText > 0, selectedText * 10 >= goodText else { return }
        prune(selected, scores: scores)
        let nodes = selected.map { statistics.elements[$0] }
        removeTrailingBoilerplate(nodes)
        keepOnly(nodes)
    }

    // MARK: Scoring

    /// The candidate scores, and the page's good text: characters in long paragraphs with few links.
    private func candidateScores(_ statistics: BlockStatistics) -> (scores: [Int: Double], goodText: Int) {
        var scores: [Int: Double] = [:]
        var goodText = 0
        var position = 0
        while position + 1 < statistics.count {
            position += 1
            if statistics[position].removed {
                position = statistics[position].subtreeEnd - 1
                continue
            }
            let length = statistics[position].text
            guard length >= 25 else { continue }
            let node = statistics.elements[position]
            var start = statistics[position].parent
            let score: Double
            if Self.paragraphTags.contains(node) || (node.hasTag("li") && length >= 100) {
                score = 1 + Double(statistics[position].commas) + Double(min(length / 100, 3))
                // A layout cell holding loose prose is the container of that prose, not a paragraph of its row.
                if node.hasTag("td"), statistics[position].ownText >= 200, statistics[position].paragraphs == 0 {
                    start = position
                }
                if length >= 80, node.hasTag("p"), statistics[position].linkDensity < 0.25 { goodText += length }
            } else if statistics[position].ownText >= 25, Self.textContainerTags.contains(node) {
                // Loose text in a container reads as a paragraph of its own inside it.
                let own = statistics[position].ownText
                score = 1 + Double(statistics[position].ownCommas) + Double(min(own / 100, 3))
                if own >= 80, statistics[position].linkDensity < 0.25 { goodText += own }
                start = position
            } else {
                continue
            }
            var ancestor = start
            var level = 0
            while ancestor >= 0, level < 5 {
                if scores[ancestor] == nil {
                    scores[ancestor] = initialScore(ancestor)
                }
                let divider: Double = level == 0 ? 1 : level == 1 ? 2 : Double(level * 3)
                scores[ancestor, default: 0] += score / divider
                ancestor = statistics[ancestor].parent
                level += 1
            }
        }
        for (position, score) in scores {
            scores[position] = score * (1 - statistics[position].linkDensity)
        }
        return (scores, goodText)
    }

    private func initialScore(_ position: Int) -> Double {
        let node = statistics.elements[position]
        var score: Double
        if Self.baseFive.contains(node) {
            score = 5
        } else if Self.baseThree.contains(node) {
            score = 3
        } else if Self.baseMinusThree.contains(node) {
            score = -3
        } else if Self.baseMinusFive.contains(node) {
            score = -5
        } else {
            score = 0
        }
        let (weight, namesArticleBody) = classWeight(position)
        score += Double(weight)
        if namesArticleBody { score += 25 }
        return score
    }

    /// The class/id weight of an element and whether it names the article body (read during the boilerplate
    /// walk, or now for elements that walk did not reach).
    private func classWeight(_ position: Int) -> (weight: Int, namesArticleBody: Bool) {
        if let weight = statistics[position].classWeight { return (weight, statistics[position].namesArticleBody) }
        let node = statistics.elements[position]
        let tokens = BoilerplatePatterns.analyse(node.classAndID)
        return (tokens.weight, tokens.namesArticleBody || node.attribute("itemprop") == "articleBody")
    }

    private static let baseFive: HTMLTagSet = ["div", "article", "main"]
    private static let baseThree: HTMLTagSet = ["pre", "td", "blockquote"]
    private static let baseMinusThree: HTMLTagSet = ["address", "ol", "ul", "dl", "dd", "dt", "li", "form"]
    private static let baseMinusFive: HTMLTagSet = ["h1", "h2", "h3", "h4", "h5", "h6", "th"]

    private func topCandidate(_ statistics: BlockStatistics, scores: inout [Int: Double]) -> Int? {
        var best: (position: Int, score: Double)?
        for (position, score) in scores where position != 0 {
            if let current = best, current.score > score || current.score == score && current.position < position { continue }
            best = (position, score)
        }
        guard var top = best?.position else { return nil }
        let topScore = best?.score ?? 0
        // Several strong candidates under one ancestor: the ancestor holds the article.
        let alternatives = scores.filter { $0.key != top && $0.key != 0 && $0.value >= topScore * 0.75 }.map(\.key)
        if alternatives.count >= 3 {
            var ancestor = statistics[top].parent
            while ancestor >= 0 {
                let end = statistics[ancestor].subtreeEnd
                if alternatives.filter({ $0 > ancestor && $0 < end }).count >= 3 {
                    top = ancestor
                    break
                }
                ancestor = statistics[ancestor].parent
            }
        }
        if scores[top] == nil { scores[top] = initialScore(top) }
        // Climb while the parent scores better.
        var parent = statistics[top].parent
        var lastScore = scores[top] ?? 0
        let threshold = lastScore / 3
        while parent > 0 {
            guard let parentScore = scores[parent] else {
                parent = statistics[parent].parent
                continue
            }
            if parentScore < threshold { break }
            if parentScore > lastScore {
                top = parent
                break
            }
            lastScore = parentScore
            parent = statistics[parent].parent
        }
        // An only child stands for its parent.
        while statistics[top].parent > 0, statistics.previousSibling(of: top) < 0, statistics.nextSibling(of: top) < 0 {
            top = statistics[top].parent
        }
        return top
    }

    /// The selection, or an ancestor of it when it holds less than a quarter of the page's good text (climbing
    /// until it holds half, or the body is reached).
    private func widened(_ selected: [Int], top: Int, goodText: Int) -> [Int] {
        var selectedText = selected.reduce(0) { $0 + statistics[$1].text }
        guard goodText > 0, selectedText * 4 < goodText else { return selected }
        var anchor = top
        while anchor > 0, selectedText * 2 < goodText {
            anchor = statistics[anchor].parent
            selectedText = statistics[anchor].text
        }
        return anchor == top ? selected : [anchor]
    }

    /// The top candidate plus the siblings that belong with it, in document order.
    private func siblings(of top: Int, statistics: BlockStatistics, scores: [Int: Double]) -> [Int] {
        let parent = statistics[top].parent
        guard parent >= 0 else { return [top] }
        let topScore = scores[top] ?? 0
        // Relative to the top score: blocks as direct children of a plain wrapper score little each.
        let threshold = max(min(10, topScore * 0.5), topScore * 0.2)
        let topClass = statistics.elements[top].attribute("class") ?? ""
        var selected: [Int] = []
        for position in statistics.children(of: parent) {
            if position == top {
                selected.append(position)
                continue
            }
            let sibling = statistics.elements[position]
            var bonus = 0.0
            if !topClass.isEmpty, sibling.attribute("class") == topClass { bonus = topScore * 0.2 }
            if let score = scores[position], score + bonus >= threshold, statistics[position].linkDensity < 0.25 {
                selected.append(position)
                continue
            }
            if protection.roots.contains(sibling) {
                selected.append(position)
                continue
            }
            guard sibling.hasTag("p") || (Self.textContainerTags.contains(sibling) && statistics[position].ownText > 0
                && statistics[position].paragraphs == 0 && statistics[position].headings == 0)
            else { continue }
            let length = statistics[position].text
            let density = statistics[position].linkDensity
            if length > 80, density < 0.25 {
                selected.append(position)
            } else if length > 0, length <= 80, density == 0, endsSentence(sibling) {
                selected.append(position)
            }
        }
        return selected
    }

    private func endsSentence(_ node: HTMLNode) -> Bool {
        let text = node.normalizedText
        return TextSearch.contains(text, ". ") || text.hasSuffix(".") || text.hasSuffix("!") || text.hasSuffix("?")
            || text.hasSuffix("。")
    }

    // MARK: Neighbours

    /// Adds paragraphs that jusText would call good with confidence (200 characters or more, under 10% links,
    /// stop-word density 0.32 or more) and that sit right before or after the selection.
    private func recoverNeighbours(
        of selected: [Int], statistics: BlockStatistics, density: (String) -> Double?
    ) -> [Int] {
        guard let first = selected.first, let last = selected.last else { return selected }
        func isGoodProse(_ position: Int) -> Bool {
            guard statistics.elements[position].hasTag("p"), statistics[position].text >= 200, statistics[position].linkDensity < 0.1,
                statistics[position].headings == 0
            else { return false }
            return (density(statistics.elements[position].normalizedText) ?? 0) >= 0.32
        }
        var before: [Int] = []
        var position = statistics.previousSibling(of: first)
        while position >= 0, isGoodProse(position) {
            before.insert(position, at: 0)
            position = statistics.previousSibling(of: position)
        }
        var after: [Int] = []
        position = statistics.nextSibling(of: last)
        while position >= 0, isGoodProse(position) {
            after.append(position)
            position = statistics.nextSibling(of: position)
        }
        return before + selected + after
    }

    // MARK: Pruning

    /// Removes, inside the selection, containers that look like boilerplate (readability's conditional
    /// cleaning) and link-dominated blocks.
    private mutating func prune(_ selected: [Int], scores: [Int: Double]) {
        var removals = 0
        for root in selected {
            let rootLength = statistics[root].text
            var position = root + 1
            while position < statistics[root].subtreeEnd {
                let node = statistics.elements[position]
                if statistics[position].removed {
                    position = statistics[position].subtreeEnd
                } else if statistics[position].text * 2 < rootLength || statistics[position].linkDensity > 0.5,
                    shouldPrune(node, position: position, statistics: statistics, scores: scores),
                    !protection.protects(position)
                {
                    node.remove()
                    statistics.remove(position)
                    removals += 1
                    position = statistics[position].subtreeEnd
                } else {
                    position += 1
                }
            }
        }
        // As in the boilerplate walk, each decision read only the figures of the element it visited.
        if removals > 0 { statistics.recomputeTotals() }
    }

    private func shouldPrune(_ node: HTMLNode, position: Int, statistics: BlockStatistics, scores: [Int: Double]) -> Bool {
        let length = statistics[position].text
        let density = statistics[position].linkDensity
        if length > 0, length <= 40, Self.labelTags.contains(node), BoilerplateLabels.isLabel(node.normalizedText) {
            return true
        }
        // A hover card inside running text: a picture and a cluster of links in an inline element.
        if node.hasTag("span"), statistics[position].images > 0, density > 0.9, length > 50 { return true }
        if node.hasTag("p") || node.hasTag("li") {
            return length > 0 && density > 0.75 && length < 400
        }
        guard Self.prunableTags.contains(node) else { return false }
        if length == 0 {
            return statistics[position].images == 0 && !node.hasTag("figure")
        }
        let weight = Double(classWeight(position).weight)
        // A quotation (an embedded post is one) is content even in a container named like media.
        if weight + (scores[position] ?? 0) < 0, statistics[position].quotes == 0 { return true }
        if statistics[position].commas >= 10 { return false }
        let paragraphs = statistics[position].paragraphs
        let images = statistics[position].images
        let items = statistics[position].listItems
        let isList = Self.listTags.contains(node)
        // An image block without prose (but not a gallery of captioned figures, which the parse stage handles).
        if images > 1, Double(paragraphs) / Double(images) < 0.5, statistics[position].figures * 2 < images, length < 200 {
            return true
        }
        if !isList, items > paragraphs + 3, density > 0.3 { return true }
        // A grid of teaser cards: several pictures with a linked title and a line each, and no paragraphs.
        if images >= 3, paragraphs == 0, statistics[position].figures * 2 < images, density > 0.1,
            length < images * 200
        {
            return true
        }
        if weight < 25, density > 0.33 { return true }
        if weight >= 25, density > 0.5 { return true }
        if isList, density > 0.5 { return true }
        return false
    }

    /// Removes what trails the article: headings with nothing after them, up to two short fragments that end no
    /// sentence, and up to three short closing notes that start with boilerplate words (`Follow us on Twitter`,
    /// `Reporting by …`, `Sign up for our newsletter`).
    ///
    /// Only paragraphs and headings are removed, the walk does not enter lists, tables, figures, quotations or
    /// preformatted text, protected elements stay, and the selection's last block with 80 characters or more
    /// is never removed.
    private func removeTrailingBoilerplate(_ selected: [HTMLNode]) {
        guard let last = selected.last else { return }
        var node: HTMLNode? = last
        var fragments = 0
        var notes = 0
        var headings = 0
        while let current = node {
            guard let child = lastMeaningfulChild(of: current) else { return }
            let isHeading = BlockStatistics.headingTags.contains(child)
            if isHeading || child.hasTag("p"), isProtected(child) { return }
            if isHeading {
                guard headings < 3 else { return }
                headings += 1
                child.remove()
                continue
            }
            if child.hasTag("p") {
                let text = child.normalizedText
                if fragments < 2, Self.isFragment(text), !continuesRun(child) {
                    fragments += 1
                    child.remove()
                    continue
                }
                if notes < 3, text.count < 150, text.count < 80 || fragments + notes + headings > 0,
                    Self.startsWithClosingCue(text)
                {
                    notes += 1
                    child.remove()
                    continue
                }
                return
            }
            if Self.closedTags.contains(child) { return }
            node = child
        }
    }

    private static func isFragment(_ text: String) -> Bool {
        text.count < 30 && !(text.last.map(Self.endsSentence) ?? false)
    }

    /// Whether the paragraph ends a run of short lines (the verses of a poem), which is content.
    private func continuesRun(_ paragraph: HTMLNode) -> Bool {
        var previous = paragraph.previousSibling
        while let current = previous, !current.isElement {
            if current.isText, current.textLength > 0 { return false }
            previous = current.previousSibling
        }
        guard let previous, previous.hasTag("p") else { return false }
        return Self.isFragment(previous.normalizedText)
    }

    /// Elements the trailing walk does not enter.
    private static let closedTags: HTMLTagSet = [
        "table", "ul", "ol", "dl", "pre", "figure", "blockquote", "td", "th", "tr",
    ]

    /// Whether the first three words of the text hold a closing cue (`Follow us…`, `Reporting by…`).
    private static func startsWithClosingCue(_ text: String) -> Bool {
        let opening = text.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true).prefix(3)
        return BoilerplateLabels.isClosingNote(opening.joined(separator: " "))
    }

    /// Whether the element is protected, holds a protected element or sits inside one (asked only of the few
    /// paragraphs and headings the trailing walk would remove).
    private func isProtected(_ node: HTMLNode) -> Bool {
        let roots = protection.roots
        guard !roots.isEmpty else { return false }
        return roots.contains(node) || node.ancestors.contains { roots.contains($0) }
            || node.descendantElements.contains { roots.contains($0) }
    }

    private static func endsSentence(_ character: Character) -> Bool {
        ".!?\"”)»。！？".contains(character)
    }

    private func lastMeaningfulChild(of node: HTMLNode) -> HTMLNode? {
        var child = node.lastChild
        while let current = child {
            if current.isElement { return current }
            if current.isText, current.textLength > 0 { return nil }
            child = current.previousSibling
        }
        return nil
    }

    // MARK: Keeping

    /// Removes every node of the body that is neither inside a selected element nor an ancestor of one.
    private func keepOnly(_ selected: [HTMLNode]) {
        guard !selected.contains(body) else { return }
        var kept = Set(selected)
        kept.formUnion(protection.roots)
        var ancestors: Set<HTMLNode> = []
        for node in kept {
            for ancestor in node.ancestors {
                if ancestor == body || !ancestors.insert(ancestor).inserted { break }
            }
        }
        var pending = [body]
        while let container = pending.popLast() {
            for child in container.children {
                if kept.contains(child) { continue }
                if ancestors.contains(child) {
                    pending.append(child)
                } else {
                    child.remove()
                }
            }
        }
    }
}
