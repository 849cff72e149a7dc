public import WinnowCore

/// A source that produces records (and read failures) from an array, for tests.
///
/// ```swift
/// let source = InMemorySource(records: (0..<100).map { Record(id: "r\($0)") })
/// ```
public struct InMemorySource: RecordSource {
    /// The items produced, in order.
    public var items: [SourceItem]
    /// The size reported as `totalBytes` and consumed per item (for progress tests).
    public var bytesPerItem: Int64

    public init(items: [SourceItem], bytesPerItem: Int64 = 0) {
        self.items = items
        self.bytesPerItem = bytesPerItem
    }

    public init(records: [Record], bytesPerItem: Int64 = 0) {
        self.init(items: records.map(SourceItem.record), bytesPerItem: bytesPerItem)
    }

    public func makeReader() async throws -> any RecordReader {
        InMemoryReader(items: items, bytesPerItem: bytesPerItem)
    }

    /// Records with ids `record-0`, `record-1`, … and a small HTML body each.
    public static func numbered(_ count: Int, prefix: String = "record-") -> InMemorySource {
        InMemorySource(records: (0..<count).map { index in
            Record(
                id: "\(prefix)\(index)", provenance: Provenance(source: "memory", offset: Int64(index)),
                body: Body(bytes: Array("<html><body><p>Record \(index)</p></body></html>".utf8), contentType: "text/html"))
        })
    }
}

/// Hands out the items of an `InMemorySource`.
final class InMemoryReader: RecordReader {
    private let items: [SourceItem]
    private let bytesPerItem: Int64
    private var position = 0

    init(items: [SourceItem], bytesPerItem: Int64) {
        self.items = items
        self.bytesPerItem = bytesPerItem
    }

    func next() async throws -> SourceItem? {
        guard position < items.count else { return nil }
        defer { position += 1 }
        return items[position]
    }

    var bytesRead: Int64 { Int64(position) * bytesPerItem }

    var totalBytes: Int64? { bytesPerItem > 0 ? Int64(items.count) * bytesPerItem : nil }
}
