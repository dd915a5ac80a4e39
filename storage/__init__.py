"""Every SQL statement and the schema: the archive, chats and deliveries. No Telegram here."""
