public import WinnowCore

/// Limits that bound the cost of parsing one document.
///
/// A document over a limit fails with a `StageError` whose code is `.tooLarge`, naming the size and the limit.
public struct HTMLLimits: Sendable, Hashable {
    /// The largest body accepted, in bytes (default 32 MiB).
    public var maxBytes: Int
    /// The largest number of nodes (elements, text, comments) the parsed tree may hold (default 2,000,000).
    public var maxNodes: Int

    public init(maxBytes: Int = 32 << 20, maxNodes: Int = 2_000_000) {
        self.maxBytes = maxBytes
        self.maxNodes = maxNodes
    }

    /// 32 MiB and 2,000,000 nodes.
    public static let `default` = HTMLLimits()
}

extension StageError.Code {
    /// A CSS selector uses syntax the selector engine does not support, or is malformed.
    public static let invalidSelector: StageError.Code = "invalid-selector"
}

/// Formats a byte count for messages ("23.4 MB").
func formatBytes(_ count: Int) -> String {
    if count < 1_000 { return "\(count) bytes" }
    if count < 1_000_000 { return "\(count / 1_000) kB" }
    let tenths = (count + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10) MB"
}
