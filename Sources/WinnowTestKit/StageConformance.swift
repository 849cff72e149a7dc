public import Logging
public import WinnowCore

/// The problems `checkStageConformance` found in a stage.
public struct StageConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// One sentence per problem, naming the input that caused it.
    public var problems: [String]

    public var description: String {
        "stage does not conform:\n" + problems.map { "- \($0)" }.joined(separator: "\n")
    }
}

/// Checks that a stage honours the `Stage` contract on awkward inputs; throws `StageConformanceFailure`
/// listing every problem found.
///
/// The stage is prepared once, then given: a record without a body, an empty body, a body of about 8 MB,
/// bytes that are not valid UTF-8 (with NULs and truncated sequences), unbalanced HTML and `sample`. Each call
/// must return or throw within `timeLimit`; a kept record must keep its id. Unless the stage declares
/// `inputOrder`, `sample` is then processed 16 times concurrently and each result must equal the sequential
/// one (which catches state shared between calls). Finally the stage is finished.
///
/// ```swift
/// @Test func conforms() async throws {
///     try await checkStageConformance(MyStage())
/// }
/// ```
public func checkStageConformance(
    _ stage: any Stage, sample: Record = ConformanceInputs.article, timeLimit: Duration = .seconds(30),
    logger: Logger = Logger(label: "winnow.conformance")
) async throws {
    var problems: [String] = []
    do {
        try await stage.prepare(context: LifecycleContext(logger: logger))
    } catch {
        throw StageConformanceFailure(problems: ["prepare threw: \(error)"])
    }
    let inputs: [(String, Record)] = [
        ("a record without a body", Record(id: "conformance-no-body", url: "https://example.com/no-body")),
        ("an empty body", ConformanceInputs.record("conformance-empty", bytes: [])),
        ("a body of about 8 MB", ConformanceInputs.huge),
        ("invalid UTF-8 bytes", ConformanceInputs.invalidBytes),
        ("unbalanced HTML", ConformanceInputs.record("conformance-unbalanced", bytes: Array("<html><body><div><p>open <b>bold <i>both</div></table></html".utf8))),
        ("the sample record", sample),
    ]
    var sampleOutcome: Summary?
    let clock = ContinuousClock()
    for (index, (label, record)) in inputs.enumerated() {
        let started = clock.now
        let result = await call(stage, on: record, index: index, logger: logger)
        let elapsed = started.duration(to: clock.now)
        if elapsed > timeLimit {
            problems.append("\(label): took \(elapsed), over the limit of \(timeLimit)")
        }
        if case .success(.keep(let kept)) = result, kept.id != record.id {
            problems.append("\(label): the kept record's id changed from \"\(record.id)\" to \"\(kept.id)\"")
        }
        if case .success(.drop(let reason)) = result, reason.isEmpty {
            problems.append("\(label): dropped with an empty reason")
        }
        if record.id == sample.id { sampleOutcome = Summary(result) }
    }

    if ordering(of: stage) == .concurrent, let expected = sampleOutcome {
        let outcomes = await withTaskGroup(of: Summary.self) { group in
            for index in 0..<16 {
                group.addTask { Summary(await call(stage, on: sample, index: index, logger: logger)) }
            }
            return await group.reduce(into: [Summary]()) { $0.append($1) }
        }
        let differing = outcomes.filter { $0 != expected }
        if !differing.isEmpty {
            problems.append(
                "concurrent calls: \(differing.count) of 16 results differ from the sequential one "
                    + "(expected \(expected), got \(differing[0])); keep per-record state out of the stage")
        }
    }

    do {
        try await stage.finish(context: LifecycleContext(logger: logger))
    } catch {
        problems.append("finish threw: \(error)")
    }
    if !problems.isEmpty { throw StageConformanceFailure(problems: problems) }
}

private func call(_ stage: any Stage, on record: Record, index: Int, logger: Logger) async -> Result<StageOutcome, any Error> {
    let context = StageContext(logger: logger, recordIndex: index, stageIndex: 0, workspace: RecordWorkspace())
    do {
        return .success(try await stage.process(record, context: context))
    } catch {
        return .failure(error)
    }
}

/// A comparable summary of one outcome.
private enum Summary: Equatable, Sendable, CustomStringConvertible {
    case kept(Record)
    case dropped(String)
    case failed(String)

    init(_ result: Result<StageOutcome, any Error>) {
        switch result {
        case .success(.keep(let record)): self = .kept(record)
        case .success(.drop(let reason)): self = .dropped(reason)
        case .failure(let error): self = .failed(String(describing: error))
        }
    }

    var description: String {
        switch self {
        case .kept(let record): "kept \"\(record.id)\""
        case .dropped(let reason): "dropped (\(reason))"
        case .failed(let message): "failed (\(message))"
        }
    }
}

/// The inputs `checkStageConformance` uses, available for stage tests of their own.
public enum ConformanceInputs {
    /// A record with an HTML body.
    public static func record(_ id: String, bytes: [UInt8], contentType: String? = "text/html") -> Record {
        Record(
            id: id, url: "https://example.com/\(id)", provenance: Provenance(source: "conformance", offset: 0),
            body: Body(bytes: bytes, contentType: contentType))
    }

    /// A short article page with a title, headings, paragraphs and boilerplate.
    public static var article: Record {
        record("conformance-article", bytes: Array("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Rivers in spring</title>
            <meta name="description" content="How snowmelt feeds the rivers."></head>
            <body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
            <article><h1>Rivers in spring</h1>
            <p>Every spring the snow in the high valleys melts and the rivers rise. The water carries silt down
            to the plains, where farmers have waited for it for centuries.</p>
            <h2>Floods</h2>
            <p>In some years the melt comes early and fast. Then the rivers leave their beds, and the towns on
            their banks prepare sandbags and pumps.</p>
            <ul><li>Snowmelt</li><li>Rain</li><li>Glaciers</li></ul></article>
            <footer>© 2026 Example News · <a href="/privacy">Privacy</a></footer></body></html>
            """.utf8))
    }

    /// About 8 MB of valid HTML paragraphs.
    public static var huge: Record {
        let paragraph = Array("<p>This paragraph is repeated to make a very large page; the stage must cope.</p>\n".utf8)
        var bytes = Array("<html><head><title>Huge</title></head><body><article>".utf8)
        bytes.reserveCapacity(8_400_000)
        while bytes.count < 8_000_000 { bytes.append(contentsOf: paragraph) }
        bytes.append(contentsOf: Array("</article></body></html>".utf8))
        return record("conformance-huge", bytes: bytes)
    }

    /// Bytes that are not valid UTF-8: NULs, stray continuation bytes, truncated sequences, 0xFE/0xFF.
    public static var invalidBytes: Record {
        var bytes: [UInt8] = Array("<html><body><p>".utf8)
        bytes += [0x00, 0xFF, 0xFE, 0x80, 0xBF, 0xC3, 0x28, 0xE2, 0x82, 0xF0, 0x9F, 0x92, 0x00, 0x41]
        var state: UInt32 = 0x9E37_79B9
        for _ in 0..<4096 {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            bytes.append(UInt8(truncatingIfNeeded: state))
        }
        bytes += Array("</p></body></html>".utf8)
        return record("conformance-invalid", bytes: bytes)
    }
}
