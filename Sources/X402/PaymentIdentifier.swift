import JSON

/// The `payment-identifier` extension: a client-chosen idempotency key for a payment.
///
/// The server declares it in its 402 (`extensions["payment-identifier"] = {info:{required},
/// schema}`); the client echoes the declaration with `info.id` added. The id is 16–128
/// characters of `A-Z a-z 0-9 _ -` (`specs/extensions/payment_identifier.md`, reference
/// `extensions/src/payment-identifier`). What to do with it (same id and payload → cached
/// answer, same id and another payload → 409, required but missing → 400) is the gateway's.
public enum PaymentIdentifier {
    public static let extensionKey = "payment-identifier"
    public static let idLengths = 16...128

    /// The declaration a server puts in `PaymentRequired.extensions["payment-identifier"]`,
    /// identical to the reference's `declarePaymentIdentifierExtension(required)`.
    public static func declaration(required: Bool) -> JSONValue {
        [
            "info": ["required": .bool(required)],
            "schema": [
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "properties": [
                    "id": [
                        "type": "string",
                        "minLength": .integer(idLengths.lowerBound),
                        "maxLength": .integer(idLengths.upperBound),
                        "pattern": "^[a-zA-Z0-9_-]+$",
                    ],
                ],
                "required": ["id"],
            ],
        ]
    }

    /// Whether a challenge's extensions declare the identifier as required (false when the
    /// extension is absent, or its `info.required` is absent or not `true`).
    public static func isRequired(by extensions: JSONObject?) -> Bool {
        extensions?[extensionKey]?["info"]?["required"]?.boolValue ?? false
    }

    /// The id a payment carries, or nil when it carries none: no extension, or the declaration
    /// echoed without an `info.id` (what clients that do not implement the extension send, the
    /// official SDK included, since clients must echo declared extensions). An id that is
    /// present but malformed, or a mistyped extension or `info`, is an error naming the path.
    public static func id(in payment: PaymentPayload) throws(X402Error) -> String? {
        guard let declared = payment.extensions?[extensionKey], !declared.isNull else { return nil }
        do {
            return try readID(declared)
        } catch {
            throw .invalidPaymentIdentifier(error)
        }
    }

    private static func readID(_ declared: JSONValue) throws(JSONDecodeError) -> String? {
        let path = JSONPath.root.appending(key: "extensions").appending(key: extensionKey)
        guard let cursor = try JSONCursor(declared, path: path).object().optionalObject("info")?.optionalCursor("id") else {
            return nil
        }
        let id = try cursor.string()
        guard idLengths.contains(id.utf8.count), id.utf8.allSatisfy(isIdByte) else {
            throw cursor.invalid(code: "invalid_payment_identifier", "must be 16-128 characters of A-Z, a-z, 0-9, _ and -")
        }
        return id
    }

    /// The extension object a client sends: the server's declaration with `info.id` set.
    public static func echo(declaration: JSONValue, id: String) -> JSONValue {
        var object = declaration.objectValue ?? JSONObject()
        var info = object["info"]?.objectValue ?? JSONObject()
        info["id"] = .string(id)
        object["info"] = .object(info)
        return .object(object)
    }

    private static func isIdByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
