import Logging
import Testing
import WinnowCore
import WinnowHTML

@Suite struct HTMLDocumentWorkspaceCache {
    func context() -> StageContext {
        StageContext(logger: Logger(label: "test"), recordIndex: 0, stageIndex: 0, workspace: RecordWorkspace())
    }

    @Test("the document is parsed once per body and shared, edits included")
    func parsesOnce() throws {
        let context = context()
        let record = Record(id: "r1", url: "https://example.com/a", body: Body(bytes: Array("<p>one</p><div class=ad>ad</div>".utf8)))
        let first = try context.htmlDocument(for: record)
        first.select(try CSSSelector(".ad")).forEach { $0.remove() }
        let second = try context.htmlDocument(for: record)
        #expect(first === second)
        #expect(second.body?.normalizedText == "one")
        #expect(second.url == "https://example.com/a")
    }

    @Test("a replaced body is parsed again")
    func reparsesChangedBody() throws {
        let context = context()
        var record = Record(id: "r1", body: Body(bytes: Array("<p>one</p>".utf8)))
        let first = try context.htmlDocument(for: record)
        record.body?.bytes = Array("<p>two</p>".utf8)
        let second = try context.htmlDocument(for: record)
        #expect(first !== second)
        #expect(second.body?.normalizedText == "two")
        #expect(try context.htmlDocument(for: record) === second)
    }

    @Test("the transport charset of the body is used")
    func usesBodyCharset() throws {
        let record = Record(id: "r1", body: Body(bytes: Array("<p>".utf8) + [0x66, 0xFC, 0x72] + Array("</p>".utf8), charset: "latin1"))
        let document = try context().htmlDocument(for: record)
        #expect(document.body?.normalizedText == "für")
        #expect(document.charsetSource == .transport)
    }

    @Test("a record without a body fails with invalidInput; an oversized one with tooLarge")
    func errors() throws {
        let missing = #expect(throws: StageError.self) { try context().htmlDocument(for: Record(id: "nobody")) }
        #expect(missing?.code == .invalidInput)
        #expect(missing?.message.contains("nobody") == true)
        let big = Record(id: "big", body: Body(bytes: [UInt8](repeating: 0x61, count: 2_000)))
        let tooLarge = #expect(throws: StageError.self) {
            try context().htmlDocument(for: big, limits: HTMLLimits(maxBytes: 1_000))
        }
        #expect(tooLarge?.code == .tooLarge)
    }
}
