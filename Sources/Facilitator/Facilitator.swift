import EventLoop
import X402

/// A payment facilitator: verifies and settles x402 payments. Implementations: the HTTP
/// facilitator (the x402 facilitator API of a remote service) and the embedded facilitator (the
/// local development network). New schemes and networks plug in here without touching the
/// request path.
///
/// Calls never block: `verify` and `settle` are started on an event loop and complete on that
/// same loop, exactly once. An implementation that needs a worker thread (signature recovery,
/// SQLite) hops off the loop and back with `loop.execute`.
public protocol Facilitator: AnyObject, Sendable {
    /// The name it has in the config (`$.facilitators.<name>`); used in receipts and metrics.
    var name: String { get }

    /// What it can verify and settle, as `GET /supported` reports it. Called at start and on
    /// reload (from any thread); completes on any thread.
    func supported(completion: @escaping @Sendable (Result<SupportedResponse, FacilitatorError>) -> Void)

    /// Checks a payment without moving money. Must be called on `loop`; completes on `loop`.
    func verify(_ call: FacilitatorCall, on loop: EventLoop, completion: @escaping (VerifyOutcome) -> Void)

    /// Moves the money. Must be called on `loop`; completes on `loop`.
    func settle(_ call: FacilitatorCall, on loop: EventLoop, completion: @escaping (SettleOutcome) -> Void)
}

/// One payment as the gateway hands it to a facilitator.
public struct FacilitatorCall: Sendable {
    /// The payment exactly as the client sent it (its original JSON is forwarded unchanged).
    public let payload: PaymentPayload
    /// The requirement it matched, rebuilt from the route's configuration.
    public let requirements: PaymentRequirements
    /// Set for x402 v1 payments: the v1 shape of the same requirement.
    public let requirementsV1: PaymentRequirementsV1?
    /// Passed on as `X-Request-Id` so facilitator logs can be joined with ours.
    public let requestID: String
    /// The payment's JSON (the receipt stores it too).
    public let paymentJSON: [UInt8]
    /// The requirement in the payment's version (v1 payments carry the v1 shape when the
    /// gateway built one), encoded.
    public let requirementsJSON: [UInt8]
    /// The `FacilitatorRequest` body, for both verify and settle.
    public let requestBody: [UInt8]

    /// `paymentJSON`: the payment as the client sent it, when the caller has those bytes
    /// (otherwise `payload` is encoded). `requirementsJSON`: `requirements` already encoded
    /// (a route's v2 requirements do not change between requests); used for v2 payments only.
    public init(payload: PaymentPayload, requirements: PaymentRequirements, requirementsV1: PaymentRequirementsV1?, requestID: String,
                paymentJSON: [UInt8]? = nil, requirementsJSON: [UInt8]? = nil) {
        self.payload = payload
        self.requirements = requirements
        self.requirementsV1 = requirementsV1
        self.requestID = requestID
        self.paymentJSON = paymentJSON ?? payload.json.encoded()
        self.requirementsJSON = if payload.version == .v1, let requirementsV1 {
            requirementsV1.jsonValue.encoded()
        } else {
            requirementsJSON ?? requirements.jsonValue.encoded()
        }
        requestBody = FacilitatorRequest.encodedBody(version: payload.version, payment: self.paymentJSON, requirements: self.requirementsJSON)
    }
}

/// The answer to `verify`.
public enum VerifyOutcome: Sendable, Equatable {
    case valid(payer: String)
    /// The facilitator looked at the payment and refused it (its reason string is passed on).
    case invalid(reason: String, message: String?, payer: String?)
    /// No usable answer (unreachable, timeout, malformed reply): another facilitator may try.
    case unavailable(FacilitatorError)
}

/// The answer to `settle`. Only `.settled` means money moved; only `.rejected` means it
/// certainly did not. Everything in between is `.pending`: recorded, retried in the background,
/// and never turned into a request to pay again.
public enum SettleOutcome: Sendable, Equatable {
    case settled(SettleResponse)
    case rejected(SettleResponse)
    case pending(reason: String, transaction: String?)
}

/// Why a facilitator call produced no usable answer. `code` is stable (logs, metrics, receipts).
public enum FacilitatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreachable(String)
    case timeout
    /// A reply that is not the x402 facilitator API: HTML, truncated or non-JSON body, `{error}`.
    case badResponse(status: Int, detail: String)
    /// This facilitator does not handle the payment's scheme or network.
    case unsupported(String)
    case internalFailure(String)

    public var code: String {
        switch self {
        case .unreachable: "facilitator_unreachable"
        case .timeout: "facilitator_timeout"
        case .badResponse: "facilitator_bad_response"
        case .unsupported: "facilitator_unsupported"
        case .internalFailure: "facilitator_internal_error"
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let detail): "facilitator unreachable: \(detail)"
        case .timeout: "facilitator did not answer in time"
        case .badResponse(let status, let detail): "facilitator answered \(status) with an unusable body: \(detail)"
        case .unsupported(let detail): "not supported: \(detail)"
        case .internalFailure(let detail): detail
        }
    }
}
