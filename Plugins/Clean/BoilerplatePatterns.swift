/// Class and id patterns that mark boilerplate (or content), in several languages.
///
/// A `class`/`id` value is split into tokens at every ASCII character that is not a letter or digit
/// (`story__share--top` → `story`, `share`, `top`). A token matches a category when it equals one of the
/// category's words, or starts with one of its stems (stems are at least four letters, so short words such as
/// `ad` only ever match as whole tokens and never inside `header`, `shadow` or `download`). Adjacent token pairs
/// are also tried joined (`more stories` → `morestories`). Matching hashes the bytes in place (FNV-1a into
/// small open-addressing tables), so analysing an element allocates nothing beyond its `classAndID` string.
enum BoilerplatePatterns {
    /// What the tokens of one `class`/`id` value say.
    struct Analysis {
        /// The best category named by a specific word (`comments`, `share`, `cookie`…).
        var strong: BoilerplateCategory?
        /// The best category named by a weak word (`sidebar`, `menu`, `readmore`…).
        var weak: BoilerplateCategory?
        /// A word naming content (`article`, `content`, `body`, `entry`, `post`, `story`…).
        var hasContentWord = false
        /// A readability-positive word.
        var hasPositiveWord = false
        /// A readability-negative word (besides category words).
        var hasNegativeWord = false
        /// A word hiding the element from sighted readers (`sr-only`, `visually-hidden`).
        var marksHidden = false
        /// A word naming the article body itself (`article-body`, `entry-content`…).
        var namesArticleBody = false
        /// The word `header`.
        var namesHeader = false

        /// The category, where weak words count only without a content word.
        var category: BoilerplateCategory? { strong ?? (hasContentWord ? nil : weak) }

        /// A readability-style weight: +25 for content-like words, −25 for boilerplate-like ones (both: 0).
        var weight: Int { (hasPositiveWord ? 25 : 0) - (hasNegativeWord || category != nil ? 25 : 0) }

        mutating func consider(_ flags: UInt32) {
            if flags & Flag.content != 0 { hasContentWord = true }
            if flags & Flag.positive != 0 { hasPositiveWord = true }
            if flags & Flag.negative != 0 { hasNegativeWord = true }
            if flags & Flag.hidden != 0 { marksHidden = true }
            if flags & Flag.articleBody != 0 { namesArticleBody = true }
            if flags & Flag.header != 0 { namesHeader = true }
            let code = flags & Flag.categoryMask
            guard code != 0 else { return }
            let category = BoilerplateCategory.byPrecedence[Int(code) - 1]
            if flags & Flag.weak != 0 || category == .navigation {
                if weak.map({ $0.precedence > category.precedence }) ?? true { weak = category }
            } else if strong.map({ $0.precedence > category.precedence }) ?? true {
                strong = category
            }
        }
    }

    /// Analyses a lower-cased `class`/`id` value.
    static func analyse(_ value: String) -> Analysis {
        var analysis = Analysis()
        guard !value.isEmpty else { return analysis }
        var value = value
        value.withUTF8 { bytes in
            var index = 0
            var previousHash: UInt64?
            while index < bytes.count {
                while index < bytes.count, isSeparator(bytes[index]) { index += 1 }
                guard index < bytes.count else { break }
                var hash = FNV.basis
                var pairHash = previousHash ?? 0
                var stemFlags: UInt32 = 0
                var excluded = false
                var length = 0
                while index < bytes.count, !isSeparator(bytes[index]) {
                    let byte = bytes[index]
                    hash = FNV.step(hash, byte)
                    if previousHash != nil { pairHash = FNV.step(pairHash, byte) }
                    length += 1
                    if length >= 4, length <= 24, let flags = stems.lookup(hash) {
                        if flags & Flag.exclusion != 0 { excluded = true } else if stemFlags == 0 { stemFlags = flags }
                    }
                    index += 1
                }
                if let flags = words.lookup(hash) {
                    analysis.consider(flags)
                } else if !excluded, stemFlags != 0 {
                    analysis.consider(stemFlags)
                }
                if previousHash != nil, let flags = words.lookup(pairHash) { analysis.consider(flags) }
                previousHash = hash
            }
        }
        return analysis
    }

