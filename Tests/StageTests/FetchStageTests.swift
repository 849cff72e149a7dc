#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import Synchronization
import Testing
import WinnowCore
@testable import FetchStage

/// One canned answer of the test server.
private struct CannedResponse: Sendable {
    var status: Int
    var headers: [String] = []
    var body: [UInt8] = []
    /// How long the server waits before answering.
    var delay: Duration = .zero
    /// Whether to send `Content-Length` (otherwise the body ends when the connection closes).
    var declaresLength = true
}

/// A small HTTP/1.1 server on 127.0.0.1 and an ephemeral port, answering each path with canned responses.
///
/// It accepts on a dedicated thread and answers each connection on its own thread (one request per
/// connection). The n-th request to a path gets the n-th canned response (the last one repeats). It stops
/// when `stop()` is called or, at the latest, after 60 seconds.
private final class TestHTTPServer: Sendable {
    private struct State {
        var hits: [String: Int] = [:]
        var inFlight = 0
        var peakInFlight = 0
        var userAgents: [String] = []
    }

    let port: UInt16
    private let listener: Int32
    private let routes: [String: [CannedResponse]]
    private let state = Mutex(State())
    private let stopped = Atomic<Bool>(false)

    init(routes: [String: [CannedResponse]]) throws {
        self.routes = routes
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var reuse: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func hits(_ path: String) -> Int { state.withLock { $0.hits[path, default: 0] } }

    var peakInFlight: Int { state.withLock { $0.peakInFlight } }

    var userAgents: [String] { state.withLock { $0.userAgents } }

    func stop() { stopped.store(true, ordering: .sequentiallyConsistent) }

    private func acceptLoop() {
        let deadline = ContinuousClock.now + .seconds(60)
        while !stopped.load(ordering: .sequentiallyConsistent) && ContinuousClock.now < deadline {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            let worker = Thread { [self] in answer(connection) }
            worker.start()
        }
        close(listener)
    }

    private func answer(_ connection: Int32) {
        defer { close(connection) }
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.contains(subsequence: Array("\r\n\r\n".utf8)) && request.count < 65_536 {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            request += buffer[0..<count]
        }
        let lines = String(decoding: request, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2 else { return }
        let path = String(parts[1])
        let agent = lines.first { $0.lowercased().hasPrefix("user-agent:") }.map { String($0.dropFirst(11)).trimmingCharacters(in: .whitespaces) }
        let hit = state.withLock { state -> Int in
            state.hits[path, default: 0] += 1
            state.inFlight += 1
            state.peakInFlight = max(state.peakInFlight, state.inFlight)
            if let agent { state.userAgents.append(agent) }
            return state.hits[path, default: 0]
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        let responses = routes[path] ?? [CannedResponse(status: 404, body: Array("no such page".utf8))]
        let response = responses[min(hit, responses.count) - 1]
        if response.delay > .zero { Thread.sleep(forTimeInterval: Double(response.delay.components.seconds) + Double(response.delay.components.attoseconds) / 1e18) }
        var head = "HTTP/1.1 \(response.status) Canned\r\nConnection: close\r\n"
        if response.declaresLength { head += "Content-Length: \(response.body.count)\r\n" }
        for header in response.headers { head += header + "\r\n" }
        let bytes = Array((head + "\r\n").utf8) + response.body
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard count >= subsequence.count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}

private func makeFetchStage(_ values: [String: JSONValue] = [:]) throws -> FetchStage {
    try FetchStage(
        setup: StageSetup(
            options: StageOptions(values, applying: FetchStage.descriptor.options),
            baseDirectory: FileManager.default.temporaryDirectory))
}

private func fetch(_ record: Record, with stage: FetchStage) async throws -> Record {
    let outcome = try await stage.process(
        record,
        context: StageContext(logger: Logger(label: "fetch-test"), recordIndex: 0, stageIndex: 0, workspace: RecordWorkspace()))
    guard case .keep(let kept) = outcome else { throw StageError(.internal, "the fetch stage dropped a record") }
    return kept
}

/// "Grüße" in ISO-8859-1: the body must arrive byte for byte, undecoded.
private let latin1Page: [UInt8] = Array("<html><head><title>Gr".utf8) + [0xFC, 0xDF, 0x65] + Array("</title></head><body>Hallo</body></html>".utf8)

private let routes: [String: [CannedResponse]] = [
    "/page": [CannedResponse(status: 200, headers: ["Content-Type: text/html; charset=\"ISO-8859-1\"", "X-Test: yes"], body: latin1Page)],
    "/moved": [CannedResponse(status: 301, headers: ["Location: /page"])],
    "/missing": [CannedResponse(status: 404, body: Array("gone".utf8))],
    "/flaky": [CannedResponse(status: 500), CannedResponse(status: 200, headers: ["Content-Type: text/html"], body: Array("<p>second time lucky</p>".utf8))],
    "/down": [CannedResponse(status: 503, headers: ["Retry-After: 0"])],
    "/huge": [CannedResponse(status: 200, headers: ["Content-Type: text/html"], body: [UInt8](repeating: 0x61, count: 3_000_000))],
    "/huge-stream": [CannedResponse(status: 200, headers: ["Content-Type: text/html"], body: [UInt8](repeating: 0x62, count: 3_000_000), declaresLength: false)],
    "/slow": [CannedResponse(status: 200, body: Array("late".utf8), delay: .seconds(8))],
    "/busy": [CannedResponse(status: 200, body: Array("ok".utf8), delay: .milliseconds(300))],
]

struct FetchStageTests {
    @Test("fetches a page: status, headers, final URL, date, raw bytes, media type and charset")
    func fetchesPage() async throws {
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let stage = try makeFetchStage(["userAgent": "WinnowTest/1.0"])
        let record = try await fetch(Record(id: "p", url: server.url("/page")), with: stage)
        #expect(record.fetch?.status == 200)
        #expect(record.fetch?.header("x-test") == "yes")
        #expect(record.fetch?.finalURL == server.url("/page"))
        let date = try #require(record.fetch?.date)
        let parsed = try #require(try? Date(date, strategy: .iso8601))
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
        #expect(record.body?.bytes == latin1Page)
        #expect(record.body?.contentType == "text/html")
        #expect(record.body?.charset == "iso-8859-1")
        #expect(server.userAgents == ["WinnowTest/1.0"])
    }

    @Test("follows redirects and records the final URL")
    func redirect() async throws {
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let record = try await fetch(Record(id: "r", url: server.url("/moved")), with: try makeFetchStage())
        #expect(record.fetch?.finalURL == server.url("/page"))
        #expect(record.body?.bytes == latin1Page)
    }

    @Test("a 404 fails the record with http-status and the status in the message, without retrying")
    func notFound() async throws {
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let stage = try makeFetchStage(["retries": 3, "retryDelay": "10ms"])
        let error = await #expect(throws: StageError.self) { try await fetch(Record(id: "m", url: server.url("/missing")), with: stage) }
        #expect(error?.code == .httpStatus)
        #expect(error?.message.contains("404") == true)
        #expect(server.hits("/missing") == 1)
    }

    @Test("a 500 is retried and the second answer is kept; a lasting 503 fails after every retry")
    func retries() async throws {
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let stage = try makeFetchStage(["retries": 2, "retryDelay": "10ms"])
        let record = try await fetch(Record(id: "f", url: server.url("/flaky")), with: stage)
        #expect(record.fetch?.status == 200)
        #expect(record.body?.bytes == Array("<p>second time lucky</p>".utf8))
        #expect(server.hits("/flaky") == 2)
        let error = await #expect(throws: StageError.self) { try await fetch(Record(id: "d", url: server.url("/down")), with: stage) }
        #expect(error?.code == .httpStatus)
        #expect(error?.message.contains("503") == true)
        #expect(server.hits("/down") == 3)
    }

    @Test("a body over maxBytes fails with too-large, whether its length is declared or not")
    func tooLarge() async throws {
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let stage = try makeFetchStage(["maxBytes": "1MB", "retries": 0])
        for path in ["/huge", "/huge-stream"] {
            let error = await #expect(throws: StageError.self) { try await fetch(Record(id: path, url: server.url(path)), with: stage) }
            #expect(error?.code == .tooLarge)
            #expect(error?.message.contains("maxBytes") == true)
        }
        let roomy = try makeFetchStage(["maxBytes": "5MB"])
        #expect(try await fetch(Record(id: "h", url: server.url("/huge-stream")), with: roomy).body?.bytes.count == 3_000_000)
    }

    @Test("a response slower than the timeout fails with timeout once the timeout has passed")
    func timeout() async throws {
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let stage = try makeFetchStage(["timeout": "1s", "retries": 0])
        let started = ContinuousClock.now
        let error = await #expect(throws: StageError.self) { try await fetch(Record(id: "s", url: server.url("/slow")), with: stage) }
        #expect(error?.code == .timeout)
        let elapsed = ContinuousClock.now - started
        // The answer comes after 8 s, so a timeout error proves the request did not wait for it; no upper
        // bound on the elapsed time, which a loaded machine can stretch.
        #expect(elapsed >= .milliseconds(900))
    }

    @Test("never has more than perHostConcurrency requests in flight to one host, and does use them")
    func perHostLimit() async throws {
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let stage = try makeFetchStage(["perHostConcurrency": 2])
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int?.self) { group in
            for index in 0..<6 {
                group.addTask { try await fetch(Record(id: "b\(index)", url: server.url("/busy")), with: stage).fetch?.status }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(server.hits("/busy") == 6)
        #expect(server.peakInFlight == 2)
        // Six 300 ms answers, two at a time: at least three rounds.
        #expect(ContinuousClock.now - started >= .milliseconds(850))
    }

    @Test("records with a body pass through untouched, without a request")
    func bodyPassesThrough() async throws {
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let original = Record(id: "b", url: server.url("/page"), body: Body(bytes: Array("<p>local</p>".utf8)))
        let record = try await fetch(original, with: try makeFetchStage())
        #expect(record == original)
        #expect(record.fetch == nil)
        #expect(server.hits("/page") == 0)
    }

    @Test("a record without a body fails clearly when its URL is not http(s) or missing")
    func unfetchable() async throws {
        let stage = try makeFetchStage()
        for address in ["ftp://example.org/file.html", "file:///etc/hosts", "not a url", "mailto:someone@example.org"] {
            let error = await #expect(throws: StageError.self) { try await fetch(Record(id: "u", url: address), with: stage) }
            #expect(error?.code == .unsupported)
        }
        let missing = await #expect(throws: StageError.self) { try await fetch(Record(id: "n"), with: stage) }
        #expect(missing?.code == .invalidInput)
    }

    @Test("a refused connection fails with a network error after the retries")
    func refused() async throws {
        // Bind a port, then close it, so nothing listens there.
        let server = try TestHTTPServer(routes: [:])
        server.stop()
        try await Task.sleep(for: .milliseconds(200))
        let stage = try makeFetchStage(["retries": 1, "retryDelay": "10ms", "timeout": "5s"])
        let error = await #expect(throws: StageError.self) { try await fetch(Record(id: "c", url: server.url("/")), with: stage) }
        #expect(error?.code == .network)
    }

    @Test("Content-Type headers are split into media type and charset")
    func mediaTypes() {
        #expect(MediaType("text/html; charset=UTF-8") == MediaType(type: "text/html", charset: "utf-8"))
        #expect(MediaType("Application/XHTML+XML;charset='Shift_JIS' ; q=1") == MediaType(type: "application/xhtml+xml", charset: "shift_jis"))
        #expect(MediaType("text/plain") == MediaType(type: "text/plain", charset: nil))
        #expect(MediaType("garbage") == nil)
        #expect(MediaType(nil) == nil)
    }
}
