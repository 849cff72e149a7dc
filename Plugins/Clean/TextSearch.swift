/// Substring search over UTF-8 bytes, without Foundation (whose `contains` goes through CFString and costs
/// far more on hot paths).
enum TextSearch {
    /// Whether `needle` occurs in `text`, compared byte for byte.
    static func contains(_ text: String, _ needle: String) -> Bool {
        let haystack = text.utf8
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return true }
        guard haystack.count >= pattern.count else { return false }
        var index = haystack.startIndex
        let last = haystack.index(haystack.endIndex, offsetBy: -pattern.count)
        while index <= last {
            if haystack[index] == first {
                var candidate = haystack.index(after: index)
                var offset = 1
                while offset < pattern.count, haystack[candidate] == pattern[offset] {
                    candidate = haystack.index(after: candidate)
                    offset += 1
                }
                if offset == pattern.count { return true }
            }
            index = haystack.index(after: index)
        }
        return false
    }
}
