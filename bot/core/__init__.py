"""The ground floor: Paperboy's words and rules (papers, topics, settings, limits); no I/O."""
