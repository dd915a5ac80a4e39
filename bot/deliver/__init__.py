"""The Telegram side of delivery: a Reply as a Bot API call, the one budget every message
shares, and the outbox sender."""
