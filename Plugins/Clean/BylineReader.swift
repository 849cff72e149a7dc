import WinnowHTML

/// Reads author names and a publication date out of a byline or dateline element before it is removed.
enum BylineReader {
    /// Adds the names and the first `<time datetime>` found in `node` to `findings`; once both are known,
    /// later bylines (author boxes, comment signatures) are not read.
    static func read(_ node: HTMLNode, into findings: inout CleanFindings) {
        guard findings.bylinesRead < 3, findings.authors.isEmpty || findings.published == nil else { return }
        findings.bylinesRead += 1
        var names: [String] = []
        var sawTime = node.hasTag("time")
        if sawTime { recordTime(node, into: &findings) }
        for element in node.descendantElements {
            if element.hasTag("time") {
                sawTime = true
                recordTime(element, into: &findings)
            }
            let isNameHolder: Bool
            if element.attribute("itemprop") == "name" || element.attribute("rel") == "author" {
                isNameHolder = true
            } else if element.hasTag("a"), let href = element.attribute("href") {
                isNameHolder = TextSearch.contains(href, "/author") || TextSearch.contains(href, "/autor/")
                    || TextSearch.contains(href, "/auteur/")
            } else {
                isNameHolder = false
            }
            if isNameHolder, let name = cleanName(element.normalizedText) { names.append(name) }
        }
        if names.isEmpty, !sawTime || namesAuthor(node),
            let name = cleanName(node.normalizedText)
        {
            names.append(name)
        }
        if findings.authors.isEmpty { findings.authors = names.reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }
    }

    /// Whether the element's class or id says it holds an author (`author`, `byline`).
    private static func namesAuthor(_ node: HTMLNode) -> Bool {
        let words = node.classAndID.split(whereSeparator: { !$0.isLetter })
        return words.contains { $0.hasPrefix("author") || $0.hasPrefix("byline") }
    }

    private static func recordTime(_ element: HTMLNode, into findings: inout CleanFindings) {
        guard findings.published == nil, let value = element.attribute("datetime") else { return }
        let trimmed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        if trimmed.count >= 8 { findings.published = trimmed }
    }

    private static let prefixes = ["by ", "par ", "von ", "por ", "di ", "door ", "av ", "af ", "de ", "от ", "written by "]
    private static let particles: Set<String> = ["di ", "de ", "von ", "par ", "por "]
    private static let separators: Set<Character> = ["|", "·", "•", "\n"]
    private static let trimmed: Set<Character> = [" ", "\t", ",", ";", ":", "-", "–", "—", "(", ")"]

    /// A plausible person's name from a byline's text (`By Jane Doe` → `Jane Doe`), or `nil`.
    static func cleanName(_ text: String) -> String? {
        var name = Substring(text)
        let lowered = text.lowercased()
        for prefix in prefixes where lowered.hasPrefix(prefix) {
            // A particle that also starts surnames is a "by" only before a full name, and `di`/`de` only in
            // lower case: `di Maria Rossi` is by Maria Rossi, `Di Maio` and `De La Cruz` are names.
            if particles.contains(prefix),
                text.dropFirst(prefix.count).split(separator: " ").count < 2
                    || !text.hasPrefix(prefix) && (prefix == "di " || prefix == "de ")
            {
                break
            }
            name = name.dropFirst(prefix.count)
            break
        }
        if let cut = name.firstIndex(where: { separators.contains($0) }) { name = name[..<cut] }
        if let comma = name.firstIndex(of: ",") { name = name[..<comma] }
        while let first = name.first, trimmed.contains(first) { name = name.dropFirst() }
        while let last = name.last, trimmed.contains(last) { name = name.dropLast() }
        let words = name.split(separator: " ")
        guard (1...5).contains(words.count), name.count <= 60, name.count >= 3,
            !name.contains(where: { $0.isNumber || $0 == "/" || $0 == "@" }),
            words.contains(where: { $0.first?.isUppercase ?? false })
        else { return nil }
        return String(name)
    }
}
