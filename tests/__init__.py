"""Unit and end-to-end tests; fixtures are real digests (see fixtures/README.md)."""
