public import WinnowCore

/// The parsed document of a record, with the body revision it was parsed from.
struct CachedHTMLDocument {
    var revision: UInt64
    var document: HTMLDocument
}

/// The workspace key under which the parsed document of a record is kept.
enum HTMLDocumentKey: WorkspaceKey {
    typealias Value = CachedHTMLDocument
}

extension StageContext {
    /// The record's body parsed as HTML, parsed once and shared by every stage that asks for it.
    ///
    /// The document is cached in `workspace` with the body's revision; when a stage has replaced the body
    /// since, the new body is parsed. Edits a stage makes to the document are seen by later stages.
    /// - Throws: `StageError(.invalidInput)` when the record has no body; the errors of
    ///   `HTMLDocument.init(bytes:transportCharset:url:limits:)`.
    public func htmlDocument(for record: Record, limits: HTMLLimits = .default) throws -> HTMLDocument {
        guard let body = record.body else {
            throw StageError(.invalidInput, "record '\(record.id)' has no body to parse as HTML")
        }
        if let cached = workspace[HTMLDocumentKey.self], cached.revision == body.revision {
            return cached.document
        }
        let document = try HTMLDocument(bytes: body.bytes, transportCharset: body.charset, url: record.url, limits: limits)
        workspace[HTMLDocumentKey.self] = CachedHTMLDocument(revision: body.revision, document: document)
        return document
    }
}
