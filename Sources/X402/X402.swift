// X402: see docs/ARCHITECTURE.md for what this module owns.
