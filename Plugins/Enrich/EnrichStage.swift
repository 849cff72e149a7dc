public import WinnowCore

/// The enrich stage: records the declared language, word and character counts, and language-independent
/// text-quality signals of each record's extracted text.
///
/// Fields written: `enrichment.language` and `languageSource` ("declared", from `metadata.language`),
/// `wordCount`, `characterCount`, and under `enrichment.signals` the figures of `TextStatistics`. Language
/// identification, deduplication fingerprints and further signals are later additions under the same
/// fields. Records without extracted content get a warning and no counts.
public struct EnrichStage: ConfigurableStage {
    public static let descriptor = StageDescriptor(
        name: "enrich",
        summary: "Adds the declared language, word and character counts and text-quality signals.",
        options: [
            OptionSpec(
                "minWords", .integer(0...Int.max), default: 0,
                summary: "Drop records whose text has fewer words (reason \"too short\"); with a value above 0, "
                    + "records without extracted content are dropped too (reason \"no content\")."),
            OptionSpec(
                "signals", .boolean, default: true,
                summary: "Add the text-quality signals (ratios of punctuation, digits, uppercase; line and "
                    + "paragraph counts; repeated lines) under enrichment.signals."),
        ]
    )

    /// Records with fewer words are dropped.
    public let minWords: Int
    /// Whether quality signals are written.
    public let includeSignals: Bool

    public init(setup: StageSetup) throws {
        minWords = max(0, setup.options.int("minWords") ?? 0)
        includeSignals = setup.options.bool("signals") ?? true
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        var record = record
        if let declared = record.metadata.language {
            if let tag = LanguageTag.primarySubtag(of: declared) {
                record.enrichment.language = tag
                record.enrichment.languageSource = "declared"
            } else {
                record.warnings.append("enrich: declared language \"\(declared.prefix(40))\" is not a BCP 47 tag")
            }
        }
        guard let text = record.content?.text else {
            if minWords > 0 { return .drop(reason: "no content") }
            record.warnings.append("enrich: no extracted content to count (run clean and parse before enrich)")
            return .keep(record)
        }
        let statistics = TextStatistics(text)
        record.enrichment.wordCount = statistics.wordCount
        record.enrichment.characterCount = statistics.characterCount
        if includeSignals {
            record.enrichment.signals.merge(statistics.signals) { _, new in new }
        }
        if statistics.wordCount < minWords { return .drop(reason: "too short") }
        return .keep(record)
    }
}

/// Normalises language tags as pages declare them (`en-US`, `EN_gb`, `zh-Hant-TW`).
public enum LanguageTag {
    /// The lower-cased primary language subtag of a BCP 47 tag, or `nil` when `tag` is not one (`english`,
    /// `und`, private-use `x-…`, an empty string).
    public static func primarySubtag(of tag: String) -> String? {
        let trimmed = tag.trimmingWhitespace()
        let primary = trimmed.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        let lowered = primary.lowercased()
        // "und" means undetermined; "mul" multiple; "zxx" no linguistic content: none names a language.
        if ["und", "mul", "zxx", "mis"].contains(lowered) { return nil }
        return lowered
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
