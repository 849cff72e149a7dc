import WinnowHTML

/// Measures the stop-word density of text in one language, jusText-style: the share of whitespace-separated
/// tokens (lower-cased, stripped of leading and trailing punctuation) that are stop words.
struct StopwordCounter {
    private let words: Set<Substring>?

    /// A counter with the list of `language` (none when it is `nil` or has no list).
    init(language: String?) {
        words = language.flatMap(Stoplists.words(for:))
    }

    /// The stop-word density of `text`, or `nil` without a list or without tokens.
    func density(of text: String) -> Double? {
        guard let words else { return nil }
        let tokens = Self.tokens(of: text)
        guard !tokens.isEmpty else { return nil }
        let hits = tokens.reduce(0) { $0 + (words.contains($1) ? 1 : 0) }
        return Double(hits) / Double(tokens.count)
    }

    /// Lower-cased tokens without leading and trailing punctuation.
    static func tokens(of text: String) -> [Substring] {
        let lowered = text.lowercased()
        var tokens: [Substring] = []
        for raw in lowered.split(whereSeparator: \.isWhitespace) {
            var token = raw
            while let first = token.first, first.isPunctuation || first.isSymbol { token = token.dropFirst() }
            while let last = token.last, last.isPunctuation || last.isSymbol { token = token.dropLast() }
            if !token.isEmpty { tokens.append(token) }
        }
        return tokens
    }

    /// The counter for a document: the declared language (`<html lang>`, `content-language`) when it has a list,
    /// otherwise the list that matches the start of the body's text best.
    static func forDocument(_ document: HTMLDocument) -> StopwordCounter {
        if let declared = declaredLanguage(document) {
            return StopwordCounter(language: Stoplists.words(for: declared) == nil ? nil : declared)
        }
        guard let body = document.body else { return StopwordCounter(language: nil) }
        var sample = ""
        for node in body.descendants where node.isText {
            guard let parent = node.parent, !HTMLNode.nonContentTags.contains(parent) else { continue }
            if let content = node.content { sample += content + " " }
            if sample.utf8.count > 3000 { break }
        }
        return StopwordCounter(language: Stoplists.guessLanguage(tokens: tokens(of: sample)))
    }

    /// The primary language tag the document declares, if any.
    static func declaredLanguage(_ document: HTMLDocument) -> String? {
        if let lang = document.root?.attribute("lang") ?? document.root?.attribute("xml:lang"),
            let tag = Stoplists.primaryTag(lang)
        {
            return tag
        }
        guard let head = document.head else { return nil }
        for meta in head.descendantElements where meta.hasTag("meta") {
            guard meta.attribute("http-equiv")?.lowercased() == "content-language",
                let value = meta.attribute("content")?.split(separator: ",").first
            else { continue }
            return Stoplists.primaryTag(String(value))
        }
        return nil
    }
}
