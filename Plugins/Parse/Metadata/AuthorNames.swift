/// Turns bylines as pages write them (`By Jane Doe and John Roe`, `Von Anna Muster, Redaktorin`,
/// `jane@example.com`) into clean person names.
enum AuthorNames {
    /// The most names kept for one page.
    static let maximumCount = 5

    /// The names in one byline: split at commas, semicolons, `|`, `/`, `&` and the word "and" in several
    /// languages; "By"-style prefixes, e-mail addresses, URLs, handles and job titles removed.
    static func names(in byline: String) -> [String] {
        let text = MetadataText.collapsingWhitespace(MetadataText.decodingEntities(byline))
        guard !text.isEmpty, text.utf8.count <= 400 else { return [] }
        var names: [String] = []
        var words: [Substring] = []
        var partCount = 0
        func finishPart() {
            defer { words.removeAll() }
            guard !words.isEmpty else { return }
            partCount += 1
            // "Mara Lindqvist, MS, RD": degrees after a name are not further names.
            if partCount > 1, words.count == 1,
                credentials.contains(MetadataText.trimming(words[0], edgePunctuation).lowercased())
            {
                return
            }
            if let name = name(from: words) { names.append(name) }
        }
        for rawWord in text.split(separator: " ") {
            let trimmed = MetadataText.trimming(rawWord, wrapping)
            if isAddress(trimmed) {
                if rawWord.last.map({ separatorCharacters.contains($0) }) == true { finishPart() }
                continue
            }
            if conjunctions.contains(String(rawWord)) {
                finishPart()
                continue
            }
            var current = rawWord[...]
            while let cut = current.firstIndex(where: { separatorCharacters.contains($0) }) {
                let head = current[..<cut]
                if !head.isEmpty { words.append(head) }
                finishPart()
                current = current[current.index(after: cut)...]
            }
            if !current.isEmpty { words.append(current) }
        }
        finishPart()
        return names
    }

    /// Appends the names of `candidate` to `names`, skipping case-insensitive duplicates, up to the maximum.
    static func merge(_ candidate: [String], into names: inout [String]) {
        for name in candidate where names.count < maximumCount {
            let key = name.lowercased()
            if !names.contains(where: { $0.lowercased() == key }) { names.append(name) }
        }
    }

    /// A name from the words of one part, or `nil` when they do not look like one.
    private static func name(from words: [Substring]) -> String? {
        var words = words
        if let labelEnd = words.prefix(2).firstIndex(where: { $0.hasSuffix(":") }) {
            // "Text: Anna Muster", "Mit Material von: …": a label, not a name.
            words.removeFirst(labelEnd + 1)
        }
        // Dots stay on initials ("Dana K. Whitlow"); a sentence dot after the last word goes.
        var cleaned = words.map { MetadataText.trimming($0, wordEdgePunctuation) }.filter { !$0.isEmpty && $0 != "." }
        if let stop = cleaned.firstIndex(where: { $0.hasSuffix(".") && $0.count > 3 }) {
            // "Ilse Brandt. Northwind Gazette": a sentence ends after the name.
            cleaned.removeSubrange((stop + 1)...)
        }
        if let weekday = cleaned.firstIndex(where: { weekdays.contains($0.lowercased()) }) {
            // "Tom Okafor Monday, November 18": the dateline after the name.
            cleaned.removeSubrange(weekday...)
        }
        if let last = cleaned.last, last.hasSuffix("."), last.count > 2 {
            cleaned[cleaned.count - 1] = String(last.dropLast())
        }
        while let first = cleaned.first, prefixWords.contains(first.lowercased()) {
            cleaned.removeFirst()
        }
        if let by = cleaned.prefix(3).firstIndex(where: { $0.lowercased() == "by" }) {
            // "Analysis by Peter Halvorsen", "Story and photos by …".
            cleaned.removeFirst(by + 1)
        }
        words = cleaned.map { $0[...] }
        guard !words.isEmpty, words.count <= 5 else { return nil }
        for word in words {
            let lowered = word.lowercased()
            // Names capitalise their words except particles ("Ursula von der Leyen"); "defense ministries" is prose.
            if let first = word.first, first.isLowercase, !particles.contains(lowered) { return nil }
            if lowered.contains(where: \.isNumber) || lowered.contains("@") || isDomain(lowered) { return nil }
            if lowered.split(separator: "-").contains(where: { jobWords.contains(String($0)) }) { return nil }
        }
        let joined = words.joined(separator: " ")
        let lowered = joined.lowercased()
        // One lower-case word is a login or initials ("admin", "jdoe", "mbr"), not a name.
        if placeholderNames.contains(lowered) || (words.count == 1 && joined == lowered) { return nil }
        guard joined.contains(where: \.isLetter), joined.count <= 60 else { return nil }
        return recased(joined)
    }

