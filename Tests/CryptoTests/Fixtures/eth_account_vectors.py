"""Cross-check vectors for paygate's Crypto module, made by the official x402 Python SDK.

  python eth_account_vectors.py sign
      Signs EIP-3009 TransferWithAuthorization messages the way the SDK's exact-EVM client
      does (build_typed_data_for_signing + EthAccountSigner.sign_typed_data, i.e. eth_account)
      with fixed keys, several token domains and random nonces (create_nonce). Prints a JSON
      array of {key, address, domain, authorization, digest, signature}. The digest is the SDK's
      hash_eip3009_authorization, asserted equal to eth_account's own EIP-712 hashing.

  python eth_account_vectors.py recover
      Reads a JSON array of {digest, signature} on stdin and prints the JSON array of
      addresses eth_account's Account._recover_hash returns (null when it refuses).

Exit status 3 means the SDK or eth_account is not importable.
"""
import json
import sys
import time

try:
    from eth_account import Account
    from eth_account.messages import _hash_eip191_message, encode_typed_data
    from x402.mechanisms.evm.eip712 import build_typed_data_for_signing, hash_eip3009_authorization
    from x402.mechanisms.evm.signers import EthAccountSigner
    from x402.mechanisms.evm.types import ExactEIP3009Authorization
    from x402.mechanisms.evm.utils import create_nonce
except ImportError as error:  # reported by the Swift test with install instructions
    print(f"missing Python package: {error}", file=sys.stderr)
    sys.exit(3)

KEYS = [
    "0x0000000000000000000000000000000000000000000000000000000000000001",
    "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
    "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",
]
DOMAINS = [
    ("USDC", "2", 84532, "0x036CbD53842c5426634e7929541eC2318f3dCF7e"),
    ("USD Coin", "2", 8453, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
    ("Tëst Tokén ✓", "10", 9007199254740991, "0x0000000000000000000000000000000000000001"),
]
VALUES = ["0", "10000", str(2**256 - 1)]
PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"


def sign_vectors():
    now = int(time.time())
    vectors = []
    for key_index, key in enumerate(KEYS):
        account = Account.from_key(key)
        signer = EthAccountSigner(account)
        for domain_index, (name, version, chain_id, contract) in enumerate(DOMAINS):
            authorization = ExactEIP3009Authorization(
                from_address=account.address, to=PAY_TO,
                value=VALUES[(key_index + domain_index) % len(VALUES)],
                valid_after=str(now - 600) if domain_index % 2 else "0",
                valid_before=str(now + 300), nonce=create_nonce())
            domain, types, primary, message = build_typed_data_for_signing(
                authorization, chain_id, contract, name, version)
            signature = signer.sign_typed_data(domain, types, primary, message)
            digest = hash_eip3009_authorization(authorization, chain_id, contract, name, version)
            signable = encode_typed_data(
                domain_data={"name": name, "version": version, "chainId": chain_id,
                             "verifyingContract": contract},
                message_types={"TransferWithAuthorization": types["TransferWithAuthorization"]},
                message_data=message)
            assert _hash_eip191_message(signable) == digest, "SDK and eth_account disagree"
            vectors.append({
                "key": key, "address": account.address,
                "domain": {"name": name, "version": version, "chainId": chain_id,
                           "verifyingContract": contract},
                "authorization": {"from": authorization.from_address, "to": authorization.to,
                                  "value": authorization.value,
                                  "validAfter": authorization.valid_after,
                                  "validBefore": authorization.valid_before,
                                  "nonce": authorization.nonce},
                "digest": "0x" + digest.hex(), "signature": "0x" + signature.hex(),
            })
    return vectors


def recover(requests):
    answers = []
    for request in requests:
        try:
            answers.append(Account._recover_hash(bytes.fromhex(request["digest"][2:]),
                                                 signature=request["signature"]))
        except Exception:  # eth_account refuses malformed or non-canonical signatures
            answers.append(None)
    return answers


if __name__ == "__main__":
    if sys.argv[1:] == ["sign"]:
        print(json.dumps(sign_vectors()))
    elif sys.argv[1:] == ["recover"]:
        print(json.dumps(recover(json.load(sys.stdin))))
    else:
        sys.exit("usage: eth_account_vectors.py sign|recover")
