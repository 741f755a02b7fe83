import HTTP1
import Upstream

/// Where the request side of the current exchange is.
enum RequestPhase: Equatable {
    /// Waiting for (more of) a request head; `started` once its first byte arrived.
    case head(started: Bool)
    /// Forwarding the request body to the upstream.
    case body
    /// Collecting a (small) body for a local service.
    case localBody
    /// Reading and dropping a body the upstream will never see (after a local answer).
    case discard
    /// `check` is suspended; the request waits in the input buffer.
    case suspended
    /// The whole request has been read.
    case done
    /// Upgraded: bytes flow both ways untouched.
    case tunnel
}

/// Where the response side is.
enum ResponsePhase: Equatable {
    case none
    case head              // waiting for the upstream's response head
    case body              // forwarding (or buffering) the upstream body
    case awaitingRelease   // buffered and complete; the `complete` hook decides
    case local             // a local response or stream is being written
    case done
    case tunnel
}

/// Everything about the request in flight that must survive between events. Reset per
/// request without freeing its reusable storage.
struct ExchangeState {
    var serial: UInt64 = 0
    var route: Route?
    var method: HTTPMethod = .get
    var otherMethodName: [UInt8] = []
    var clientVersion: HTTPVersion = .http1_1
    var clientKeepAlive = true
    var expectContinue = false
    var sentContinue = false
    var isUpgrade = false

    var requestFraming: BodyFraming = .none
    var requestRemaining: UInt64 = 0
    var requestChunks = ChunkedDecoder()
    var requestBodyBytes: UInt64 = 0
    var bodyLimit: UInt64 = 0

    var responseFraming: BodyFraming = .none
    var responseRemaining: UInt64 = 0
    var responseChunks = ChunkedDecoder()
    /// HTTP/1.0 client and a chunked upstream body: decode and close-delimit.
    var dechunkForClient = false
    var upstreamKeepAlive = false
    var upstreamClean = true
    var status = 0
    var responseStarted = false
    var upstreamSentAny = false

    /// Local-service and buffered-response storage.
    var localBody: [UInt8] = []
    /// The response is held for the `complete` phase instead of streamed.
    var buffering = false
    /// A local service is streaming its response.
    var streamingLocal = false
    var bufferLimit = 0
    var bufferedHeaders: [(name: String, value: String)] = []

    var bytesIn: UInt64 = 0
    var bytesOut: UInt64 = 0
    var startNanos: UInt64 = 0
    var upstreamStartNanos: UInt64 = 0
    var upstreamEndNanos: UInt64 = 0
    var errorCode: StaticString?
    var errorCodeText: String?

    /// The upstream head, kept for the one allowed retry of an idempotent, bodiless request
    /// that went out on a reused connection.
    var retryHead: [UInt8] = []
    var retried = false

    /// For the access log (reused capacity: no allocation per request after the first).
    var logTarget: [UInt8] = []
    var requestID: [UInt8] = []

    var hooks: Exchange?
    var admitted = false

    mutating func reset(serial: UInt64) {
        self.serial = serial
        route = nil
        method = .get
        otherMethodName.removeAll(keepingCapacity: true)
        clientVersion = .http1_1
        clientKeepAlive = true
        expectContinue = false
        sentContinue = false
        isUpgrade = false
        requestFraming = .none
        requestRemaining = 0
        requestChunks = ChunkedDecoder()
        requestBodyBytes = 0
        bodyLimit = 0
        responseFraming = .none
        responseRemaining = 0
        responseChunks = ChunkedDecoder()
        dechunkForClient = false
        upstreamKeepAlive = false
        upstreamClean = true
        status = 0
        responseStarted = false
        upstreamSentAny = false
        if localBody.capacity > 64 * 1024 { localBody = [] } else { localBody.removeAll(keepingCapacity: true) }
        buffering = false
        streamingLocal = false
        bufferLimit = 0
        bufferedHeaders = []
        bytesIn = 0
        bytesOut = 0
        startNanos = 0
        upstreamStartNanos = 0
        upstreamEndNanos = 0
        errorCode = nil
        errorCodeText = nil
        retryHead.removeAll(keepingCapacity: true)
        retried = false
        logTarget.removeAll(keepingCapacity: true)
        requestID.removeAll(keepingCapacity: true)
        hooks = nil
        admitted = false
    }
}
