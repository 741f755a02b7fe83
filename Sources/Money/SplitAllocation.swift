extension Split {
    /// Divides `amount` among the recipients; the lines always add up to exactly `amount`.
    ///
    /// The rule, in order:
    /// 1. Every fixed recipient receives its fixed share (money strings converted exactly at
    ///    `decimals`). If the fixed shares add up to more than `amount`, the allocation fails
    ///    with `fixed_exceeds_amount`. The rest is R = amount − Σ fixed.
    /// 2. If there is a remainder recipient, it receives R.
    /// 3. Otherwise R is divided among the basis-point recipients (their points sum to 10000)
    ///    by the largest-remainder rule: recipient i first receives q_i = ⌊R·bps_i / 10000⌋ and
    ///    has the remainder r_i = (R·bps_i) mod 10000. The L = R − Σq_i units left over
    ///    (always fewer than the number of basis-point recipients) go one each to the L
    ///    recipients with the largest r_i; equal r_i are served in config order, earlier
    ///    first. Each recipient thus gets its exact share rounded down or up, never further.
    ///
    /// Lines come in config order, one per recipient; a recipient whose share rounds to
    /// nothing gets a zero-amount line (kept, so receipts always list every recipient).
    ///
    /// No step can overflow: writing R = 10000·a + b with b < 10000, q_i = a·bps_i +
    /// ⌊b·bps_i / 10000⌋ and r_i = (b·bps_i) mod 10000, where a·bps_i ≤ R and b·bps_i < 10^8.
    /// The only overflow possible is a sum of fixed shares beyond 128 bits (`overflow`).
    public func allocate(_ amount: TokenAmount, decimals: Int) throws(SplitError) -> [SplitLine] {
        try validate()
        let (fixedUnits, fixedTotal) = try fixedTotal(within: amount, decimals: decimals)
        let rest = amount.units - fixedTotal.units
        let proportional = proportionalAmounts(of: rest)
        return recipients.enumerated().map { index, recipient in
            let units: UInt128 = switch recipient.share {
            case .fixed: fixedUnits[index]?.units ?? 0
            case .remainder: rest
            case .basisPoints: proportional[index]
            }
            return SplitLine(index: index, name: recipient.name, address: recipient.address, amount: TokenAmount(units: units))
        }
    }

    /// The largest-remainder division of `rest` among basis-point recipients, indexed like
    /// `recipients` (zero for the others).
    private func proportionalAmounts(of rest: UInt128) -> [UInt128] {
        let (a, b) = rest.quotientAndRemainder(dividingBy: 10_000)
        var amounts = [UInt128](repeating: 0, count: recipients.count)
        var remainders: [(index: Int, remainder: UInt128)] = []
        var distributed: UInt128 = 0
        for (index, recipient) in recipients.enumerated() {
            guard case .basisPoints(let points) = recipient.share else { continue }
            let (q, r) = (b * UInt128(points)).quotientAndRemainder(dividingBy: 10_000)
            amounts[index] = a * UInt128(points) + q
            distributed += amounts[index]
            remainders.append((index, r))
        }
        guard !remainders.isEmpty else { return amounts }
        let leftover = Int(rest - distributed)
        let order = remainders.sorted { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
        for entry in order.prefix(leftover) { amounts[entry.index] += 1 }
        return amounts
    }
}
