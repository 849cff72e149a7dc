import Foundation
import Logging
import Testing
import WinnowCore
import WinnowTestKit
@testable import EnrichStage

private func makeEnrichStage(_ values: [String: JSONValue] = [:]) throws -> EnrichStage {
    try EnrichStage(
        setup: StageSetup(
            options: StageOptions(values, applying: EnrichStage.descriptor.options),
            baseDirectory: FileManager.default.temporaryDirectory))
}

private func enrich(_ record: Record, with stage: EnrichStage) async throws -> StageOutcome {
    try await stage.process(
        record,
        context: StageContext(
            logger: Logger(label: "enrich-test"), recordIndex: 0, stageIndex: 0, workspace: RecordWorkspace()))
}

/// The record of a `.keep` outcome, or `nil` for a drop.
private func kept(_ outcome: StageOutcome) -> Record? {
    if case .keep(let record) = outcome { record } else { nil }
}

/// A short article as the parse stage would leave it: paragraphs separated by blank lines.
private let englishArticle = """
    U.S. Secretary of State Antony Blinken met Russia's Sergei Lavrov in Geneva on Friday.

    The talks lasted 90 minutes. "We didn't expect a breakthrough," an official said.

    NATO allies were briefed afterwards
    """

struct EnrichStageTests {
    @Test("counts words and characters of English text, keeping contractions whole")
    func englishCounts() async throws {
        let stage = try makeEnrichStage()
        let record = try #require(kept(
            await enrich(Record(id: "a", content: ExtractedContent(text: englishArticle)), with: stage)))
        // U S Secretary of State Antony Blinken met Russia's Sergei Lavrov in Geneva on Friday = 15
        // The talks lasted 90 minutes We didn't expect a breakthrough an official said = 13
        // NATO allies were briefed afterwards = 5
        #expect(record.enrichment.wordCount == 33)
        #expect(record.enrichment.characterCount == englishArticle.unicodeScalars.count)
        #expect(record.warnings.isEmpty)
    }

    @Test("counts each Han and kana character as a word, and Latin runs inside CJK text as words")
    func cjkCounts() throws {
        #expect(TextStatistics("東京は日本の首都です。").wordCount == 10)
        #expect(TextStatistics("我们使用 Swift 6 编写").wordCount == 8)
        #expect(TextStatistics("서울은 한국의 수도입니다").wordCount == 3)
        #expect(TextStatistics("Grüße aus Zürich, naïve café").wordCount == 5)
        #expect(TextStatistics("").wordCount == 0)
        #expect(TextStatistics(" \n\t ").wordCount == 0)
    }

    @Test("signals describe lines, paragraphs, punctuation, digits, case and repeated lines")
    func signals() throws {
        let text = "HELLO world.\nHELLO world.\n\nShare this 2024\n"
        let statistics = TextStatistics(text)
        let signals = statistics.signals
        #expect(signals["lineCount"] == 3)
        #expect(signals["paragraphCount"] == 2)
        #expect(signals["duplicateLineRatio"] == .number(0.3333))
        #expect(signals["terminalPunctuationLineRatio"] == .number(0.6667))
        // Cased letters: HELLO world ×2 = 20 (10 upper), Share this = 9 (1 upper).
        #expect(signals["uppercaseRatio"] == .number(((11.0 / 29.0) * 10_000).rounded() / 10_000))
        // Visible scalars: "HELLO world." 11 ×2 = 22, "Share" 5 + "this" 4 + "2024" 4 = 13: 35 in all.
        #expect(signals["digitRatio"] == .number(((4.0 / 35.0) * 10_000).rounded() / 10_000))
        #expect(signals["punctuationRatio"] == .number(((2.0 / 35.0) * 10_000).rounded() / 10_000))
        #expect(signals["meanWordLength"] == .number(((33.0 / 7.0) * 10_000).rounded() / 10_000))
    }

    @Test("records the declared language as its lower-cased primary subtag")
    func declaredLanguage() async throws {
        let stage = try makeEnrichStage()
        for (declared, expected) in [("en-US", "en"), ("DE_ch", "de"), ("zh-Hant-TW", "zh"), (" fr ", "fr"), ("gsw", "gsw")] {
            let record = try #require(kept(
                await enrich(
                    Record(id: declared, content: ExtractedContent(text: "x"), metadata: Metadata(language: declared)),
                    with: stage)))
            #expect(record.enrichment.language == expected)
            #expect(record.enrichment.languageSource == "declared")
        }
    }

    @Test("a declared language that is not a BCP 47 tag gives a warning and no language")
    func invalidLanguage() async throws {
        let stage = try makeEnrichStage()
        for declared in ["english", "und", "x-klingon", ""] {
            let record = try #require(kept(
                await enrich(
                    Record(id: "x", content: ExtractedContent(text: "words"), metadata: Metadata(language: declared)),
                    with: stage)))
            #expect(record.enrichment.language == nil)
            #expect(record.enrichment.languageSource == nil)
            #expect(record.warnings.count == 1)
        }
    }

    @Test("a record without content keeps its counts empty and gets a warning")
    func noContent() async throws {
        let record = try #require(kept(await enrich(Record(id: "raw"), with: try makeEnrichStage())))
        #expect(record.enrichment.wordCount == nil)
        #expect(record.enrichment.characterCount == nil)
        #expect(record.warnings.first?.contains("no extracted content") == true)
    }

    @Test("minWords drops short texts as too short, and records without content as no content")
    func minWords() async throws {
        let stage = try makeEnrichStage(["minWords": 20])
        guard case .drop(let reason) = try await enrich(
            Record(id: "short", content: ExtractedContent(text: "Only four words here.")), with: stage)
        else {
            Issue.record("a four-word text was not dropped")
            return
        }
        #expect(reason == "too short")
        guard case .drop(let missing) = try await enrich(Record(id: "none"), with: stage) else {
            Issue.record("a record without content was not dropped")
            return
        }
        #expect(missing == "no content")
        let long = try #require(kept(await enrich(Record(id: "long", content: ExtractedContent(text: englishArticle)), with: stage)))
        #expect(long.enrichment.wordCount == 33)
    }

    @Test("signals can be switched off, and existing signals from other stages are kept")
    func signalsOption() async throws {
        var record = Record(id: "s", content: ExtractedContent(text: englishArticle))
        record.enrichment.signals["simhash"] = "abc"
        let withSignals = try #require(kept(await enrich(record, with: try makeEnrichStage())))
        #expect(withSignals.enrichment.signals["simhash"] == "abc")
        #expect(withSignals.enrichment.signals["lineCount"] == 3)
        let without = try #require(kept(await enrich(record, with: try makeEnrichStage(["signals": false]))))
        #expect(without.enrichment.signals == ["simhash": "abc"])
        #expect(without.enrichment.wordCount == 33)
    }

    @Test("passes the stage conformance checks, with and without a word minimum")
    func conformance() async throws {
        var sample = ConformanceInputs.article
        sample.content = ExtractedContent(text: englishArticle)
        try await checkStageConformance(try makeEnrichStage(), sample: sample)
        try await checkStageConformance(try makeEnrichStage(["minWords": 10]), sample: sample)
    }
}
