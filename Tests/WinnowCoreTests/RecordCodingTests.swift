import Foundation
import Testing
import WinnowCore

struct RecordCodingTests {
    static var fullRecord: Record {
        Record(
            id: "pages/rivers.html", url: "https://example.com/rivers",
            provenance: Provenance(source: "crawl.warc.gz", offset: 1234, length: 5678),
            fetch: FetchInfo(status: 200, headers: [HTTPHeader(name: "Content-Type", value: "text/html; charset=utf-8")],
                             date: "2026-11-29T09:00:00Z", finalURL: "https://example.com/rivers/"),
            body: Body(bytes: Array("<html><body><p>Grüße \u{1F30A}</p></body></html>".utf8) + [0xFF, 0x00], contentType: "text/html", charset: "utf-8"),
            content: ExtractedContent(
                title: "Rivers", text: "Grüße", markdown: "# Rivers\n\nGrüße",
                blocks: [ContentBlock(kind: .heading, text: "Rivers", level: 1), ContentBlock(kind: .list, text: "a\nb", items: ["a", "b"], ordered: false)],
                links: [.init(url: "https://example.com/", text: "home")]),
            metadata: Metadata(title: "Rivers", authors: ["A. Writer"], published: "2026-11-01", tags: ["water"], language: "de"),
            enrichment: Enrichment(language: "de", languageSource: "declared", wordCount: 1, characterCount: 5, signals: ["quality": 0.75]),
            extensions: ["custom": ["nested": [1, "two", true, .null]]],
            warnings: ["charset utf-8 assumed"])
    }

    func roundTrip(_ record: Record, includeBody: Bool) throws -> (Record, [String: JSONValue]) {
        let encoder = JSONEncoder()
        if includeBody { encoder.userInfo[.includeBody] = true }
        let data = try encoder.encode(record)
        let object = try JSONDecoder().decode(JSONValue.self, from: data).objectValue ?? [:]
        return (try JSONDecoder().decode(Record.self, from: data), object)
    }

    @Test("a record with its body survives a JSON round trip unchanged")
    func roundTripsWithBody() throws {
        let (decoded, object) = try roundTrip(Self.fullRecord, includeBody: true)
        #expect(decoded == Self.fullRecord)
        #expect(object["schema"] == .number(Double(Record.schemaVersion)))
        #expect(object["body"]?.objectValue?["length"] == .number(Double(Self.fullRecord.body?.bytes.count ?? 0)))
    }

    @Test("without includeBody the body is left out and everything else survives")
    func roundTripsWithoutBody() throws {
        let (decoded, object) = try roundTrip(Self.fullRecord, includeBody: false)
        #expect(object["body"] == nil)
        var expected = Self.fullRecord
        expected.body = nil
        #expect(decoded == expected)
    }

    @Test("a minimal record encodes only its id, schema and empty metadata and enrichment")
    func encodesMinimalRecord() throws {
        let (decoded, object) = try roundTrip(Record(id: "only-id"), includeBody: true)
        #expect(decoded == Record(id: "only-id"))
        #expect(Set(object.keys) == ["schema", "id", "metadata", "enrichment"])
    }

    @Test("a body that is not base64 is a decoding error")
    func rejectsBadBase64() {
        let json = #"{"id": "x", "body": {"base64": "***", "length": 3}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Record.self, from: Data(json.utf8)) }
    }
}