    @inline(__always)
    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte < 0x80 && !(byte >= 0x61 && byte <= 0x7A || byte >= 0x30 && byte <= 0x39 || byte >= 0x41 && byte <= 0x5A)
    }

    enum Flag {
        static let categoryMask: UInt32 = 0xF
        static let weak: UInt32 = 1 << 4
        static let content: UInt32 = 1 << 5
        static let positive: UInt32 = 1 << 6
        static let negative: UInt32 = 1 << 7
        static let hidden: UInt32 = 1 << 8
        static let articleBody: UInt32 = 1 << 9
        static let header: UInt32 = 1 << 10
        static let exclusion: UInt32 = 1 << 11

        static func category(_ category: BoilerplateCategory) -> UInt32 {
            UInt32((BoilerplateCategory.byPrecedence.firstIndex(of: category) ?? 0) + 1)
        }
    }

    /// Whole words (and joined pairs) with their flags.
    private static let words: HashTable = {
        var entries: [(String, UInt32)] = []
        for (category, list) in categoryWords {
            for word in list { entries.append((word, Flag.category(category))) }
        }
        for word in weakWords { entries.append((word, Flag.weak)) }
        for word in contentWords { entries.append((word, Flag.content)) }
        for word in positiveWords { entries.append((word, Flag.positive)) }
        for word in negativeWords { entries.append((word, Flag.negative)) }
        for word in hiddenWords { entries.append((word, Flag.hidden)) }
        for word in articleBodyWords { entries.append((word, Flag.articleBody | Flag.positive | Flag.content)) }
        entries.append(("header", Flag.header))
        return HashTable(entries, mergingCategories: true)
    }()

    /// Prefixes with their flags (or the exclusion flag).
    private static let stems: HashTable = {
        var entries: [(String, UInt32)] = []
        for (stem, category) in categoryStems { entries.append((stem, Flag.category(category))) }
        for word in weakWords where categoryStems.contains(where: { $0.0 == word }) { entries.append((word, Flag.weak)) }
        for stem in positiveStems { entries.append((stem, Flag.positive)) }
        for stem in exclusions { entries.append((stem, Flag.exclusion)) }
        return HashTable(entries, mergingCategories: true)
    }()

    /// An open-addressing table from FNV-1a hashes of words to flag sets.
    struct HashTable: Sendable {
        private var keys: [UInt64]
        private var values: [UInt32]
        private let mask: Int

        init(_ entries: [(String, UInt32)], mergingCategories: Bool) {
            var merged: [UInt64: UInt32] = [:]
            for (word, flags) in entries {
                let hash = FNV.hash(word)
                let existing = merged[hash] ?? 0
                // The first category given to a word wins; other flags accumulate.
                let category = existing & Flag.categoryMask != 0 ? existing & Flag.categoryMask : flags & Flag.categoryMask
                merged[hash] = (existing | flags) & ~Flag.categoryMask | category
            }
            var capacity = 16
            while capacity < merged.count * 3 { capacity <<= 1 }
            keys = Array(repeating: 0, count: capacity)
            values = Array(repeating: 0, count: capacity)
            mask = capacity - 1
            for (hash, flags) in merged {
                var slot = Int(truncatingIfNeeded: hash) & mask
                while keys[slot] != 0 { slot = (slot + 1) & mask }
                keys[slot] = hash
                values[slot] = flags
            }
        }

        @inline(__always)
        func lookup(_ hash: UInt64) -> UInt32? {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let key = keys[slot]
                if key == hash { return values[slot] }
                if key == 0 { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    /// 64-bit FNV-1a.
    enum FNV {
        static let basis: UInt64 = 0xCBF2_9CE4_8422_2325

        @inline(__always)
        static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }

        static func hash(_ word: String) -> UInt64 { word.utf8.reduce(basis, step) }
    }

    /// Words too common on page wrappers to count next to a content word.
    private static let weakWords: [String] = [
        "readmore", "popular", "similar", "video", "videos", "meta", "metadata", "timestamp", "datetime",
        "modal", "overlay", "popup", "promo", "teasers", "weitere", "commercial", "affiliate", "audio", "social",
        "respond", "replies", "sponsor", "podcast", "interstitial", "membership", "subscription", "paywall",
    ]

    /// Words that name the content itself.
    private static let contentWords: [String] = [
        "article", "body", "content", "main", "entry", "story", "post", "prose", "articlebody",
        "storybody", "entrycontent", "postcontent", "articlecontent", "embed", "embedded",
    ]

    /// Tokens that start like a stem but are content (`commentary`, `shareholder`).
    private static let exclusions: [String] = ["commentary", "commentator", "shareholder", "socialis", "videogam",
                                                   "authorit", "authoriz", "menuiser"]

    private static let categoryWords: [BoilerplateCategory: [String]] = [
        .comments: ["comment", "comments", "kommentar", "kommentare", "commentaire", "commentaires", "comentario",
                    "comentarios", "comentários", "commenti", "commento", "reactie", "reacties", "komentarze",
                    "disqus", "replies", "respond", "talkback", "livefyre", "viafoura", "fbcomments"],
        .share: ["share", "shares", "sharing", "social", "socials", "sns", "partage", "partager", "teilen",
                 "compartir", "condividi", "addthis", "sharethis", "shariff", "sociable", "sharebar", "sharetools"],
        .ads: ["ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "advertorial", "adsense",
               "adslot", "adunit", "adbox", "adwrap", "adwrapper", "adcontainer", "adblock", "adholder", "dfp", "gpt",
               "sponsor", "sponsored", "sponsors", "promo", "promoted", "outbrain", "taboola", "googletag",
               "doubleclick", "adsbygoogle", "teads", "mrec", "leaderboard", "skyscraper", "werbung", "anzeige",
               "publicite", "publicité", "publicidad", "banneradd", "adslot", "adplaceholder", "admanager",
               "commercial", "affiliate"],
        .consent: ["cookie", "cookies", "consent", "gdpr", "cmp", "onetrust", "didomi", "cookiebot", "usercentrics",
                   "truste", "evidon", "popup", "modal", "overlay", "interstitial"],
        .navigation: ["nav", "navbar", "navigation", "menu", "menubar", "masthead", "topbar", "sidebar", "footer",
                      "skiplink", "skiplinks", "pagination", "pager", "toolbar", "siteheader",
                      "globalheader", "topnav", "subnav", "mainnav", "megamenu", "copyright", "sitefooter",
                      "pagefooter", "rightrail", "leftrail", "rail", "tagcloud", "tags", "taglist", "keywords",
                      "categories", "printlinks", "rodape", "cabecalho", "piedpage", "fusszeile"],
        .breadcrumbs: ["breadcrumb", "breadcrumbs", "crumb", "crumbs", "ariane", "brotkrumen", "migas"],
        .related: ["related", "relatedposts", "recommended", "recommendations", "recommend", "trending", "popular",
                   "mostread", "mostpopular", "mostviewed", "morestories", "nextstory", "nextarticle", "nextpost",
                   "prevpost", "upnext", "readmore", "alsoread", "seealso", "moreon", "morefrom", "recirc",
                   "recirculation", "maylike", "teasers", "teaserlist", "weitere", "empfehlungen", "similar",
                   "latestnews", "topstories", "morenews", "morearticles", "relatedcontent", "postnavigation",
                   "navlinks", "previousnext", "prevnext", "jumplinks"],
        .newsletter: ["newsletter", "newsletters", "subscribe", "subscription", "signup", "optin", "mailchimp",
                      "paywall", "regwall", "abonnieren", "abonnement", "membership", "emailsignup", "inlinesignup"],
        .bylines: ["byline", "bylines", "dateline", "author", "authors", "autor", "auteur", "autore", "postedby",
                   "writtenby", "entrymeta", "postmeta", "articlemeta", "storymeta", "publishdate", "pubdate",
                   "timestamp", "authorbox", "authorbio", "authorinfo", "datetime", "postdate", "articledate",
                   "entrydate", "metadata", "meta"],
        .video: ["video", "videos", "jwplayer", "brightcove", "youtube", "vimeo", "videoplayer", "audio",
                 "audioplayer", "podcast", "mediaplayer"],
    ]

    private static let categoryStems: [(String, BoilerplateCategory)] = [
        ("comment", .comments), ("kommentar", .comments), ("commentaire", .comments), ("comentar", .comments),
        ("comentár", .comments), ("commenti", .comments), ("reactie", .comments), ("komentar", .comments),
        ("disqus", .comments), ("комментар", .comments),
        ("share", .share), ("social", .share), ("addthis", .share), ("sharethis", .share), ("shariff", .share),
        ("partag", .share), ("teilen", .share), ("compartir", .share), ("condivid", .share),
        ("advert", .ads), ("adsense", .ads), ("adslot", .ads), ("adunit", .ads), ("adzone", .ads), ("sponsor", .ads),
        ("outbrain", .ads), ("taboola", .ads), ("googletag", .ads), ("adsbygoogle", .ads), ("werbung", .ads),
        ("anzeige", .ads), ("publicit", .ads), ("doubleclick", .ads),
        ("cookie", .consent), ("consent", .consent), ("gdpr", .consent), ("onetrust", .consent),
        ("didomi", .consent), ("cookiebot", .consent), ("usercentrics", .consent), ("popup", .consent),
        ("navbar", .navigation), ("navigation", .navigation), ("sidebar", .navigation), ("footer", .navigation),
        ("topnav", .navigation), ("subnav", .navigation), ("megamenu", .navigation), ("skiplink", .navigation),
        ("menu", .navigation),
        ("breadcrumb", .breadcrumbs), ("crumbs", .breadcrumbs),
        ("related", .related), ("recommend", .related), ("recommand", .related), ("empfehl", .related),
        ("relacionad", .related), ("correlat", .related), ("trending", .related), ("mostread", .related),
        ("mostpopular", .related),
        ("newsletter", .newsletter), ("subscri", .newsletter), ("signup", .newsletter), ("mailchimp", .newsletter),
        ("paywall", .newsletter), ("abonn", .newsletter),
        ("byline", .bylines), ("dateline", .bylines), ("author", .bylines),
        ("video", .video), ("jwplayer", .video), ("brightcove", .video), ("youtube", .video), ("vimeo", .video),
    ]

    private static let hiddenWords: [String] = [
        "sronly", "screenreader", "screenreadertext", "visuallyhidden", "srtext", "offscreen", "invisible",
        "hiddenvisually", "readeronly", "a11yhidden", "printonly",
    ]

    private static let positiveWords: [String] = [
        "article", "body", "content", "entry", "hentry", "main", "page", "post", "text", "blog", "story", "prose",
        "articlebody", "richtext", "paragraph",
    ]
    private static let positiveStems: [String] = ["article", "content", "story", "entry"]

    private static let negativeWords: [String] = [
        "hidden", "banner", "combx", "contact", "foot", "footnote", "media", "scroll", "shopping", "tool", "tools",
        "caption", "credit", "credits", "widget", "promo",
    ]

    private static let articleBodyWords: [String] = [
        "articlebody", "storybody", "entrycontent", "postcontent", "articlecontent", "storycontent", "postbody",
        "articletext", "storytext", "bodytext", "contentbody", "entrybody", "posttext",
    ]
}

extension BoilerplateCategory {
    /// The categories, the one that wins a tie first (a comment section's share bar is still comments).
    static let byPrecedence: [BoilerplateCategory] = [
        .comments, .consent, .ads, .share, .newsletter, .related, .breadcrumbs, .video, .bylines, .navigation,
    ]

    /// The category's rank in `byPrecedence`.
    var precedence: Int { Self.byPrecedence.firstIndex(of: self) ?? Self.byPrecedence.count }
}
