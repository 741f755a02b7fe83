import EventLoop
import Upstream
import X402

/// A remote facilitator reached over the x402 facilitator API (`GET /supported`,
/// `POST /verify`, `POST /settle`), through the gateway's shared `HTTPClient`: its keep-alive
/// pools, TLS with certificate and host-name verification, and per-exchange deadlines.
///
/// Owns the request shape (`{"x402Version", "paymentPayload", "paymentRequirements"}` with the
/// payment's original JSON, `Content-Type`/`Accept: application/json`, the configured extra
/// headers, `X-Request-Id`) and the reading of every answer shape (`FacilitatorAnswer` has
/// the table). `/settle` is never resent by the client, even on a connection that looks
/// stale: a second send could settle twice. `/verify` and `/supported` are safe to resend.
///
/// The host is resolved when the facilitator is built, then again every `server.dnsRefreshMs`
/// by the gateway (`UpstreamEndpoint.reresolve`). Completions
/// run on the calling loop, never before `verify`/`settle` has returned.
public final class HTTPFacilitator: Facilitator {
    public let name: String
    public let endpoint: UpstreamEndpoint
    private let client: HTTPClient
    private let url: FacilitatorURL
    private let headers: [(name: String, value: String)]
    private let verifyTimeout: UInt64
    private let settleTimeout: UInt64
    private let maxResponseBytes: Int

    /// Resolves the host (blocking: call it off the loops) and prepares TLS for https.
    public init(_ configuration: HTTPFacilitatorConfiguration, client: HTTPClient) throws(FacilitatorSetupError) {
        let url = try FacilitatorURL(configuration.baseURL)
        for header in configuration.headers where !Self.isValid(header) {
            throw .invalidHeader(name: header.name)
        }
        name = configuration.name
        endpoint = try Self.endpoint(url, configuration)
        self.client = client
        self.url = url
        let acceptConfigured = configuration.headers.contains { $0.name.lowercased() == "accept" }
        headers = (acceptConfigured ? [] : [("Accept", "application/json")]) + configuration.headers
        verifyTimeout = Nanos.fromMillis(configuration.verifyTimeoutMs)
        settleTimeout = Nanos.fromMillis(configuration.settleTimeoutMs)
        maxResponseBytes = configuration.maxResponseBytes
    }

    /// The resolved address and, for https, a verifying TLS context. The connect timeout is
    /// capped by the call timeouts: the client arms an exchange's own deadline only once
    /// connected, and no call may outlast its budget while still connecting.
    private static func endpoint(_ url: FacilitatorURL, _ configuration: HTTPFacilitatorConfiguration)
        throws(FacilitatorSetupError) -> UpstreamEndpoint {
        let address: SocketAddress
        do {
            address = try SocketAddress.resolve(host: url.host, port: url.port)
        } catch {
            throw .unresolvable(error)
        }
        var tls: TLSContext?
        if url.isTLS {
            do {
                tls = try TLSContext.client(caFile: configuration.caFile)
            } catch {
                throw .tls(error)
            }
        }
        let connectTimeoutMs = min(configuration.connectTimeoutMs, configuration.verifyTimeoutMs, configuration.settleTimeoutMs)
        return UpstreamEndpoint(name: "facilitator:" + configuration.name, address: address, hostName: url.host, authority: url.authority,
                                serverName: url.host, tls: tls, maxIdlePerLoop: configuration.maxIdlePerLoop,
                                connectTimeout: Nanos.fromMillis(connectTimeoutMs),
                                keepAliveTimeout: Nanos.fromMillis(configuration.keepAliveTimeoutMs))
    }

    public func supported(completion: @escaping @Sendable (Result<SupportedResponse, FacilitatorError>) -> Void) {
        let request = ClientRequest(method: "GET", target: url.target("supported"), headers: headers)
        client.submit(request, to: endpoint, timeout: verifyTimeout, maxResponseBytes: maxResponseBytes, retryIfStale: true) {
            completion(FacilitatorAnswer.supported($0))
        }
    }

    public func verify(_ call: FacilitatorCall, on loop: EventLoop, completion: @escaping (VerifyOutcome) -> Void) {
        let payload = call.payload
        post("verify", call, timeout: verifyTimeout, resendIfStale: true, on: loop,
             read: { FacilitatorAnswer.verify($0, payload: payload) }, completion: completion)
    }

    public func settle(_ call: FacilitatorCall, on loop: EventLoop, completion: @escaping (SettleOutcome) -> Void) {
        post("settle", call, timeout: settleTimeout, resendIfStale: false, on: loop,
             read: FacilitatorAnswer.settle, completion: completion)
    }

    // MARK: Exchange

    /// Sends one API call and reads its answer on the loop; a completion the client reports
    /// before `execute` returns is deferred to a later task.
    private func post<Outcome: Sendable>(_ endpointName: String, _ call: FacilitatorCall, timeout: UInt64, resendIfStale: Bool,
                                         on loop: EventLoop, read: @escaping (Result<ClientResponse, ClientError>) -> Outcome,
                                         completion: @escaping (Outcome) -> Void) {
        let request = ClientRequest(method: "POST", target: url.target(endpointName),
                                    headers: headers + [("Content-Type", "application/json"), ("X-Request-Id", call.requestID)],
                                    body: call.requestBody)
        var returned = false
        client.execute(request, to: endpoint, on: loop, timeout: timeout, maxResponseBytes: maxResponseBytes,
                       retryIfStale: resendIfStale) { result in
            let outcome = read(result)
            if returned {
                completion(outcome)
            } else {
                LoopCallback(completion, on: loop).deliver(outcome)
            }
        }
        returned = true
    }

    /// Headers every call sets itself (framing, body type, request id): configuring one would
    /// send it twice.
    public static let reservedHeaders: Set<String> = ["host", "content-length", "content-type", "transfer-encoding", "connection",
                                               "x-request-id"]

    /// A token name that is not reserved, and a value without CR, LF or NUL (a header must
    /// not open another).
    private static func isValid(_ header: (name: String, value: String)) -> Bool {
        !header.name.isEmpty
            && header.name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
            && !reservedHeaders.contains(header.name.lowercased())
            && !header.value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
