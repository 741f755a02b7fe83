/// One `name="value"` pair of a sample. A sample keeps its labels in an array so the exposition
/// prints them in the order the caller gave, which keeps scrapes stable and diffable.
public struct Label: Sendable, Hashable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Labels from a literal such as `["route": "/a", "code": "200"]`, in the literal's order.
    public static func list(_ pairs: KeyValuePairs<String, String>) -> [Label] {
        pairs.map { Label(name: $0.key, value: $0.value) }
    }
}
