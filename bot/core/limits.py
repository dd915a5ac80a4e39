"""Every length and count limit in one place: Telegram's own, and the ones Paperboy chose."""

from __future__ import annotations

TEXT_LIMIT = 4096  # Telegram: message text, in code points after entity parsing
CALLBACK_DATA_LIMIT = 64  # Telegram: bytes of one button's callback data
DOCUMENT_BYTES = 50 * 1024 * 1024  # Telegram: a document a bot uploads

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

# Input budgets: what one input may cost to read. Real inputs are far below them (the largest
# shared file, an API day, is 250 KB; a digest entry about 5,000 characters).
FILE_BYTES = 64_000_000  # a digest file or a downloaded digest, after decompression
ARCHIVE_BYTES = 200_000_000  # an archive file or download, as stored
MEMBER_BYTES = 10_000_000  # one archive member, counted as it unpacks (never as declared)
ARCHIVE_UNPACKED_BYTES = 300_000_000  # every member of one archive together, unpacked
DOWNLOAD_SECONDS = 120.0  # the wall-clock deadline of one download
DOWNLOAD_GRACE = 5.0  # seconds before a download must keep up MIN_DOWNLOAD_RATE
MIN_DOWNLOAD_RATE = 16_384  # bytes a second, on average: slower is a drip-feed, dropped
# What one digest entry may hold: over these a field is cut, visibly (…); an entry over
# ENTRY_CHARS and a day's entries past ENTRIES_PER_DAY are refused with file:line.
ENTRY_CHARS = 200_000  # one ### entry of a markdown digest, heading to next heading
HEADINGS_PER_FILE = 50_000  # a markdown file's ##/### headings read (a year: about 12,000)
ISSUES_PER_FILE = 100  # problems listed for one file; the rest are counted
TITLE_CHARS = 500
AUTHORS_PER_PAPER = 3_000  # the Gemini report lists about 1,300; real digests list 418
AUTHOR_CHARS = 200
KEYWORDS_PER_PAPER = 100  # an API entry's AI keywords (real ones: about 10)
SECTION_CHARS = 8_000  # one summary section, the abstract, the AI summary
ENTRIES_PER_DAY = 1_000  # a digest day or an API listing (the busiest real day: about 120)
FUTURE_DAYS = 2  # a digest dated further ahead than this is refused (a clock or a forgery)

# Full text and asking (issue 29).
FULLTEXT_BYTES = 40_000_000  # an HTML page, decompressed: arXiv's largest run to ~25 MB
FULLTEXT_SECONDS = 25.0  # a reader waits on the fetch: slower and the answer uses the abstract
FULLTEXT_CHARS = 400_000  # text kept of one paper (~100k tokens); past it the first sections
FULLTEXT_SECTIONS = 400  # sections kept of one paper
REFERENCES_KEPT = 500  # reference titles kept of one paper
REFERENCE_CHARS = 300  # one reference title
QUESTION_CHARS = 500  # one question to a paper; longer is refused with this number
ANSWER_CHARS = 6_000  # a model's answer read; past it the answer is cut (…)
QUOTES_PER_ANSWER = 6  # quotes checked and shown for one answer
