public import WinnowCore
import Foundation

/// The fetch stage: downloads `http(s)` URLs of records that have no body; records with a body pass through.
///
/// It fills `record.fetch` (status, headers, date, final URL after redirects) and `record.body` (bytes, media
/// type and charset from `Content-Type`). Network errors, 5xx and 429 responses are retried with exponential
/// backoff (honouring `Retry-After`); other non-2xx responses fail the record with code `http-status`. At most
/// `perHostConcurrency` requests run against one host at a time. Politeness rules (robots.txt, crawl delay)
/// are a later addition at the `HostGate`, which every request already passes through.
public struct FetchStage: ConfigurableStage {
    public static let descriptor = StageDescriptor(
        name: "fetch",
        summary: "Downloads http(s) URLs of records without a body; records with a body pass through.",
        options: [
            OptionSpec(
                "timeout", .duration, default: "30s",
                summary: "The longest one request may wait, in whole seconds (fractions round up)."),
            OptionSpec(
                "maxBytes", .byteSize, default: "20MB",
                summary: "Larger responses fail the record with code too-large (the download stops there)."),
            OptionSpec(
                "userAgent", .string, default: .string(FetchConfiguration.defaultUserAgent),
                summary: "The User-Agent header sent with every request."),
            OptionSpec(
                "retries", .integer(0...10), default: 2,
                summary: "How often to retry after a network error, a 5xx or a 429 response."),
            OptionSpec(
                "retryDelay", .duration, default: "1s",
                summary: "The wait before the first retry; it doubles with each further retry (a longer Retry-After wins), up to 60 s."),
            OptionSpec(
                "perHostConcurrency", .integer(1...64), default: 2,
                summary: "The most requests in flight to one host at a time."),
        ]
    )

    /// The validated settings.
    public let configuration: FetchConfiguration
    private let client: HTTPClient
    private let gate: HostGate

    public init(setup: StageSetup) throws {
        let options = setup.options
        configuration = FetchConfiguration(
            timeout: options.duration("timeout") ?? .seconds(30),
            maxBytes: options.byteSize("maxBytes") ?? 20_000_000,
            userAgent: options.string("userAgent") ?? FetchConfiguration.defaultUserAgent,
            retries: options.int("retries") ?? 2,
            retryDelay: options.duration("retryDelay") ?? .seconds(1),
            perHostConcurrency: max(1, options.int("perHostConcurrency") ?? 2))
        client = HTTPClient(configuration: configuration)
        gate = HostGate(limit: configuration.perHostConcurrency)
    }

    public func process(_ record: Record, context: StageContext) async throws -> StageOutcome {
        if record.body != nil { return .keep(record) }
        guard let address = record.url else {
            throw StageError(.invalidInput, "the record has neither a body nor a URL to fetch")
        }
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(), let host = url.host,
            scheme == "http" || scheme == "https", !host.isEmpty
        else {
            throw StageError(
                .unsupported, "cannot fetch \"\(address.prefix(200))\": only http and https URLs are fetched")
        }
        let response = try await fetchWithRetries(url, hostKey: HostGate.key(for: url), context: context)
        var record = record
        record.fetch = FetchInfo(
            status: response.status, headers: response.headers,
            date: response.receivedAt.formatted(.iso8601), finalURL: response.finalURL?.absoluteString)
        let mediaType = MediaType(response.header("Content-Type"))
        record.body = Body(bytes: response.body, contentType: mediaType?.type, charset: mediaType?.charset)
        return .keep(record)
    }

    private func fetchWithRetries(_ url: URL, hostKey: String, context: StageContext) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            let outcome: Result<HTTPResponse, StageError>
            do {
                let response = try await gate.withPermit(for: hostKey) { try await client.get(url) }
                outcome = .success(response)
            } catch let error as StageError {
                outcome = .failure(error)
            }
            let retryAfter: Duration?
            switch outcome {
            case .success(let response) where (200..<300).contains(response.status):
                return response
            case .success(let response):
                guard response.status >= 500 || response.status == 429, attempt < configuration.retries else {
                    throw StageError(
                        .httpStatus,
                        "HTTP \(response.status) \(response.reasonPhrase) "
                            + "from \(url.absoluteString)" + (attempt > 0 ? " after \(attempt + 1) attempts" : ""))
                }
                retryAfter = response.header("Retry-After").flatMap(Self.retryAfterSeconds)
            case .failure(let error):
                if Task.isCancelled { throw CancellationError() }
                guard error.code == .network || error.code == .timeout, attempt < configuration.retries else {
                    throw error
                }
                retryAfter = nil
            }
            // Capped before doubling, so a huge retryDelay cannot overflow `Duration`.
            let backoff = min(configuration.retryDelay, Self.maximumRetryDelay) * (1 << min(attempt, 16))
            let delay = min(retryAfter.map { max($0, backoff) } ?? backoff, Self.maximumRetryDelay)
            context.logger.debug("retrying \(url.absoluteString) in \(delay) (attempt \(attempt + 2))")
            try await Task.sleep(for: delay)
            attempt += 1
        }
    }

    /// The longest wait before a retry, whatever `retryDelay` and `Retry-After` ask for.
    static let maximumRetryDelay = Duration.seconds(60)

    /// The wait a `Retry-After` header asks for, when it gives seconds (HTTP dates are ignored).
    static func retryAfterSeconds(_ value: String) -> Duration? {
        Int(value.trimmingCharacters(in: .whitespaces)).map { .seconds(max(0, $0)) }
    }
}

/// The fetch stage's settings, after validation.
public struct FetchConfiguration: Sendable {
    /// The User-Agent sent when the configuration does not name one.
    public static let defaultUserAgent = "Winnow/0.1 (+https://github.com/winnow)"

    /// The longest one request may take.
    public var timeout: Duration
    /// The largest response body accepted.
    public var maxBytes: Int64
    /// The User-Agent header sent with every request.
    public var userAgent: String
    /// How often a request is retried after a network error, a 5xx or a 429 response.
    public var retries: Int
    /// The wait before the first retry (doubled for each further one).
    public var retryDelay: Duration
    /// The most requests in flight to one host at a time.
    public var perHostConcurrency: Int
}

/// A media type parsed from a `Content-Type` header: `text/html; charset="ISO-8859-1"`.
struct MediaType: Equatable {
    /// The type and subtype, lower-cased, without parameters.
    var type: String
    /// The `charset` parameter, lower-cased and unquoted, when present.
    var charset: String?

    init(type: String, charset: String?) {
        self.type = type
        self.charset = charset
    }

    init?(_ header: String?) {
        guard let header else { return nil }
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        let type = parts.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard type.contains("/") else { return nil }
        self.type = type
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if !value.isEmpty { charset = value.lowercased() }
        }
    }
}
