"""The shells: the composition root that wires the bot, its configuration, and the CLI."""
