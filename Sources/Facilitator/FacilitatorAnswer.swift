import JSON
import Upstream
import X402

/// Turns whatever a remote facilitator answered into outcomes, tolerating every shape seen in
/// the field (the TS facilitator's 200-with-failure, the TS client's non-2xx-with-body, Go
/// examples' 500 `{"error":…}`, proxies' HTML pages, cut connections).
///
/// `/verify`:
///
/// | answer                                              | outcome                                   |
/// |-----------------------------------------------------|-------------------------------------------|
/// | any status, body a `VerifyResponse`, `isValid: true`  | `.valid(payer)` (payer from the body, else the authorization's `from`) |
/// | any status, body a `VerifyResponse`, `isValid: false` | `.invalid(invalidReason, invalidMessage, payer)` |
/// | `{"error": …}`, HTML, non-JSON, truncated, empty, other JSON, too large | `.unavailable(.badResponse(status, detail))` |
/// | connect refused or timed out, TLS failure           | `.unavailable(.unreachable(detail))`      |
/// | no complete answer before the verify timeout        | `.unavailable(.timeout)`                  |
///
/// `/settle` (only `.settled` means money moved; only `.rejected` means it certainly did not):
///
/// | answer                                                       | outcome                                  |
/// |--------------------------------------------------------------|------------------------------------------|
/// | 2xx, `success: true`                                         | `.settled(response)`                     |
/// | non-2xx, `success: true`                                     | `.pending(ambiguous_success_status, tx)` |
/// | any status, `success: false`, `errorReason: settlement_pending` | `.pending(settlement_pending, tx)`    |
/// | any status, `success: false`, any other reason               | `.rejected(response)`                    |
/// | unusable body (as for verify), connection cut after sending  | `.pending(facilitator_bad_response)`     |
/// | no complete answer before the settle timeout                 | `.pending(facilitator_timeout)`          |
/// | connect refused or timed out, TLS failure                    | `.pending(facilitator_unreachable)`      |
///
/// `/supported`: 2xx with a `SupportedResponse` body → the response; anything else → the
/// `FacilitatorError` as for verify (a non-2xx status is a bad response whatever the body).
///
/// A missing `invalidReason` becomes `unspecified`, so a refusal always has a reason string.
enum FacilitatorAnswer {
    static let unspecifiedReason = "unspecified"
    /// Nesting bound only: the size is already capped by the exchange's response limit.
    static let jsonLimits = JSONLimits(maxDepth: 32, maxBytes: .max)

    static func verify(_ result: Result<ClientResponse, ClientError>, payload: PaymentPayload) -> VerifyOutcome {
        switch decoded(result, as: VerifyResponse.self) {
        case .failure(let error):
            return .unavailable(error)
        case .success(let answer) where answer.isValid:
            return .valid(payer: answer.payer ?? payload.exactEVM?.authorization.from ?? "")
        case .success(let answer):
            return .invalid(reason: answer.invalidReason ?? unspecifiedReason, message: answer.invalidMessage,
                            payer: answer.payer)
        }
    }

    static func settle(_ result: Result<ClientResponse, ClientError>) -> SettleOutcome {
        let status = (try? result.get())?.status ?? 0
        switch decoded(result, as: SettleResponse.self) {
        case .failure(let error):
            return .pending(SettlePendingReason(error))
        case .success(let answer) where answer.success:
            return isSuccessful(status) ? .settled(answer) : .pending(.ambiguousSuccessStatus, transaction: answer.transaction)
        case .success(let answer) where answer.errorReason == SettlePendingReason.settlementPending.rawValue:
            return .pending(.settlementPending, transaction: answer.transaction)
        case .success(let answer):
            return .rejected(answer)
        }
    }

    static func supported(_ result: Result<ClientResponse, ClientError>) -> Result<SupportedResponse, FacilitatorError> {
        result.mapError(transportError).flatMap { response in
            guard isSuccessful(response.status) else {
                return .failure(.badResponse(status: response.status, detail: "status \(response.status): \(snippet(response.body))"))
            }
            return decode(response, as: SupportedResponse.self)
        }
    }

    // MARK: Pieces

    /// What a failed exchange means for a facilitator call: nothing sent yet (unreachable), out
    /// of time, or a reply that cannot be used.
    static func transportError(_ error: ClientError) -> FacilitatorError {
        switch error {
        case .timeout:
            return .timeout
        case .tooLarge(let limit):
            return .badResponse(status: 0, detail: "answer larger than \(limit) bytes")
        case .upstream(let upstream):
            switch upstream {
            case .connectFailed, .connectTimeout, .tlsFailed: return .unreachable(upstream.description)
            case .responseHeaderTimeout, .bodyTimeout: return .timeout
            case .closedEarly, .reset, .invalidResponse, .responseTooLarge: return .badResponse(status: 0, detail: upstream.description)
            }
        }
    }

    /// The answer's body as `T` whatever its status, or why there is none.
    static func decoded<T: JSONDecodable>(_ result: Result<ClientResponse, ClientError>, as type: T.Type) -> Result<T, FacilitatorError> {
        result.mapError(transportError).flatMap { decode($0, as: type) }
    }

    /// The body as `T`, or a bad response naming what was wrong with it.
    static func decode<T: JSONDecodable>(_ response: ClientResponse, as _: T.Type) -> Result<T, FacilitatorError> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(response.body, limits: jsonLimits)
        } catch {
            return .failure(.badResponse(status: response.status, detail: "not JSON (\(error.code)): \(snippet(response.body))"))
        }
        do {
            return .success(try T(json: JSONCursor(value)))
        } catch {
            let said = value["error"].map { " error: " + snippet($0.encoded()) } ?? ""
            return .failure(.badResponse(status: response.status, detail: "unexpected JSON (\(error))" + said))
        }
    }

    static func isSuccessful(_ status: Int) -> Bool { (200..<300).contains(status) }

    /// The start of a body as printable text, for logs and receipts.
    static func snippet(_ body: [UInt8]) -> String {
        guard !body.isEmpty else { return "empty body" }
        let limit = 80
        let shown = body.prefix(limit).map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }
        return String(decoding: shown, as: UTF8.self) + (body.count > limit ? "… (\(body.count) bytes)" : "")
    }
}
