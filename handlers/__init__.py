"""Telegram update handlers: thin adapters from updates to bot/ and storage/, one per area."""
