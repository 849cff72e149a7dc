import Foundation

/// Admits requests to each host: at most `limit` in flight per host, the others wait their turn in order.
///
/// Every request of the fetch stage passes through the gate, so per-host politeness (robots.txt, crawl
/// delays) belongs here.
actor HostGate {
    private let limit: Int
    private var active: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The key requests are grouped by: lower-cased host plus port when one is given.
    static func key(for url: URL) -> String {
        let host = url.host?.lowercased() ?? ""
        return url.port.map { "\(host):\($0)" } ?? host
    }

    /// Runs `operation` once the host has a free slot, and frees the slot afterwards.
    nonisolated func withPermit<T: Sendable>(
        for host: String, _ operation: @Sendable () async throws -> T
    ) async throws -> T {
        await acquire(host)
        do {
            let result = try await operation()
            await release(host)
            return result
        } catch {
            await release(host)
            throw error
        }
    }

    private func acquire(_ host: String) async {
        if active[host, default: 0] < limit {
            active[host, default: 0] += 1
            return
        }
        // The slot is handed over by `release`, which counts it for this waiter before resuming it.
        await withCheckedContinuation { continuation in
            waiting[host, default: []].append(continuation)
        }
    }

    private func release(_ host: String) {
        if var queue = waiting[host], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[host] = queue.isEmpty ? nil : queue
            next.resume()
            return
        }
        let remaining = active[host, default: 1] - 1
        active[host] = remaining > 0 ? remaining : nil
    }
}
