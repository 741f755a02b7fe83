import JSON
import Money
import Wallet
import X402
import XCTest

/// Which option gets paid: caps, budget, known assets only, exact EVM only, v1 and v2, the
/// development network, and a reason for every refusal.
final class OptionChooserTests: XCTestCase {
    private func verdicts(_ options: [JSONValue], _ limits: PaymentLimits) throws -> (quote: Quote?, verdicts: [OptionVerdict]) {
        OptionChooser.choose(try Fixture.options(Fixture.v2(options)), limits: limits)
    }

    private func refusal(_ option: JSONValue, _ limits: PaymentLimits) throws -> OptionRefusal? {
        let result = try verdicts([option], limits)
        XCTAssertNil(result.quote)
        guard case .failure(let refusal) = result.verdicts.first?.result else { return nil }
        return refusal
    }

    func testPaysAPriceUpToTheCapAndRefusesAbove() throws {
        let atCap = try verdicts([Fixture.option(amount: "10000")], try Fixture.limits(cap: "$0.01"))
        XCTAssertEqual(atCap.quote?.price, Fixture.dollars("$0.01"))
        XCTAssertEqual(try refusal(Fixture.option(amount: "10001"), try Fixture.limits(cap: "$0.01")),
                       .aboveCap(price: Fixture.dollars("$0.010001"), cap: Fixture.dollars("$0.01")))
        XCTAssertEqual(try refusal(Fixture.option(amount: "1"), try Fixture.limits(cap: "$0")),
                       .aboveCap(price: Fixture.dollars("$0.000001"), cap: .zero))
    }

    func testACapFinerThanTheAssetStillComparesExactly() throws {
        let limits = try Fixture.limits(cap: "$0.0010005")
        XCTAssertNotNil(try verdicts([Fixture.option(amount: "1000")], limits).quote)
        XCTAssertEqual(try refusal(Fixture.option(amount: "1001"), limits)?.code, "above_max_per_request")
    }

    func testRefusesWhatDoesNotFitTheRemainingBudget() throws {
        let limits = try Fixture.limits(budget: "$1", spent: "$0.9995")
        XCTAssertNotNil(try verdicts([Fixture.option(amount: "500")], limits).quote, "exactly what is left")
        XCTAssertEqual(try refusal(Fixture.option(amount: "501"), limits),
                       .overBudget(price: Fixture.dollars("$0.000501"), remaining: Fixture.dollars("$0.0005"),
                                   budget: Fixture.dollars("$1")))
        let overspent = try Fixture.limits(budget: "$0.5", spent: "$0.9")
        XCTAssertEqual(try refusal(Fixture.option(amount: "1"), overspent)?.code, "budget_exhausted")
        var overflowed = try Fixture.limits()
        overflowed.spent = nil
        XCTAssertEqual(try refusal(Fixture.option(amount: "1"), overflowed)?.code, "budget_exhausted")
    }

    func testRefusesAssetsWhoseDollarValueIsUnknown() throws {
        let weth = "0x4200000000000000000000000000000000000006"
        let refused = try refusal(Fixture.option(asset: weth), try Fixture.limits())
        XCTAssertEqual(refused, .unknownAsset(asset: weth, network: .baseSepolia))
        XCTAssertTrue("\(try XCTUnwrap(refused))".contains(weth), "names the asset")
        XCTAssertTrue("\(try XCTUnwrap(refused))".contains(Fixture.usdc.address), "names the one it would pay")
        XCTAssertEqual(try refusal(Fixture.option(network: "eip155:1", asset: weth), try Fixture.limits())?.code, "unknown_asset",
                       "a network without a default stablecoin")
        XCTAssertEqual(try refusal(Fixture.option(network: "eip155:8453"), try Fixture.limits())?.code, "unknown_asset",
                       "Base Sepolia's USDC address on Base mainnet")
    }

    func testTheAssetAddressMatchesInAnyCase() throws {
        XCTAssertNotNil(try verdicts([Fixture.option(asset: Fixture.usdc.address.lowercased())], try Fixture.limits()).quote)
    }

