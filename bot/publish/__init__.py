"""Publishing: the digest Paperboy writes, as the feed used to."""
