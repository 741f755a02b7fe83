import Config
import Money

/// The route table `paygate check` prints: what matches, where it goes, what it costs.
enum RouteTablePrinter {
    static func render(_ config: GatewayConfig) -> String {
        var rows: [[String]] = [["#", "route", "methods", "host", "path", "upstream", "price"]]
        for (index, route) in config.routes.enumerated() {
            let upstream = config.upstream(named: route.upstream).map { "\($0.name) (\($0.url))" } ?? route.upstream
            var price = "free"
            if let pricing = route.pricing {
                price = pricing.options.map { option in
                    "\(Money.format(option.amount, decimals: option.asset.decimals)) \(option.extra["name"]?.stringValue ?? option.asset.address) on \(option.network) to \(option.payTo)"
                }.joined(separator: " | ")
                price += " [\(pricing.settle.rawValue)" + (pricing.splitName.map { ", split \($0)" } ?? "") + "]"
            }
            rows.append([String(index + 1), route.name, route.methods?.joined(separator: ",") ?? "*",
                         route.hosts.isEmpty ? "*" : route.hosts.map(\.description).joined(separator: ","),
                         route.path.description, upstream, price])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
