"""Papers and lists to replies: Telegram HTML through one escaping helper, and terminal text."""
