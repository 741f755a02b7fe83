"""Recovery speed of the official x402 Python SDK's signature stack, for bench/crypto/run.sh.

Builds the x402 specification's example TransferWithAuthorization digest with the SDK
(hash_eip3009_authorization), then times eth_account's Account._recover_hash and
Account.recover_message (the call the SDK's verify_typed_data makes) in bounded loops.
Prints "name value unit" lines, and which backend eth_keys uses.
"""
import importlib.util
import time

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_keys.backends import get_backend
from x402.mechanisms.evm.eip712 import AUTHORIZATION_TYPES, hash_eip3009_authorization
from x402.mechanisms.evm.types import ExactEIP3009Authorization

FROM = "0x857b06519E91e3A54538791bDbb0E22373e36b66"
SIGNATURE = ("0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8"
             "dbbf5836e9bd15092f9ecab05ded3d6293af148b571c")
AUTHORIZATION = ExactEIP3009Authorization(
    from_address=FROM, to="0x209693Bc6afc0C5328bA36FaF03C514EF312287C", value="10000",
    valid_after="1740672089", valid_before="1740672154",
    nonce="0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480")
DOMAIN = {"name": "USDC", "version": "2", "chainId": 84532,
          "verifyingContract": "0x036CbD53842c5426634e7929541eC2318f3dCF7e"}


def per_second(iterations, call):
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(iterations):
            call()
        best = min(best, time.perf_counter() - start)
    return iterations / best


def main():
    digest = hash_eip3009_authorization(AUTHORIZATION, DOMAIN["chainId"], DOMAIN["verifyingContract"],
                                        DOMAIN["name"], DOMAIN["version"])
    message = {"from": FROM, "to": AUTHORIZATION.to, "value": 10000, "validAfter": 1740672089,
               "validBefore": 1740672154, "nonce": bytes.fromhex(AUTHORIZATION.nonce[2:])}
    signable = encode_typed_data(domain_data=DOMAIN, message_types={
        "TransferWithAuthorization": AUTHORIZATION_TYPES["TransferWithAuthorization"]}, message_data=message)
    assert Account._recover_hash(digest, signature=SIGNATURE) == FROM
    assert Account.recover_message(signable, signature=SIGNATURE) == FROM
    print("python_recover_hash", round(per_second(200, lambda: Account._recover_hash(digest, signature=SIGNATURE)), 1), "ops/s")
    print("python_recover_message", round(per_second(200, lambda: Account.recover_message(signable, signature=SIGNATURE)), 1), "ops/s")
    coincurve = "installed" if importlib.util.find_spec("coincurve") else "not installed"
    print("python_eth_keys_backend", type(get_backend()).__name__, f"(coincurve {coincurve})")


if __name__ == "__main__":
    main()
