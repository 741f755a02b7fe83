import Crypto
import JSON
import Money
import Routing
import X402

/// What route decoding needs from the sections decoded before it.
struct RouteContext {
    let upstreams: [UpstreamConfig]
    let facilitators: [FacilitatorConfig]
    let splits: [String: Split]
    let payments: PaymentDefaults
}

extension ConfigDecoder {
    static let routeKeys = ["name", "host", "hosts", "methods", "path", "upstream", "rewrite", "maxRequestBodyBytes",
                            "price", "network", "payTo", "maxTimeoutSeconds", "description", "mimeType", "accepts",
                            "facilitator", "settle", "maxBufferBytes", "split", "paymentIdentifier", "preVerify"]
    static let pricingKeys = ["price", "accepts", "network", "payTo", "maxTimeoutSeconds", "description", "mimeType",
                              "facilitator", "settle", "maxBufferBytes", "split", "paymentIdentifier", "preVerify"]

    // MARK: Routes

    func decodeRoutes(_ entries: [JSONCursor], context: RouteContext) throws(Problem) -> [RouteConfig] {
        var routes: [RouteConfig] = []
        for entry in entries {
            let object = try entry.object()
            try object.rejectUnknownKeys(allowed: Self.routeKeys)
            let name = try object.optionalString("name") ?? "route\(routes.count)"
            guard !routes.contains(where: { $0.name == name }) else {
                throw object.invalid("name", code: "duplicate_name", "route \"\(name)\" is defined twice")
            }
            let upstream = try object.string("upstream")
            guard context.upstreams.contains(where: { $0.name == upstream }) else {
                throw object.invalid("upstream", code: "unknown_upstream", "no upstream named \"\(upstream)\" in $.upstreams")
            }
            let pathText = try object.optionalString("path") ?? "/*"
            let path: PathPattern
            do { path = try PathPattern(pathText) } catch { throw object.invalid("path", code: "invalid_path_pattern", error.description) }
            var route = RouteConfig(name: name, hosts: try hostPatterns(object), methods: try methods(object), path: path,
                                    upstream: upstream, stripPrefix: nil, addPrefix: nil,
                                    maxRequestBodyBytes: try object.optionalInteger("maxRequestBodyBytes", as: UInt64.self))
            if let rewrite = try object.optionalObject("rewrite") {
                try rewrite.rejectUnknownKeys(allowed: ["stripPrefix", "prefix"])
                route.stripPrefix = try pathPrefix(rewrite, "stripPrefix")
                route.addPrefix = try pathPrefix(rewrite, "prefix")
            }
            let priced = Self.pricingKeys.contains { object.contains($0) }
            if priced { route.pricing = try decodePricing(object, context: context) }
            routes.append(route)
        }
        return routes
    }

    private func hostPatterns(_ object: JSONObjectReader) throws(Problem) -> [HostPattern] {
        var texts: [String] = []
        if let host = try object.optionalString("host") { texts.append(host) }
        for entry in try object.optionalArray("hosts") ?? [] { texts.append(try entry.string()) }
        for text in texts where text.isEmpty || text.contains(":") || text.contains("/") || text.contains(" ") {
            throw object.invalid(object.contains("host") ? "host" : "hosts", code: "invalid_host_pattern",
                                 "\"\(text)\" is not a host pattern (a name, *.suffix or *; no port)")
        }
        return texts.map { HostPattern($0) }
    }

    private func methods(_ object: JSONObjectReader) throws(Problem) -> [String]? {
        guard let entries = try object.optionalArray("methods") else { return nil }
        var names: [String] = []
        for entry in entries {
            let name = try entry.string()
            let isToken = !name.isEmpty && name.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
            guard isToken else { throw entry.problem("invalid_method", "\"\(name)\" is not an upper-case method name") }
            names.append(name)
        }
        return names
    }

    private func pathPrefix(_ object: JSONObjectReader, _ key: String) throws(Problem) -> String? {
        guard let prefix = try object.optionalString(key) else { return nil }
        guard prefix.hasPrefix("/"), !prefix.contains("?"), !prefix.contains(" "), !prefix.contains("*") else {
            throw object.invalid(key, code: "invalid_path_prefix", "must start with \"/\" and be a plain path")
        }
        return prefix
    }

    // MARK: Pricing

