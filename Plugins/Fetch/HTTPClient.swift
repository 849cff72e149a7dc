import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import WinnowCore

/// A downloaded response: status, headers, body and where it finally came from.
struct HTTPResponse: Sendable {
    var status: Int
    /// The response headers, sorted by name (URLSession does not keep the order received).
    var headers: [HTTPHeader]
    var body: [UInt8]
    var finalURL: URL?
    var receivedAt: Date

    /// The standard reason phrase of `status` ("Not Found").
    var reasonPhrase: String { HTTPURLResponse.localizedString(forStatusCode: status) }

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// GETs URLs through one `URLSession`, streaming each body so a response over `maxBytes` is cut off early.
///
/// The session's delegate collects each task's data; the awaiting caller is resumed when the task completes.
/// Cancelling the calling task cancels the download.
final class HTTPClient: Sendable {
    private let session: URLSession
    private let collector: ResponseCollector
    private let configuration: FetchConfiguration

    init(configuration: FetchConfiguration) {
        self.configuration = configuration
        // FoundationNetworking on Linux truncates timeouts to whole seconds (0.5 s would fire at once), so
        // fractions are rounded up.
        let seconds = max(1, (Double(configuration.timeout.components.seconds)
            + Double(configuration.timeout.components.attoseconds) / 1e18).rounded(.up))
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = seconds
        sessionConfiguration.timeoutIntervalForResource = seconds
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        sessionConfiguration.urlCache = nil
        sessionConfiguration.httpMaximumConnectionsPerHost = configuration.perHostConcurrency
        sessionConfiguration.httpAdditionalHeaders = ["User-Agent": configuration.userAgent]
        collector = ResponseCollector(maxBytes: configuration.maxBytes)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: sessionConfiguration, delegate: collector, delegateQueue: queue)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Downloads `url`; throws `StageError` with `.network`, `.timeout` or `.tooLarge`.
    func get(_ url: URL) async throws -> HTTPResponse {
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        request.setValue(configuration.userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", forHTTPHeaderField: "Accept")
        let task = session.dataTask(with: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                collector.register(task.taskIdentifier, url: url, continuation: continuation)
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }
}

/// The session delegate: gathers each task's bytes and resumes its caller at completion.
final class ResponseCollector: NSObject, URLSessionDataDelegate, Sendable {
    private struct Download {
        var url: URL
        var continuation: CheckedContinuation<HTTPResponse, any Error>
        var response: HTTPURLResponse?
        var body: [UInt8] = []
        var failure: StageError?
    }

    private let maxBytes: Int64
    private let downloads = Mutex<[Int: Download]>([:])

    init(maxBytes: Int64) {
        self.maxBytes = maxBytes
    }

    func register(_ identifier: Int, url: URL, continuation: CheckedContinuation<HTTPResponse, any Error>) {
        downloads.withLock { $0[identifier] = Download(url: url, continuation: continuation) }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let maxBytes = maxBytes
        let allow = downloads.withLock { downloads -> Bool in
            guard var download = downloads[dataTask.taskIdentifier] else { return false }
            download.response = response as? HTTPURLResponse
            if response.expectedContentLength > maxBytes {
                download.failure = StageError(
                    .tooLarge,
                    "\(download.url.absoluteString) declares \(response.expectedContentLength) bytes, over maxBytes "
                        + "\(maxBytes); raise fetch.maxBytes to accept it")
            }
            downloads[dataTask.taskIdentifier] = download
            return download.failure == nil
        }
        completionHandler(allow ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let maxBytes = maxBytes
        let overLimit = downloads.withLock { downloads -> Bool in
            guard var download = downloads[dataTask.taskIdentifier], download.failure == nil else { return false }
            if Int64(download.body.count + data.count) > maxBytes {
                download.failure = StageError(
                    .tooLarge,
                    "\(download.url.absoluteString) sent more than maxBytes \(maxBytes) bytes; raise fetch.maxBytes "
                        + "to accept it")
                download.body = []
            } else {
                download.body.append(contentsOf: data)
            }
            downloads[dataTask.taskIdentifier] = download
            return download.failure != nil
        }
        if overLimit { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let download = downloads.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let failure = download.failure {
            download.continuation.resume(throwing: failure)
        } else if let error {
            download.continuation.resume(throwing: Self.stageError(for: error, url: download.url))
        } else if let response = download.response {
            let headers = response.allHeaderFields.compactMap { name, value -> HTTPHeader? in
                guard let name = name as? String else { return nil }
                return HTTPHeader(name: name, value: "\(value)")
            }.sorted { $0.name.lowercased() < $1.name.lowercased() }
            download.continuation.resume(
                returning: HTTPResponse(
                    status: response.statusCode, headers: headers, body: download.body, finalURL: response.url,
                    receivedAt: Date()))
        } else {
            download.continuation.resume(
                throwing: StageError(.network, "\(download.url.absoluteString) answered without an HTTP response"))
        }
    }

    private static func stageError(for error: any Error, url: URL) -> StageError {
        let address = url.absoluteString
        guard let urlError = error as? URLError else {
            return StageError(.network, "fetching \(address) failed: \(error.localizedDescription)")
        }
        switch urlError.code {
        case .timedOut:
            return StageError(.timeout, "fetching \(address) timed out; raise fetch.timeout to wait longer")
        case .cancelled:
            return StageError(.network, "fetching \(address) was cancelled", underlying: CancellationError())
        case .unsupportedURL, .badURL:
            return StageError(.unsupported, "cannot fetch \(address): \(urlError.localizedDescription)")
        default:
            return StageError(.network, "fetching \(address) failed: \(urlError.localizedDescription)")
        }
    }
}
