import Synchronization
import Testing
import WinnowCore
import WinnowRunner
import WinnowTestKit

/// Upper-cases nothing but records the body length: a well-behaved stage.
struct BodyLength: Stage {
    func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        guard let body = record.body else { return .drop(reason: "no body") }
        if body.bytes.isEmpty { throw StageError(.invalidInput, "empty body") }
        var changed = record
        changed.extensions["length"] = .number(Double(body.bytes.count))
        return .keep(changed)
    }
}

/// Renames records: breaks the id rule.
struct Renamer: Stage {
    func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        var changed = record
        changed.id = "renamed"
        return .keep(changed)
    }
}

/// Numbers records with a counter kept in the stage: breaks the no-shared-state rule.
final class SharedCounter: Stage {
    private let counter = Atomic<Int>(0)

    func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        var changed = record
        changed.extensions["n"] = .number(Double(counter.add(1, ordering: .relaxed).newValue))
        return .keep(changed)
    }
}

struct StageConformanceTests {
    @Test("a well-behaved stage passes the conformance check")
    func acceptsGoodStage() async throws {
        try await checkStageConformance(BodyLength())
    }

    @Test("a stage that changes record ids fails the conformance check")
    func rejectsRenamer() async {
        await #expect(throws: StageConformanceFailure.self) { try await checkStageConformance(Renamer()) }
    }

    @Test("a stage with state shared between calls fails the concurrency check")
    func rejectsSharedState() async {
        do {
            try await checkStageConformance(SharedCounter())
            Issue.record("the check must fail")
        } catch let failure as StageConformanceFailure {
            #expect(failure.problems.count == 1)
            #expect(failure.problems.first?.hasPrefix("concurrent calls") == true)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("runStage returns one result per record, in order")
    func runsOneStage() async throws {
        let records = [
            Record(id: "a", body: Body(bytes: [1, 2, 3])), Record(id: "b"), Record(id: "c", body: Body(bytes: [])),
        ]
        let results = await runStage(BodyLength(), on: records)
        #expect(try results[0].get().keptRecord?.extensions["length"] == 3)
        #expect(try results[1].get().dropReason == "no body")
        #expect(throws: StageError.self) { try results[2].get() }
    }

    @Test("runPipeline runs stages with the real runner and returns outputs and errors")
    func runsPipeline() async throws {
        let result = try await runPipeline([FailEverySeventh(), RandomDelay()], on: numberedRecords(30), concurrency: 4)
        #expect(result.outputs.map(\.id) == (0..<30).filter { ($0 + 1) % 7 != 0 }.map { "r\($0)" })
        #expect(result.errors.count == 4)
        #expect(result.report.isBalanced)
    }
}
