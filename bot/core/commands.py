"""Commands and their arguments, parsed without Telegram: the menus, and what /top asked for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.limits import TOP_DEFAULT, TOP_MAX

# The user commands, in menu order: the one list the command menus and /help come from.
PRIVATE_COMMANDS = (
    "start", "top", "search", "paper", "ask", "digest", "foryou", "subscribe", "unsubscribe",
    "topics", "follow", "following", "unfollow", "settings", "saved", "stop", "forget", "help",
)  # fmt: skip
# Groups: no /start (it greets a person), no /saved (saved papers are per person).
GROUP_COMMANDS = tuple(c for c in PRIVATE_COMMANDS if c not in ("start", "saved"))
HELP_COMMANDS = tuple(c for c in PRIVATE_COMMANDS if c != "start")

# Period words, with the Korean a user may type instead.
_PERIODS = {
    "today": "latest",
    "latest": "latest",
    "오늘": "latest",
    "week": "week",
    "주간": "week",
    "month": "month",
    "월간": "month",
    "all": "all",
    "전체": "all",
    "rising": "rising",
    "급상승": "rising",
}


_BY_STARS = ("stars", "star", "⭐", "스타", "깃허브")


class ArgumentError(ValueError):
    """The arguments could not be understood; the handler shows the usage line."""


@dataclass(frozen=True)
class TopRequest:
    """The one period type: /top's arguments and the command line's flags both become one."""

    count: int = TOP_DEFAULT
    period: str = "latest"  # latest | week | month | all | date | rising
    date: dt.date | None = None
    by: str = "votes"  # votes | stars (GitHub stars of the paper's code)

    @property
    def needs_latest(self) -> bool:
        """Whether ``span`` counts from the latest digest's date."""
        return self.period in ("latest", "week", "month")

    def span(self, latest: dt.date) -> tuple[dt.date | None, dt.date | None]:
        """First and last digest date covered; "today" is the latest digest, not the clock."""
        if self.period == "date":
            return self.date, self.date
        if self.period == "week":
            return latest - dt.timedelta(days=6), latest
        if self.period == "month":
            return latest - dt.timedelta(days=29), latest
        if self.period == "all":
            return None, None
        return latest, latest


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_top_args(args: list[str]) -> TopRequest:
    """``[stars] [N] [today|week|month|all|YYYY-MM-DD]`` in any order; N is capped at 50.
    ``stars`` ranks by the GitHub stars of the papers' code instead of votes."""
    count, period, date, by = TOP_DEFAULT, "latest", None, "votes"
    seen_count = seen_period = False
    for arg in args:
        word = arg.strip().lower()
        if word in _BY_STARS and by == "votes":
            by = "stars"
        elif word.isdigit() and not seen_count:
            count = min(max(int(word), 1), TOP_MAX)
            seen_count = True
        elif word in _PERIODS and not seen_period:
            period = _PERIODS[word]
            seen_period = True
        elif (day := parse_date(word)) is not None and not seen_period:
            period, date = "date", day
            seen_period = True
        else:
            raise ArgumentError(arg)
    if by == "stars" and period == "rising":
        raise ArgumentError("stars rising")
    return TopRequest(count, period, date, by)
