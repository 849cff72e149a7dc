/// An input of a pipeline: a file tree, an archive, a list of URLs. It produces records one at a time.
///
/// Implementation requirements: `makeReader()` is called once per run. The reader is pulled by one task
/// only as fast as the pipeline consumes, so a source never holds more than the record it is producing.
/// A record that cannot be read (unreadable file, corrupt archive member) is reported as
/// `SourceItem.failure` so the run counts it and goes on; throw only when the whole input is unusable.
public protocol RecordSource: Sendable {
    /// Opens the input for reading.
    func makeReader() async throws -> any RecordReader
}

/// Produces the records of one input, in order; used from one task at a time.
public protocol RecordReader: AnyObject {
    /// The next record or read failure, or `nil` at the end of the input.
    func next() async throws -> SourceItem?

    /// Bytes of input consumed so far (for progress).
    var bytesRead: Int64 { get }

    /// The total size of the input in bytes, when known before reading (for the ETA).
    var totalBytes: Int64? { get }

    /// Releases files and other resources; called once, also after an interrupt.
    func close()
}

extension RecordReader {
    public var totalBytes: Int64? { nil }
    public func close() {}
}

/// One item produced by a source: a record, or the failure to read one.
public enum SourceItem: Sendable {
    case record(Record)
    case failure(ReadFailure)
}

/// A record that could not be read: which one, from where, and why.
public struct ReadFailure: Error, Sendable {
    /// The id the record would have had.
    public var recordID: String
    /// The input file (or other source) it was read from.
    public var source: String
    /// What went wrong.
    public var error: StageError

    public init(recordID: String, source: String, error: StageError) {
        self.recordID = recordID
        self.source = source
        self.error = error
    }
}
