import Foundation
import Testing
public import WinnowCore
import WinnowTestKit

/// The stage shown in README.md's "Writing a stage", kept here word for word so the example always compiles
/// (this package imports internally by default, hence `public import` above).
public struct MinimumLengthStage: ConfigurableStage {
    public static let descriptor = StageDescriptor(
        name: "min-length",
        summary: "Drops records whose extracted text is shorter than minCharacters.",
        options: [OptionSpec("minCharacters", .integer(0...1_000_000), default: 200, summary: "The shortest text kept.")])

    let minimum: Int

    public init(setup: StageSetup) throws {
        minimum = setup.options.int("minCharacters") ?? 200
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        guard let text = record.content?.text else { throw StageError(.invalidInput, "no content: run parse first") }
        return text.count < minimum ? .drop(reason: "too short") : .keep(record)
    }
}

/// The README's example stage works as the README says.
struct ReadmeExampleStageTests {
    @Test("the README's example stage keeps long texts, drops short ones and fails records without content")
    func exampleStageBehaves() async throws {
        let options = StageOptions(["minCharacters": 10], applying: MinimumLengthStage.descriptor.options)
        let stage = try MinimumLengthStage(setup: StageSetup(options: options, baseDirectory: URL(fileURLWithPath: "/")))
        let long = Record(id: "long", content: ExtractedContent(text: "long enough text"))
        let short = Record(id: "short", content: ExtractedContent(text: "short"))
        let empty = Record(id: "empty")
        let results = await runStage(stage, on: [long, short, empty])
        guard case .success(.keep(let kept)) = results[0] else { Issue.record("long text was not kept"); return }
        #expect(kept.id == "long")
        guard case .success(.drop(let reason)) = results[1] else { Issue.record("short text was not dropped"); return }
        #expect(reason == "too short")
        guard case .failure = results[2] else { Issue.record("a record without content did not fail"); return }
    }
}
