"""Paperboy: Hugging Face Daily Papers digests in Telegram."""