    func decodePricing(_ route: JSONObjectReader, context: RouteContext) throws(Problem) -> RoutePricing {
        var options: [PaymentOption] = []
        if let accepts = try route.optionalArray("accepts") {
            guard !route.contains("price") else {
                throw route.invalid("price", code: "price_and_accepts", "give either price or accepts, not both")
            }
            guard !accepts.isEmpty else { throw route.invalid("accepts", code: "no_payment_options", "accepts is empty") }
            for entry in accepts {
                let option = try entry.object()
                try option.rejectUnknownKeys(allowed: ["scheme", "price", "network", "payTo", "maxTimeoutSeconds", "extra"])
                options.append(try paymentOption(option, route: route, payments: context.payments))
            }
        } else {
            guard route.contains("price") else {
                throw route.invalid("price", code: "missing_price", "a priced route needs price (or accepts)")
            }
            options.append(try paymentOption(route, route: route, payments: context.payments))
        }

        let split = try routeSplit(route, options: options, context: context)
        let settle: SettleMode
        if let text = try route.optionalString("settle") {
            guard let mode = SettleMode(rawValue: text) else {
                throw route.invalid("settle", code: "invalid_value", "must be \"after-response\" or \"before-forward\"")
            }
            settle = mode
        } else {
            settle = context.payments.settle
        }
        let identifier: PaymentIdentifierMode
        if let text = try route.optionalString("paymentIdentifier") {
            guard let mode = PaymentIdentifierMode(rawValue: text) else {
                throw route.invalid("paymentIdentifier", code: "invalid_value", "must be \"off\", \"optional\" or \"required\"")
            }
            identifier = mode
        } else {
            identifier = .optional
        }
        return RoutePricing(
            options: options,
            description: try route.optionalString("description") ?? "",
            mimeType: try route.optionalString("mimeType") ?? "",
            settle: settle,
            maxBufferBytes: try bounded(route, "maxBufferBytes", context.payments.maxBufferBytes, 0...(1 << 30)),
            split: split.split,
            splitName: split.name,
            facilitators: try facilitatorList(route, "facilitator", context: context, fallback: context.payments.facilitators),
            paymentIdentifier: identifier,
            preVerify: try route.optionalBool("preVerify") ?? false)
    }

    /// One payment option; keys missing on `object` fall back to the route, then to
    /// `$.payments` defaults.
    private func paymentOption(_ object: JSONObjectReader, route: JSONObjectReader, payments: PaymentDefaults) throws(Problem) -> PaymentOption {
        let scheme = try object.optionalString("scheme") ?? "exact"
        guard scheme == "exact" else {
            throw object.invalid("scheme", code: "unsupported_scheme", "only the \"exact\" scheme is supported")
        }
        let network = try optionNetwork(object, route: route, payments: payments)
        let (asset, amount) = try price(object, network: network)
        let payTo = try optionPayTo(object, route: route, payments: payments)
        let timeoutOwner = object.contains("maxTimeoutSeconds") ? object : route
        let maxTimeout = try bounded(timeoutOwner, "maxTimeoutSeconds", PaymentRequirements.defaultMaxTimeoutSeconds, 1...86_400)
        var extra = asset.requirementExtra
        if let configured = try object.optionalObject("extra") {
            for (key, value) in configured.object { extra[key] = value }
        }
        return PaymentOption(scheme: scheme, network: network, asset: asset, amount: amount, payTo: payTo,
                             maxTimeoutSeconds: maxTimeout, extra: extra)
    }

    private func optionNetwork(_ object: JSONObjectReader, route: JSONObjectReader, payments: PaymentDefaults) throws(Problem) -> Network {
        let owner = object.contains("network") ? object : route
        guard let text = try owner.optionalString("network") else {
            if let network = payments.network { return network }
            throw object.invalid("network", code: "missing_network", "no network here, on the route, or in $.payments.network")
        }
        do { return try Network(parsing: text) } catch { throw owner.invalid("network", code: error.code, error.description) }
    }

    private func optionPayTo(_ object: JSONObjectReader, route: JSONObjectReader, payments: PaymentDefaults) throws(Problem) -> String {
        let owner = object.contains("payTo") ? object : route
        guard let cursor = owner.optionalCursor("payTo") else {
            if let payTo = payments.payTo { return payTo }
            throw object.invalid("payTo", code: "missing_pay_to", "no payTo here, on the route, or in $.payments.payTo")
        }
        return try address(cursor)
    }

