/// Whole-block texts that label boilerplate rather than say anything ("Advertisement", "Read more",
/// "Related articles"), in several languages.
enum BoilerplateLabels {
    /// Whether `text`, lower-cased and stripped of punctuation and spaces at its ends, is such a label.
    static func isLabel(_ text: String) -> Bool {
        var label = Substring(text.lowercased())
        while let first = label.first, first.isPunctuation || first.isWhitespace || first.isSymbol { label = label.dropFirst() }
        while let last = label.last, last.isPunctuation || last.isWhitespace || last.isSymbol { label = label.dropLast() }
        return labels.contains(String(label)) || isGalleryCounter(label)
    }

    /// Whether a short closing paragraph is a promotion or a credit line rather than content: it asks the reader
    /// to follow, subscribe or sign up, or credits reporters and editors.
    static func isClosingNote(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return closingCues.contains { TextSearch.contains(lowered, $0) }
    }

    private static let closingCues: [String] = [
        "follow us", "follow him", "follow her", "follow them", "follow @", "us on twitter", "us on facebook",
        "subscribe to", "sign up for", "newsletter", "reporting by", "editing by", "contributed to this report",
        "click here", "folgen sie", "abonnieren", "suivez-nous", "abonnez-vous", "síguenos",
    ]

    /// Whether the text counts pictures of a gallery: `Image 3 of 12`, `Photo 2/5`, `Bild 1 von 4`.
    static func isGalleryCounter(_ text: Substring) -> Bool {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "/" })
        guard words.count == 3 || words.count == 4, galleryWords.contains(String(words[0])),
            words[1].allSatisfy(\.isNumber), words[words.count - 1].allSatisfy(\.isNumber)
        else { return false }
        return words.count == 3 || ["of", "von", "de", "di", "sur", "из", "/"].contains(String(words[2]))
    }

    private static let galleryWords: Set<String> = ["image", "photo", "picture", "slide", "foto", "bild", "imagen", "immagine"]

    private static let labels: Set<String> = [
        "advertisement", "advertisements", "advert", "adverts", "ad", "ads", "sponsored", "sponsored content",
        "paid content", "anzeige", "werbung", "publicité", "publicite", "publicidad", "pubblicità", "reklama", "реклама",
        "don't miss", "don’t miss", "read more", "read also", "also read", "see also", "related", "related articles",
        "related stories", "related content", "related posts", "more stories", "recommended", "recommended for you",
        "most popular", "most read", "trending", "trending now", "you may also like", "you might also like",
        "share", "share this", "share this article", "share this story", "tweet", "comments", "comment",
        "leave a comment", "leave a reply", "tell us what you think", "continue reading", "click here",
        "lire aussi", "à lire aussi", "voir aussi", "mehr zum thema", "lesen sie auch", "auch interessant",
        "leia também", "leia mais", "lee también", "te puede interesar", "leggi anche", "читайте также",
    ]
}
