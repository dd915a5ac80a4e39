"""Digest text to ``Digest`` values: markdown digests and Hugging Face API responses."""