    /// `"$0.001"` / `"0.001"` / `0.001` in the network's default asset, or
    /// `{"asset": "0x…", "amount": "1000", "decimals": 6, "extra": {"name": …, "version": …}}`.
    private func price(_ object: JSONObjectReader, network: Network) throws(Problem) -> (Asset, TokenAmount) {
        let cursor = try object.cursor("price")
        switch cursor.value {
        case .string(let text):
            return try moneyPrice(text, cursor: cursor, network: network)
        case .number(let literal):
            return try moneyPrice(literal, cursor: cursor, network: network)
        case .object:
            let explicit = try cursor.object()
            try explicit.rejectUnknownKeys(allowed: ["asset", "amount", "decimals", "extra"])
            let assetAddress = try address(try explicit.cursor("asset"))
            let amountText = try explicit.string("amount")
            guard let amount = TokenAmount(decimal: amountText), amount > .zero else {
                throw explicit.invalid("amount", code: "invalid_amount", "must be a positive integer of atomic units as a string")
            }
            var domain: EIP712TokenDomain?
            if let extra = try explicit.optionalObject("extra") {
                if let name = try extra.optionalString("name"), let version = try extra.optionalString("version") {
                    domain = EIP712TokenDomain(name: name, version: version)
                }
            }
            let known = Asset.priceAsset(for: network).flatMap { $0.address.lowercased() == assetAddress.lowercased() ? $0 : nil }
            let decimals = try bounded(explicit, "decimals", known?.decimals ?? 6, 0...Money.maxDecimals)
            guard let eip712 = domain ?? known?.eip712 else {
                throw explicit.invalid("extra", code: "missing_eip712_domain",
                                       "an explicit asset needs extra.name and extra.version (its EIP-712 domain)")
            }
            return (Asset(network: network, address: assetAddress, decimals: decimals, eip712: eip712, transferMethod: .eip3009), amount)
        default:
            throw cursor.problem("type_mismatch", "expected a price (\"$0.001\") or {asset, amount, extra}")
        }
    }

    private func moneyPrice(_ text: String, cursor: JSONCursor, network: Network) throws(Problem) -> (Asset, TokenAmount) {
        guard let asset = Asset.priceAsset(for: network) else {
            throw cursor.problem("no_default_asset", "\(network) has no default asset; give the price as {asset, amount, extra}")
        }
        do {
            return (asset, try Money.parse(text, decimals: asset.decimals))
        } catch {
            throw cursor.problem(error.code, error.description)
        }
    }

    // MARK: Splits

    func decodeSplits(_ object: JSONObjectReader?) throws(Problem) -> [String: Split] {
        guard let object else { return [:] }
        var splits: [String: Split] = [:]
        for key in object.object.keys {
            splits[key] = try split(object.cursor(key))
        }
        return splits
    }

    /// `[{"name", "address", "bps" | "fixed" | "remainder": true}, ...]`, validated.
    func split(_ cursor: JSONCursor) throws(Problem) -> Split {
        var recipients: [SplitRecipient] = []
        for entry in try cursor.array() {
            let object = try entry.object()
            try object.rejectUnknownKeys(allowed: ["name", "address", "bps", "fixed", "remainder"])
            let kinds = ["bps", "fixed", "remainder"].filter { object.contains($0) }
            guard kinds.count == 1 else {
                throw entry.problem("invalid_share", "give exactly one of bps, fixed or remainder")
            }
            let share: Share
            switch kinds[0] {
            case "bps":
                let bps = try object.integer("bps", as: Int.self)
                guard (1...10_000).contains(bps) else { throw object.invalid("bps", code: "invalid_basis_points", "must be 1-10000") }
                share = .basisPoints(UInt16(bps))
            case "fixed":
                let text = try object.string("fixed")
                if let units = TokenAmount(decimal: text) {
                    share = .fixed(.units(units))
                } else {
                    do { _ = try Money.isZero(syntaxOf: text) } catch {
                        throw object.invalid("fixed", code: error.code, "atomic units (\"100\") or money (\"$0.0001\"): \(error.description)")
                    }
                    share = .fixed(.money(text))
                }
            default:
                guard try object.bool("remainder") else {
                    throw object.invalid("remainder", code: "invalid_share", "remainder must be true (or left out)")
                }
                share = .remainder
            }
            let name = try object.string("name")
            recipients.append(SplitRecipient(name: name, address: try address(try object.cursor("address")), share: share))
        }
        let split = Split(recipients)
        do { try split.validate() } catch {
            let at = error.recipientIndex.map { cursor.path.appending(index: $0) } ?? cursor.path
            throw Problem(path: at, problem: .invalidValue(code: error.code, message: error.description))
        }
        return split
    }

