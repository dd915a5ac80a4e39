"""Which chat gets which paper, and when: fan-out of new listings into the outbox."""
