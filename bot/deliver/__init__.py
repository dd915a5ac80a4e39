"""The Telegram side of delivery: a Reply as a Bot API call, the pacer and the outbox sender."""
