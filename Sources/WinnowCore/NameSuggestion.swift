/// Finds the closest known name to a misspelled one, for "did you mean …?" hints.
public enum NameSuggestion {
    /// The candidate nearest to `name` by edit distance, if it is near enough to be a plausible typo.
    public static func closest(to name: String, among candidates: [String]) -> String? {
        let lowered = name.lowercased()
        let scored = candidates.map { ($0, distance(Array(lowered), Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let limit = max(2, min(lowered.count, best.0.count) / 3)
        return best.1 <= limit ? best.0 : nil
    }

    /// The hint ` (did you mean "clean"?)` naming the candidate closest to `name`, or `nil` when none is near
    /// enough; append it to an "unknown …" message.
    public static func hint(for name: String, among candidates: [String]) -> String? {
        closest(to: name, among: candidates).map { " (did you mean \"\($0)\"?)" }
    }

    /// Levenshtein distance between two character arrays.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
