import EventLoop
import Upstream

/// Why the paying client could not set up its connection to the origin.
public enum TransportError: Error, Sendable, CustomStringConvertible {
    case resolve(host: String, SocketError)
    case tls(TLSError)

    public var code: String {
        switch self {
        case .resolve(_, let error): error.code
        case .tls(let error): error.code
        }
    }

    public var description: String {
        switch self {
        case let .resolve(host, error): "cannot resolve \(host): \(error)"
        case .tls(let error): error.description
        }
    }
}

/// The paying client's way to one origin: a one-thread event loop group, an `HTTPClient` and
/// an endpoint for the URL's host (TLS verified against the system CA store, or `caFile`).
///
/// The same client the gateway uses for facilitator calls, so `paygate pay` speaks HTTP/1.1
/// exactly as the rest of paygate; `send` blocks the calling thread (the CLI's main thread,
/// never a loop) until the exchange ends or `timeoutMs` passes. The unpaid and the paid request
/// share the keep-alive connection.
public final class HTTPTransport: Sendable {
    let group: EventLoopGroup
    let client: HTTPClient
    let endpoint: UpstreamEndpoint
    let timeout: UInt64

    /// `authority` is the Host header (`host[:port]`, default ports omitted).
    public init(host: String, port: UInt16, authority: String, tls: Bool, caFile: String?, timeoutMs: Int) throws(TransportError) {
        let address: SocketAddress
        do {
            address = try SocketAddress.resolve(host: host, port: port)
        } catch {
            throw .resolve(host: host, error)
        }
        var context: TLSContext?
        if tls {
            do {
                context = try TLSContext.client(caFile: caFile)
            } catch {
                throw .tls(error)
            }
        }
        timeout = Nanos.fromMillis(timeoutMs)
        endpoint = UpstreamEndpoint(name: "origin", address: address, authority: authority, serverName: host, tls: context,
                                    maxIdlePerLoop: 1, connectTimeout: timeout, keepAliveTimeout: Nanos.fromMillis(4000))
        group = EventLoopGroup(threads: 1)
        client = HTTPClient(group: group)
    }

    public func send(_ request: ClientRequest) -> Result<ClientResponse, ClientError> {
        client.send(request, to: endpoint, timeout: timeout)
    }

    /// Stops the loop thread.
    public func shutdown() {
        group.shutdown()
    }
}
