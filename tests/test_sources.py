import datetime as dt

from bot.source.inputs import expand_sources, expand_template, is_template

TEMPLATE = (
    "https://raw.githubusercontent.com/l-yohai/daily_papers_ko/main/paper_logs/{yyyy}/{mm}/{dd}.md"
)


def test_templates_expand_for_yesterday_then_today():
    urls = expand_sources([TEMPLATE, "digests/"], dt.date(2024, 3, 1))
    assert urls == [
        "https://raw.githubusercontent.com/l-yohai/daily_papers_ko/main/paper_logs/2024/02/29.md",
        "https://raw.githubusercontent.com/l-yohai/daily_papers_ko/main/paper_logs/2024/03/01.md",
        "digests/",
    ]


def test_date_placeholder_and_non_templates():
    assert expand_template("https://x/{date}.md", dt.date(2024, 1, 9)) == "https://x/2024-01-09.md"
    assert not is_template("https://x/latest.md")
    assert is_template(TEMPLATE)