    func testRefusesOtherSchemesNetworksAndTransferMethods() throws {
        let limits = try Fixture.limits()
        XCTAssertEqual(try refusal(Fixture.option(scheme: "upto"), limits), .unsupportedScheme("upto"))
        let solana = Fixture.option(network: Network.solanaDevnet.caip2, asset: "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU")
        XCTAssertEqual(try refusal(solana, limits), .unsupportedNetwork(.solanaDevnet))
        let permit2 = Fixture.option(extra: ["name": "USDC", "version": "2", "assetTransferMethod": "permit2"])
        XCTAssertEqual(try refusal(permit2, limits), .unsupportedTransferMethod("permit2"))
        let megaUSD = try XCTUnwrap(Asset.defaultAsset(for: .eip155(4326)))
        XCTAssertEqual(try refusal(Fixture.option(network: "eip155:4326", asset: megaUSD.address, extra: nil), limits),
                       .unsupportedTransferMethod("permit2"), "the asset's own method when extra says none")
        XCTAssertEqual(try refusal(Fixture.option(payTo: "merchant"), limits), .invalidPayTo("merchant"))
        XCTAssertEqual(try refusal(["scheme": "exact"], limits)?.code, "unreadable_option")
    }

    func testNetworkFilter() throws {
        let limits = try Fixture.limits(network: .base)
        XCTAssertEqual(try refusal(Fixture.option(), limits), .otherNetwork(offered: .baseSepolia, requested: .base))
        let base = try XCTUnwrap(Asset.defaultAsset(for: .base))
        XCTAssertEqual(try verdicts([Fixture.option(), Fixture.option(network: "eip155:8453", asset: base.address)], limits)
            .quote?.option.number, 2)
    }

    func testChoosesTheFirstAcceptableOptionAndJudgesEveryOption() throws {
        let limits = try Fixture.limits(cap: "$0.01")
        let (quote, verdicts) = try verdicts([Fixture.option(scheme: "upto"), Fixture.option(amount: "20000"),
                                              Fixture.option(amount: "3000"), Fixture.option(amount: "1000")], limits)
        XCTAssertEqual(quote?.option.number, 3, "the first acceptable, not the cheapest")
        XCTAssertEqual(verdicts.count, 4)
        XCTAssertEqual(verdicts.map { (try? $0.result.get()) == nil }, [true, true, false, false])
    }

    func testV1OptionsAreJudgedInTheirV2Form() throws {
        let options = try Fixture.options(Fixture.v1([Fixture.v1Option(network: "base", amount: "1000"), Fixture.v1Option()]))
        let (quote, verdicts) = OptionChooser.choose(options, limits: try Fixture.limits())
        XCTAssertNil(verdicts.first.flatMap { try? $0.result.get() }, "base mainnet with Base Sepolia's USDC")
        XCTAssertEqual(quote?.option.number, 2)
        XCTAssertEqual(quote?.requirement.network, .baseSepolia)
        guard case .v1 = quote?.offer else { return XCTFail("not signed as v1") }
    }

    func testDevelopmentNetworkPaysPUSDWithChainIdZeroAndItsKnownDomain() throws {
        let quote = try XCTUnwrap(try verdicts([Fixture.devnetOption(amount: "2500")], try Fixture.limits()).quote)
        XCTAssertEqual(quote.chainId, DevelopmentNetwork.chainId)
        XCTAssertEqual(quote.price, Fixture.dollars("$0.0025"))
        XCTAssertNil(quote.requirement.extra, "the offer itself is unchanged")
        XCTAssertEqual(quote.signing.extra?["name"]?.stringValue, "Paygate Dev USD")
        XCTAssertEqual(quote.signing.extra?["version"]?.stringValue, "1")
        let eip155 = try XCTUnwrap(try verdicts([Fixture.option()], try Fixture.limits()).quote)
        XCTAssertNil(eip155.chainId, "eip155 networks carry their chain id")
        XCTAssertEqual(eip155.signing, eip155.requirement, "a complete extra is signed as offered")
    }

    func testTheServersDomainIsKeptAndOnlyMissingFieldsAreFilled() throws {
        let quote = try XCTUnwrap(try verdicts([Fixture.option(extra: ["name": "Custom"])], try Fixture.limits()).quote)
        XCTAssertEqual(quote.signing.extra?["name"]?.stringValue, "Custom")
        XCTAssertEqual(quote.signing.extra?["version"]?.stringValue, "2")
    }
}
