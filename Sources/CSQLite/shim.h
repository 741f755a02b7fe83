// SQLite for Swift. SQLITE_TRANSIENT is a macro cast Swift cannot import.
#ifndef PAYGATE_CSQLITE_SHIM_H
#define PAYGATE_CSQLITE_SHIM_H
#include <sqlite3.h>
static inline sqlite3_destructor_type paygate_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
