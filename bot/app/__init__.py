"""The shells: the composition root that wires the bot, its services, config and the CLI."""
