"""The loopback fake Bot API server and a strict Telegram HTML parser, for end-to-end tests."""