    /// The route's split: named, inline, the default from `$.payments.split`, or all to payTo.
    private func routeSplit(_ route: JSONObjectReader, options: [PaymentOption], context: RouteContext) throws(Problem) -> (split: Split, name: String?) {
        var chosen: (Split, String?)
        var owner = route
        if let cursor = route.optionalCursor("split") {
            if case .string(let name) = cursor.value {
                guard let named = context.splits[name] else {
                    throw route.invalid("split", code: "unknown_split", "no split named \"\(name)\" in $.splits")
                }
                chosen = (named, name)
            } else {
                chosen = (try split(cursor), nil)
            }
        } else if let name = context.payments.split, let named = context.splits[name] {
            chosen = (named, name)
            owner = route
        } else {
            guard Set(options.map(\.payTo)).count == 1 else {
                throw route.invalid("split", code: "split_required",
                                    "options pay different addresses; name a split so receipts say who earns what")
            }
            chosen = (Split([SplitRecipient(name: "payTo", address: options[0].payTo, share: .basisPoints(10_000))]), nil)
        }
        for option in options {
            do { try chosen.0.validateAgainst(amount: option.amount, decimals: option.asset.decimals) } catch {
                throw owner.invalid("split", code: error.code, "\(error.description) (price \(option.amount) units)")
            }
        }
        return chosen
    }

    // MARK: Payments defaults

    func decodePayments(_ object: JSONObjectReader?, facilitators: [FacilitatorConfig], splits: [String: Split]) throws(Problem) -> PaymentDefaults {
        var payments = PaymentDefaults()
        payments.facilitators = facilitators.map(\.name)
        guard let object else { return payments }
        try object.rejectUnknownKeys(allowed: ["facilitators", "settle", "maxBufferBytes", "network", "payTo", "split",
                                               "paywallTitle", "pendingRetryMs"])
        let all = RouteContext(upstreams: [], facilitators: facilitators, splits: splits, payments: payments)
        payments.facilitators = try facilitatorList(object, "facilitators", context: all, fallback: payments.facilitators)
        if let text = try object.optionalString("settle") {
            guard let mode = SettleMode(rawValue: text) else {
                throw object.invalid("settle", code: "invalid_value", "must be \"after-response\" or \"before-forward\"")
            }
            payments.settle = mode
        }
        payments.maxBufferBytes = try bounded(object, "maxBufferBytes", payments.maxBufferBytes, 0...(1 << 30))
        if let text = try object.optionalString("network") {
            do { payments.network = try Network(parsing: text) } catch { throw object.invalid("network", code: error.code, error.description) }
        }
        if let cursor = object.optionalCursor("payTo") { payments.payTo = try address(cursor) }
        if let name = try object.optionalString("split") {
            guard splits[name] != nil else { throw object.invalid("split", code: "unknown_split", "no split named \"\(name)\" in $.splits") }
            payments.split = name
        }
        payments.paywallTitle = try object.optionalString("paywallTitle") ?? payments.paywallTitle
        payments.pendingRetryMs = try bounded(object, "pendingRetryMs", payments.pendingRetryMs, 100...3_600_000)
        return payments
    }

    /// A facilitator name or list of names, each defined in `$.facilitators`.
    private func facilitatorList(_ object: JSONObjectReader, _ key: String, context: RouteContext, fallback: [String]) throws(Problem) -> [String] {
        guard let cursor = object.optionalCursor(key) else {
            guard !fallback.isEmpty else {
                throw object.invalid(key, code: "no_facilitator", "priced routes need a facilitator; define one in $.facilitators")
            }
            return fallback
        }
        var names: [String] = []
        if case .string(let name) = cursor.value {
            names = [name]
        } else {
            for entry in try cursor.array() { names.append(try entry.string()) }
        }
        guard !names.isEmpty else { throw object.invalid(key, code: "no_facilitator", "name at least one facilitator") }
        for name in names where !context.facilitators.contains(where: { $0.name == name }) {
            throw object.invalid(key, code: "unknown_facilitator", "no facilitator named \"\(name)\" in $.facilitators")
        }
        return names
    }

    /// An EVM address (EIP-55 checked when mixed case), returned in checksummed form.
    func address(_ cursor: JSONCursor) throws(Problem) -> String {
        let text = try cursor.string()
        do { return try EthAddress(hex: text).checksummed } catch {
            throw cursor.problem(error.code, "\"\(text)\" is not an address (0x and 40 hex digits, EIP-55 checksum if mixed case)")
        }
    }
}
