// libsecp256k1 (Debian libsecp256k1-dev), for the benchmark's bulk payment signer only.
#include <secp256k1.h>
#include <secp256k1_recovery.h>
