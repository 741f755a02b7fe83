/// Structural rules of a split, checked at config load and again before every allocation.
extension Split {
    /// Checks the definition on its own: at least one recipient; names non-empty and unique;
    /// basis points in 1...10000 summing to exactly 10000 when present; at most one remainder;
    /// basis points and remainder not mixed; not fixed-only; fixed shares non-zero and, for
    /// money strings, well-formed (their precision is checked against an asset by
    /// `validateAgainst(amount:decimals:)`).
    public func validate() throws(SplitError) {
        guard !recipients.isEmpty else { throw .noRecipients }
        var names = Set<String>()
        var basisPointsTotal = 0
        var firstBasisPoints: Int?
        var firstRemainder: Int?
        for (index, recipient) in recipients.enumerated() {
            guard !recipient.name.isEmpty else { throw .emptyName(index: index) }
            guard names.insert(recipient.name).inserted else { throw .duplicateName(index: index, name: recipient.name) }
            switch recipient.share {
            case .basisPoints(let value):
                guard (1...10_000).contains(value) else { throw .invalidBasisPoints(index: index, value: value) }
                if firstRemainder != nil { throw .basisPointsWithRemainder(index: index) }
                basisPointsTotal += Int(value)
                firstBasisPoints = firstBasisPoints ?? index
            case .remainder:
                if firstRemainder != nil { throw .multipleRemainders(index: index) }
                if firstBasisPoints != nil { throw .basisPointsWithRemainder(index: index) }
                firstRemainder = index
            case .fixed(let share):
                try Self.checkFixed(share, index: index)
            }
        }
        if firstBasisPoints != nil, basisPointsTotal != 10_000 { throw .basisPointsSum(total: basisPointsTotal) }
        if firstBasisPoints == nil, firstRemainder == nil { throw .fixedOnly }
    }

    /// Checks that the split can divide `amount` of an asset with `decimals`: it is valid, its
    /// money shares are exact at `decimals`, and its fixed shares fit in `amount`. Run at config
    /// load for every price the split applies to.
    public func validateAgainst(amount: TokenAmount, decimals: Int) throws(SplitError) {
        try validate()
        _ = try fixedTotal(within: amount, decimals: decimals)
    }

    /// The atomic units of each fixed share (nil for other shares) and their total, which
    /// must not exceed `amount`.
    func fixedTotal(within amount: TokenAmount, decimals: Int) throws(SplitError) -> (units: [TokenAmount?], total: TokenAmount) {
        var units: [TokenAmount?] = []
        var total = TokenAmount.zero
        for (index, recipient) in recipients.enumerated() {
            guard case .fixed(let share) = recipient.share else {
                units.append(nil)
                continue
            }
            let value = try Self.units(of: share, index: index, decimals: decimals)
            guard let sum = total.adding(value) else { throw .overflow }
            total = sum
            units.append(value)
        }
        guard total <= amount else { throw .fixedExceedsAmount(fixed: total, amount: amount) }
        return (units, total)
    }

    private static func checkFixed(_ share: FixedShare, index: Int) throws(SplitError) {
        switch share {
        case .units(let units):
            guard units != .zero else { throw .zeroFixedShare(index: index) }
        case .money(let text):
            let isZero: Bool
            do {
                isZero = try Money.isZero(syntaxOf: text)
            } catch {
                throw .invalidFixedShare(index: index, error)
            }
            guard !isZero else { throw .zeroFixedShare(index: index) }
        }
    }

    private static func units(of share: FixedShare, index: Int, decimals: Int) throws(SplitError) -> TokenAmount {
        switch share {
        case .units(let units):
            return units
        case .money(let text):
            do {
                return try Money.parse(text, decimals: decimals)
            } catch {
                throw .invalidFixedShare(index: index, error)
            }
        }
    }
}
