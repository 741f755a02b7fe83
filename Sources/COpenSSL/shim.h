// OpenSSL 3.0 for Swift: only the 3.0 API (deprecated EC_KEY/HMAC_CTX hidden on purpose) and
// inline wrappers for the function-like macros Swift cannot import.
#ifndef PAYGATE_COPENSSL_SHIM_H
#define PAYGATE_COPENSSL_SHIM_H
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED_3_0 1
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/obj_mac.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/param_build.h>

static inline long paygate_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline long paygate_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int v) { return SSL_CTX_set_min_proto_version(ctx, v); }
static inline long paygate_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long m) { return SSL_CTX_set_session_cache_mode(ctx, m); }
static inline long paygate_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list) { return SSL_CTX_set1_groups_list(ctx, list); }
static inline long paygate_SSL_set_tlsext_host_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
// Server name indication: the callback that picks a listener's certificate, and its argument.
typedef int (*paygate_servername_callback)(SSL *ssl, int *alert, void *argument);
static inline long paygate_SSL_CTX_set_tlsext_servername_callback(SSL_CTX *ctx, paygate_servername_callback callback) {
    return SSL_CTX_set_tlsext_servername_callback(ctx, callback);
}
static inline long paygate_SSL_CTX_set_tlsext_servername_arg(SSL_CTX *ctx, void *argument) {
    return SSL_CTX_set_tlsext_servername_arg(ctx, argument);
}
// A certificate's subjectAltName entries (STACK_OF macros).
static inline int paygate_GENERAL_NAMES_count(const GENERAL_NAMES *names) { return sk_GENERAL_NAME_num(names); }
static inline const GENERAL_NAME *paygate_GENERAL_NAMES_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}
// SSL_OP_* are built with the function-like SSL_OP_BIT macro, which Swift cannot import.
static inline uint64_t paygate_SSL_CTX_set_hardening_options(SSL_CTX *ctx) {
    return SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
}
#endif
