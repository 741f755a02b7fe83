/// A JSON object: members in insertion order, each key at most once.
///
/// Order is kept because paygate re-encodes objects it received (a payment payload forwarded to
/// a facilitator, a challenge compared byte for byte) and `JSON.stringify` writes keys in
/// insertion order. Lookup is a linear scan while the object is small (protocol objects have
/// fewer than ten keys, where a scan beats hashing); from `indexThreshold` members on, a
/// key→position dictionary keeps lookups and the parser's duplicate check linear overall.
///
/// Equality is JSON equality: the same keys with equal values, in any order.
public struct JSONObject: Sendable, Sequence {
    public typealias Element = (key: String, value: JSONValue)

    /// A struct rather than a (key, value) tuple: no tuple type has to be instantiated at run
    /// time on the hot path, and one array means one allocation per object.
    private struct Member: Sendable {
        var key: String
        var value: JSONValue
    }

    private var members: [Member] = []
    private var index: [String: Int] = [:]
    private static let indexThreshold = 16

    public init() {}

    /// An empty object with room for `capacity` members.
    public init(capacity: Int) { members.reserveCapacity(capacity) }

    /// An object from distinct keys, in the order given. A repeated key is a programming error.
    public init(uniqueKeysWithValues pairs: some Sequence<(String, JSONValue)>) {
        for (key, value) in pairs {
            let inserted = insertNew(key, value)
            precondition(inserted, "JSONObject: duplicate key \"\(key)\"")
        }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    public func makeIterator() -> Iterator { Iterator(object: self) }

    public struct Iterator: IteratorProtocol {
        let object: JSONObject
        var position = 0

        public mutating func next() -> Element? {
            guard position < object.members.count else { return nil }
            defer { position += 1 }
            return (object.members[position].key, object.members[position].value)
        }
    }

    /// The value for `key`, or nil. Setting nil removes the member; setting a value replaces it
    /// in place or appends it at the end.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            switch (position(of: key), newValue) {
            case (let found?, let value?): members[found].value = value
            case (nil, let value?): append(key, value)
            case (let found?, nil): remove(at: found)
            case (nil, nil): break
            }
        }
    }

    /// Appends a member unless `key` is already present; returns whether it was appended.
    @discardableResult
    public mutating func insertNew(_ key: String, _ value: JSONValue) -> Bool {
        guard position(of: key) == nil else { return false }
        append(key, value)
        return true
    }

    private func position(of key: String) -> Int? {
        if members.count >= Self.indexThreshold { return index[key] }
        return members.firstIndex { $0.key == key }
    }

    private mutating func append(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
        if members.count == Self.indexThreshold {
            rebuildIndex()
        } else if members.count > Self.indexThreshold {
            index[key] = members.count - 1
        }
    }

    private mutating func remove(at position: Int) {
        members.remove(at: position)
        index = [:]
        if members.count >= Self.indexThreshold { rebuildIndex() }
    }

    private mutating func rebuildIndex() {
        for (offset, member) in members.enumerated() { index[member.key] = offset }
    }
}

extension JSONObject: Equatable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.allSatisfy { rhs[$0.key] == $0.value }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(uniqueKeysWithValues: elements)
    }
}
