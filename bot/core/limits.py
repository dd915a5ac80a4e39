"""Every length and count limit in one place: Telegram's own, and the ones Paperboy chose."""

from __future__ import annotations

TEXT_LIMIT = 4096  # Telegram: message text, in code points after entity parsing
CALLBACK_DATA_LIMIT = 64  # Telegram: bytes of one button's callback data

MAX_QUERY = 300  # characters of a search kept: longer messages are searched by their start
SEARCH_PAGE = 5  # results on one /search page
FORYOU_PAGE = 5  # papers on one /foryou page
SEARCH_COUNT_CAP = 10_000  # matches counted for "N papers"; more show as "10,000+"
INLINE_RESULTS = 20  # papers offered to an inline query
TOP_DEFAULT = 10  # /top without N
TOP_MAX = 50  # /top's largest N
CLI_MAX = 1000  # the command line's largest -n

# What a chat may store: refused above these with one line naming the limit.
TOPIC_CHARS = 100  # one topic's text (after cleaning), exclusions included
TOPICS_PER_CHAT = 30  # topics one chat follows
ECHO_CHARS = 200  # user text quoted back in a reply (a topic, a query, an id)
