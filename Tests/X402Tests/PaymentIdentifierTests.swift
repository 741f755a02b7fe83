import JSON
import Money
import X402
import XCTest

final class PaymentIdentifierTests: XCTestCase {
    private let requirement = PaymentRequirements(scheme: "exact", network: .baseSepolia, amount: TokenAmount(units: 1),
                                                  asset: "0xa", payTo: "0xb")

    private func payment(extensions: JSONObject?) throws -> PaymentPayload {
        try PaymentPayload.v2(accepted: requirement, resource: nil, payload: [:], extensions: extensions)
    }

    private func extensions(id: JSONValue) -> JSONObject {
        var declaration = PaymentIdentifier.declaration(required: false).objectValue ?? [:]
        declaration["info"] = ["id": id]
        return [PaymentIdentifier.extensionKey: .object(declaration)]
    }

    func testDeclarationMatchesTheReference() {
        XCTAssertEqual(PaymentIdentifier.declaration(required: true).encodedString(),
                       #"{"info":{"required":true},"schema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"id":{"type":"string","minLength":16,"maxLength":128,"pattern":"^[a-zA-Z0-9_-]+$"}},"required":["id"]}}"#)
    }

    func testIsRequired() {
        XCTAssertTrue(PaymentIdentifier.isRequired(by: [PaymentIdentifier.extensionKey: PaymentIdentifier.declaration(required: true)]))
        XCTAssertFalse(PaymentIdentifier.isRequired(by: [PaymentIdentifier.extensionKey: PaymentIdentifier.declaration(required: false)]))
        XCTAssertFalse(PaymentIdentifier.isRequired(by: [PaymentIdentifier.extensionKey: ["info": [:]]]))
        XCTAssertFalse(PaymentIdentifier.isRequired(by: nil))
    }

    func testExtractsAValidId() throws {
        let echoed = PaymentIdentifier.echo(declaration: PaymentIdentifier.declaration(required: true), id: "pay_7d5d747be160e280504c099d984bcfe0")
        XCTAssertEqual(echoed["info"]?["id"], "pay_7d5d747be160e280504c099d984bcfe0")
        XCTAssertEqual(echoed["info"]?["required"], true)
        XCTAssertNotNil(echoed["schema"])
        let paid = try payment(extensions: [PaymentIdentifier.extensionKey: echoed])
        XCTAssertEqual(try PaymentIdentifier.id(in: paid), "pay_7d5d747be160e280504c099d984bcfe0")
        XCTAssertEqual(try PaymentIdentifier.id(in: payment(extensions: extensions(id: .string(String(repeating: "a", count: 16))))),
                       String(repeating: "a", count: 16))
        XCTAssertEqual(try PaymentIdentifier.id(in: payment(extensions: extensions(id: .string(String(repeating: "Z-_9", count: 32))))),
                       String(repeating: "Z-_9", count: 32))
    }

    func testAbsentExtensionIsNoId() throws {
        XCTAssertNil(try PaymentIdentifier.id(in: payment(extensions: nil)))
        XCTAssertNil(try PaymentIdentifier.id(in: payment(extensions: ["bazaar": [:]])))
        XCTAssertNil(try PaymentIdentifier.id(in: payment(extensions: [PaymentIdentifier.extensionKey: nil])))
        // The declaration echoed without an id (clients that do not implement the extension).
        let echoedDeclaration = PaymentIdentifier.declaration(required: true)
        XCTAssertNil(try PaymentIdentifier.id(in: payment(extensions: [PaymentIdentifier.extensionKey: echoedDeclaration])))
        XCTAssertNil(try PaymentIdentifier.id(in: payment(extensions: [PaymentIdentifier.extensionKey: ["schema": [:]]])))
        XCTAssertNil(try PaymentIdentifier.id(in: payment(extensions: extensions(id: nil))))
    }

    func testMalformedIdsAreErrors() throws {
        let cases: [(JSONObject, String)] = [
            (extensions(id: .string(String(repeating: "a", count: 15))),
             #"$.extensions["payment-identifier"].info.id: must be 16-128 characters of A-Z, a-z, 0-9, _ and -"#),
            (extensions(id: .string(String(repeating: "a", count: 129))),
             #"$.extensions["payment-identifier"].info.id: must be 16-128 characters of A-Z, a-z, 0-9, _ and -"#),
            (extensions(id: .string("pay_abc!@#defghijklmnop")),
             #"$.extensions["payment-identifier"].info.id: must be 16-128 characters of A-Z, a-z, 0-9, _ and -"#),
            (extensions(id: .string("pay_ééééééééééééééé")),
             #"$.extensions["payment-identifier"].info.id: must be 16-128 characters of A-Z, a-z, 0-9, _ and -"#),
            (extensions(id: 12), #"$.extensions["payment-identifier"].info.id: expected a string, found number"#),
            ([PaymentIdentifier.extensionKey: ["info": "x"]], #"$.extensions["payment-identifier"].info: expected an object, found string"#),
            ([PaymentIdentifier.extensionKey: "id"], #"$.extensions["payment-identifier"]: expected an object, found string"#),
        ]
        for (extensions, message) in cases {
            XCTAssertThrowsError(try PaymentIdentifier.id(in: payment(extensions: extensions))) { error in
                XCTAssertEqual((error as? X402Error)?.code, "invalid_payment_identifier")
                XCTAssertEqual("\(error)", "invalid payment identifier: " + message)
            }
        }
    }
}
