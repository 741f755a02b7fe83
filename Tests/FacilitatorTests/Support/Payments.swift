import Crypto
import Facilitator
import JSON
import Money
import X402
import XCTest

/// Requirements, challenges and calls the tests pay for.
enum Payments {
    static let resource = ResourceInfo(url: "http://127.0.0.1/weather", description: "Weather", mimeType: "application/json")

    /// 0.001 USDC on Base Sepolia, the chain the SDK facilitator simulates.
    static func baseSepolia(payTo: String) throws -> PaymentRequirements {
        let asset = try XCTUnwrap(Asset.defaultAsset(for: .baseSepolia))
        return PaymentRequirements(scheme: "exact", network: .baseSepolia, amount: TokenAmount(units: 1_000), asset: asset.address,
                                   payTo: payTo, maxTimeoutSeconds: 120, extra: asset.requirementExtra)
    }

    /// `units` of PUSD on the development network.
    static func devnet(payTo: String, units: UInt64 = 1_000) -> PaymentRequirements {
        let asset = DevelopmentNetwork.asset
        return PaymentRequirements(scheme: "exact", network: DevelopmentNetwork.network, amount: TokenAmount(units: UInt128(units)),
                                   asset: asset.address, payTo: payTo, maxTimeoutSeconds: 120, extra: asset.requirementExtra)
    }

    static func challenge(_ requirement: PaymentRequirements) -> PaymentRequired {
        PaymentRequired(error: "Payment required", resource: resource, accepts: [requirement])
    }

    static func call(_ payload: PaymentPayload, _ requirements: PaymentRequirements, v1: PaymentRequirementsV1? = nil,
                     id: String = "test-request") -> FacilitatorCall {
        FacilitatorCall(payload: payload, requirements: requirements, requirementsV1: v1, requestID: id)
    }

    /// A fresh address nobody holds the key of (a payee).
    static func newAddress() throws -> String { try PrivateKey.random().address.checksummed }

    /// `payload` with the value at `path` replaced (e.g. a tampered nonce), re-read as a payload.
    static func replacing(_ payload: PaymentPayload, _ path: [String], with value: JSONValue) throws -> PaymentPayload {
        try PaymentPayload(json: JSONCursor(replaced(payload.json, path[...], value)))
    }

    private static func replaced(_ json: JSONValue, _ path: ArraySlice<String>, _ value: JSONValue) throws -> JSONValue {
        guard let key = path.first else { return value }
        var object = try XCTUnwrap(json.objectValue, "no object at \(key)")
        object[key] = try replaced(try XCTUnwrap(object[key], "no \(key)"), path.dropFirst(), value)
        return .object(object)
    }

    /// The nonce with its last digit changed: the signature no longer matches the authorization.
    static func alteringNonce(_ payload: PaymentPayload) throws -> PaymentPayload {
        let nonce = try XCTUnwrap(payload.exactEVM?.authorization.nonce)
        let altered = String(nonce.dropLast()) + (nonce.hasSuffix("0") ? "1" : "0")
        return try replacing(payload, ["payload", "authorization", "nonce"], with: .string(altered))
    }
}
