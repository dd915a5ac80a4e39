"""Paperboy writes the digest: summaries from a language model, checked before they are kept."""
