// SQLite for Swift: what its header has that Swift cannot import (a macro cast, a variadic call).
#ifndef PAYGATE_CSQLITE_SHIM_H
#define PAYGATE_CSQLITE_SHIM_H
#include <sqlite3.h>
static inline sqlite3_destructor_type paygate_sqlite_transient(void) { return SQLITE_TRANSIENT; }
// sqlite3_config is variadic, which Swift cannot call. Memory statistics take a global mutex on
// every allocation; nothing here reads them.
static inline int paygate_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
#endif