    /// `JANE DOE` becomes `Jane Doe`; agency codes (`AFP`, `dpa`) and mixed case stay as written.
    private static func recased(_ name: String) -> String {
        let letters = name.filter(\.isLetter)
        guard letters.count > 4, name.contains(" "), letters.allSatisfy(\.isUppercase) else { return name }
        return name.split(separator: " ").map { word in
            word.prefix(1) + word.dropFirst().lowercased()
        }.joined(separator: " ")
    }

    /// Whether a lower-cased word is a domain name (`example-news.com`), whose part is a publication, not a person.
    private static func isDomain(_ word: String) -> Bool {
        guard let dot = word.lastIndex(of: "."), dot != word.startIndex else { return false }
        let suffix = word[word.index(after: dot)...]
        return suffix.count >= 2 && suffix.allSatisfy { $0.isASCII && $0.isLetter }
    }

    private static func isAddress(_ word: String) -> Bool {
        let lowered = word.lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("www.")
            || lowered.hasPrefix("@") || (lowered.contains("@") && lowered.contains("."))
    }

    private static let separatorCharacters: Set<Character> = [",", ";", "|", "/", "&", "·", "•", "+"]
    private static let wrapping: Set<Character> = ["(", ")", "[", "]", "<", ">", ",", ";", ":", "\"", "'"]
    private static let edgePunctuation: Set<Character> = wordEdgePunctuation.union(["."])
    private static let wordEdgePunctuation: Set<Character> = [
        ",", ":", ";", "-", "–", "—", "\"", "'", "(", ")", "[", "]", "«", "»", "“", "”", "*",
    ]
    private static let conjunctions: Set<String> = ["and", "und", "et", "y", "e", "og", "och", "en"]
    private static let prefixWords: Set<String> = [
        "by", "von", "par", "por", "di", "door", "av", "af", "from", "text", "texte", "texto", "testo", "autor",
        "autorin", "author", "authors", "auteur", "auteure", "autore", "autrice", "written", "posted", "published",
        "reporting", "report", "words", "story",
    ]
    private static let jobWords: Set<String> = [
        "reporter", "editor", "editors", "editorial", "correspondent", "journalist", "writer", "columnist",
        "contributor", "contributing", "staff", "senior", "chief", "managing", "freelance", "photographer",
        "photos", "photo", "redakteur", "redakteurin", "redaktor", "redaktorin", "korrespondent",
        "korrespondentin", "journalistin", "fotograf", "fotografin", "rédacteur", "rédactrice", "journaliste",
        "correspondant", "correspondante", "photographe", "chroniqueur", "chroniqueuse", "redattore",
        "redattrice", "giornalista", "corrispondente", "periodista", "redactor", "redactora", "corresponsal",
        "jornalista", "repórter", "updated", "published", "minutes", "read",
    ]
    private static let particles: Set<String> = [
        "von", "van", "der", "den", "de", "da", "di", "du", "la", "le", "del", "della", "dos", "das", "do", "bin",
        "ibn", "al", "el", "ten", "ter", "zu", "af", "y", "e", "st",
    ]
    private static let weekdays: Set<String> = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "montag", "dienstag",
        "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
        "samedi", "dimanche", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
    ]
    private static let credentials: Set<String> = [
        "md", "phd", "ph.d", "ms", "msc", "ma", "mba", "mph", "rd", "rdn", "ld", "rn", "np", "dds", "do", "cpa", "jr",
        "sr", "cde", "cscs", "lcsw", "bsc", "ba",
    ]
    private static let placeholderNames: Set<String> = [
        "admin", "administrator", "unknown", "anonymous", "guest", "user", "null", "none", "redaktion", "rédaction",
        "redazione", "redacción", "newsroom", "editorial team", "staff",
    ]
}
