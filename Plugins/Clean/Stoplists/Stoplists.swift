/// Per-language stop-word sets (from jusText's lists) and the choice of a page's list.
///
/// The sets hold lower-cased words without leading or trailing punctuation; `StopwordCounter` tokenises text
/// the same way. Languages without a list (Chinese, Japanese, Thai…) get `nil`, and callers fall back to
/// signals that do not need stop words.
enum Stoplists {
    /// The stop-word set of a language code (BCP 47 primary tag, lower case), built on first use.
    static func words(for language: String) -> Set<Substring>? {
        cache[language] ?? nil
    }

    /// The languages tried, most common first, when a page declares none.
    static let guessOrder = ["en", "de", "fr", "es", "it", "pt", "nl", "ru", "pl"]

    private static let cache: [String: Set<Substring>?] = {
        var sets: [String: Set<Substring>?] = [:]
        for (code, words) in packed {
            sets[code] = Set(words.split(whereSeparator: { $0 == " " || $0 == "\n" }))
        }
        return sets
    }()

    /// The primary language subtag of a BCP 47 tag, lower-cased (`en-US` → `en`; `no` → `nb`).
    static func primaryTag(_ tag: String) -> String? {
        let primary = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0.isLetter }) else { return nil }
        switch primary {
        case "no", "nn": return "nb"
        case "sh", "sr", "bs": return "hr"
        default: return primary
        }
    }

    /// The list whose words make up the largest share of `tokens` among the common languages, when that share
    /// is high enough to be a real signal.
    static func guessLanguage(tokens: [Substring]) -> String? {
        guard tokens.count >= 20 else { return nil }
        var best: (String, Int)?
        for code in guessOrder {
            guard let set = words(for: code) else { continue }
            let hits = tokens.reduce(0) { $0 + (set.contains($1) ? 1 : 0) }
            if hits > (best?.1 ?? 0) { best = (code, hits) }
        }
        guard let best, best.1 * 5 >= tokens.count else { return nil }
        return best.0
    }
}
