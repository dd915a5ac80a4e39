"""The ``paperboy`` command: ingest digests, query the archive, run the bot.

Every failure an operator can cause (bad configuration, a missing file, an unreadable
database) ends in one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import datetime as dt
import json
import logging
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from bot.app import doctor
from bot.app.config import ConfigError, Settings, load_settings
from bot.asking import Asker
from bot.core.arxiv import parse_arxiv_ref
from bot.core.clock import SystemClock
from bot.core.commands import TopRequest, parse_date
from bot.core.fulltext import FullText
from bot.core.i18n import LANGUAGES
from bot.core.limits import CLI_MAX
from bot.core.models import Paper
from bot.core.query import build_query
from bot.publish.digest import DIGEST_LANGUAGE, export_day, write_file
from bot.publish.feed import FEED_DAYS, feed_text
from bot.publish.repository import Clone, publish_archive, publish_dir
from bot.render import citation, export
from bot.render import terminal as out
from bot.render.lists import period_label
from bot.select.fan_out import RECENT_DAYS
from bot.source import backfill
from bot.source.fulltext import FullTextSource
from bot.source.ingest import DiskFull, ingest
from bot.source.reader import new_client
from bot.summarize.client import ChatClient
from bot.summarize.verify import verify_digest_summaries
from bot.summarize.writer import summarize
from bot.understand.embedder import MODEL as EMBEDDING_MODEL
from bot.understand.embedder import load_embedder
from bot.understand.meaning import archive_meaning
from bot.understand.search import SEARCH_MODES, search_papers
from bot.understand.semantic import Semantic
from storage import archive, health, summaries, vectors
from storage.db import Database, DatabaseDamaged, SchemaTooNewError, connect
from storage.export import papers_since as export_pages

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("paperboy")


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit code 2."""


def _limit(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= CLI_MAX:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {CLI_MAX}")
    return number


def _date(value: str) -> dt.date:
    if (day := parse_date(value)) is None:
        raise argparse.ArgumentTypeError("must be a date like 2024-06-20")
    return day


def build_parser(
    kind: type[argparse.ArgumentParser] = argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    # --db is accepted before or after the subcommand; SUPPRESS keeps a later default from
    # overwriting an earlier value.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="SQLite file (overrides PAPERBOY_DB)",
    )
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print JSON")

    parser = kind(
        prog="paperboy",
        parents=[common],
        description="Hugging Face Daily Papers digests: archive, search, Telegram bot.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("ingest", parents=[common], help="load digests from files, dirs or URLs")
    p.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
    p.add_argument("--no-index", action="store_true", help="do not embed the new papers")

    sub.add_parser("index", parents=[common], help="embed every paper without a vector")

    p = sub.add_parser("backfill", parents=[common], help="fill the archive with the history")
    p.add_argument("--since", type=_date, help="only days from this date on")
    p.add_argument("--until", type=_date, help="only days up to this date (default today)")
    p.add_argument("--source", choices=("korean", "hf-api", "all"), default="all")
    p.add_argument("--no-index", action="store_true", help="do not embed the new papers")

    p = sub.add_parser("similar", parents=[common, json_flag], help="the papers nearest to one")
    p.add_argument("arxiv_id", metavar="ARXIV_ID", help="an arXiv id or arxiv.org / HF URL")
    p.add_argument("-n", type=_limit, default=5, metavar="N", help="how many (default 5)")

    p = sub.add_parser("top", parents=[common, json_flag], help="most-voted papers of a period")
    p.add_argument("-n", type=_limit, default=10, metavar="N", help="how many (default 10)")
    period = p.add_mutually_exclusive_group()
    period.add_argument("--date", type=_date, help="one digest date (default: the latest)")
    period.add_argument("--week", action="store_true", help="the 7 days up to the latest digest")
    period.add_argument("--month", action="store_true", help="the 30 days up to the latest digest")
    period.add_argument("--all", action="store_true", help="the whole archive")
    p.add_argument("--stars", action="store_true", help="rank papers with code by GitHub stars")

    p = sub.add_parser(
        "search", parents=[common, json_flag], help="search titles, authors, summaries"
    )
    p.add_argument("query", nargs="*", help='words, "a phrase", -excluded')
    p.add_argument("-n", type=_limit, default=10, metavar="N", help="how many (default 10)")
    p.add_argument("--mode", choices=SEARCH_MODES, default="hybrid", help="default: hybrid")

    p = sub.add_parser("show", parents=[common, json_flag], help="one paper, in full")
    p.add_argument("arxiv_id", metavar="ARXIV_ID", help="an arXiv id or arxiv.org / HF URL")

    p = sub.add_parser(
        "fulltext", parents=[common, json_flag], help="what Paperboy read of a paper"
    )
    p.add_argument("arxiv_id", metavar="ARXIV_ID", help="an arXiv id or arxiv.org / HF URL")
    p.add_argument("--refresh", action="store_true", help="fetch again (conditionally)")

    sub.add_parser("stats", parents=[common, json_flag], help="what the archive holds")
    sub.add_parser("run", parents=[common], help="run the Telegram bot")
    sub.add_parser("doctor", parents=[common], help="check the setup, one line a check")

    p = sub.add_parser("summarize", parents=[common], help="write summaries with the model")
    days = p.add_mutually_exclusive_group()
    days.add_argument("--date", type=_date, help="the papers of one digest date")
    days.add_argument("--since", type=_date, help="the papers listed since a date")
    p.add_argument("--lang", action="append", choices=LANGUAGES, help="default: configured")
    p.add_argument("--limit", type=_limit, metavar="N", help="at most N papers per language")
    p.add_argument("--force", action="store_true", help="ask again for refused papers")

    p = sub.add_parser("backup", parents=[common], help="a consistent copy, bot running or not")
    p.add_argument("path", type=Path, metavar="PATH")

    p = sub.add_parser("export", parents=[common], help="papers, votes and summaries")
    p.add_argument("--since", type=_date, help="papers listed on or after a date")
    p.add_argument("--format", choices=("jsonl", "csv", "bibtex", "ris"), default="jsonl")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")

    p = sub.add_parser("publish", parents=[common], help="push the days to the public archive")
    p.add_argument("--since", type=_date, help="the days from this date (default: recent ones)")
    p.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")

    p = sub.add_parser("feed", parents=[common], help="recent papers as an Atom feed")
    p.add_argument("--lang", choices=LANGUAGES, default="ko", help="default: ko")
    p.add_argument("--days", type=_limit, default=FEED_DAYS, help=f"default {FEED_DAYS}")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")

    p = sub.add_parser("digest", parents=[common], help="one day's digest as markdown")
    p.add_argument("--date", type=_date, required=True, help="the digest date")
    p.add_argument("--lang", choices=LANGUAGES, default=DIGEST_LANGUAGE, help="default: ko")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")
    return parser


# Options of `paperboy search`, with whether each takes a value: anything else that starts
# with "-" is an excluded word of the query (`paperboy search llm -survey`).
_SEARCH_OPTIONS = {"-n": True, "--mode": True, "--db": True, "--json": False, "-h": False,
                   "--help": False}  # fmt: skip


def _exclusions_last(argv: list[str]) -> list[str]:
    """``search`` arguments with the query's words moved after ``--``, where argparse reads
    ``-word`` exclusions as words rather than unknown options (or "-nerf" as "-n erf")."""
    at = 0
    while at < len(argv) and argv[at].startswith("-"):  # options before the command
        at += 2 if argv[at] == "--db" else 1
    if at >= len(argv) or argv[at] != "search":
        return argv
    at += 1
    head, rest, words = argv[:at], argv[at:], []
    kept: list[str] = []
    index = 0
    while index < len(rest):
        token = rest[index]
        if token == "--":
            words += rest[index + 1 :]
            break
        name = token.split("=", 1)[0]
        if name in _SEARCH_OPTIONS:
            kept.append(token)
            if _SEARCH_OPTIONS[name] and "=" not in token and index + 1 < len(rest):
                kept.append(rest[index + 1])
                index += 1
        else:  # a word of the query, excluded or not: all of them go after "--", in order
            words.append(token)
        index += 1
    return [*head, *kept, "--", *words]


class _JsonParser(argparse.ArgumentParser):
    """With ``--json`` a bad command line is a JSON error on stdout too, not usage text."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _fail(args: argparse.Namespace, text: str, code: int = EXIT_FAILED) -> int:
    """Report a failure: a JSON object with an ``error`` key on stdout under ``--json`` (so
    ``jq`` still reads it), else one line on stderr; returns the exit code."""
    if getattr(args, "json", False):
        _emit_json({"error": text})
    else:
        print(f"paperboy {args.command}: {text}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--json" in argv:
        try:
            args = build_parser(_JsonParser).parse_args(_exclusions_last(argv))
        except UsageError as exc:
            _emit_json({"error": str(exc)})
            return EXIT_USAGE
    else:
        args = build_parser().parse_args(_exclusions_last(argv))
    try:
        settings = load_settings()
    except ConfigError as exc:
        if args.command == "doctor":
            print(f"✗ configuration: {exc}")
            return EXIT_FAILED
        if getattr(args, "json", False):
            return _fail(args, str(exc), EXIT_USAGE)
        print(f"paperboy: {exc}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=settings.log_level_number,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if settings.log_level != "DEBUG":
        # httpx logs every Bot API request at INFO: one line per long poll is noise.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    db_path = Path(getattr(args, "db", None) or settings.db_path)
    if args.command == "run":
        return _run(settings, db_path)
    if args.command == "doctor":
        return asyncio.run(_doctor(settings, db_path))
    command = _COMMANDS[args.command]
    if args.command in _READERS and not db_path.exists():
        # A --db typo must not create an empty database and answer from it.
        return _fail(
            args,
            f"no database at {db_path} (a typo?): `paperboy ingest` or `paperboy run`"
            " creates one; PAPERBOY_DB or --db names it",
        )
    args.settings = settings  # the commands that need more than the database read it here
    args.db_path = db_path
    try:
        return asyncio.run(_with_db(db_path, lambda db: command(db, args)))
    except UsageError as exc:
        return _fail(args, str(exc), EXIT_USAGE)
    except SchemaTooNewError as exc:
        return _fail(args, f"{db_path}: {exc}", EXIT_USAGE)
    except DatabaseDamaged as exc:
        return _fail(args, doctor.damaged_help(exc.path, exc.detail))
    except BrokenPipeError:
        # The reader went away (`paperboy top | head`): not an error worth a message.
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (sqlite3.Error, OSError) as exc:
        return _fail(args, f"cannot use database {db_path}: {exc}")
    except KeyboardInterrupt:
        return _fail(args, "interrupted", 130)


async def _nothing(db: Database) -> int:
    return EXIT_OK


async def _with_db(path: Path, body: Callable[[Database], Awaitable[int]]) -> int:
    db = await connect(path)
    try:
        return await body(db)
    finally:
        await db.close()


async def _doctor(settings: Settings, db_path: Path) -> int:
    async with new_client() as http:
        checks = await doctor.diagnose(settings, db_path, http, dt.datetime.now(dt.UTC).date())
    for check in checks:
        print(check.line())
    failed = sum(not check.ok for check in checks)
    print(f"{len(checks) - failed} of {len(checks)} checks passed.")
    return EXIT_FAILED if failed else EXIT_OK


def _run(settings: Settings, db_path: Path) -> int:
    if not settings.bot_token:
        print(
            "paperboy run: TELEGRAM_BOT_TOKEN is not set.\n"
            "  1. In Telegram, talk to @BotFather, send /newbot and copy the token it gives.\n"
            "  2. Put it in .env (see .env.example):  TELEGRAM_BOT_TOKEN=123456789:AA...\n"
            "  3. Run `paperboy run` again.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:  # a damaged archive is named before the bot starts, never served
        asyncio.run(_with_db(db_path, _nothing))
    except DatabaseDamaged as exc:
        print(f"paperboy run: {doctor.damaged_help(exc.path, exc.detail)}", file=sys.stderr)
        return EXIT_FAILED
    # Imports telegram: only the bot needs it.
    from bot.app.application import StartFailed, TokenFilter, run_bot

    for handler in logging.getLogger().handlers:
        handler.addFilter(TokenFilter(settings.bot_token))
    try:
        run_bot(dataclasses.replace(settings, db_path=db_path))
    except StartFailed as failure:
        print(f"paperboy run: {failure}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _progress(stream: TextIO) -> Callable[[int, int, str], None] | None:
    if not stream.isatty():
        return None

    def show(done: int, total: int, source: str) -> None:
        name = source if len(source) <= 50 else "…" + source[-49:]
        stream.write(f"\r\x1b[K[{done}/{total}] {name}")
        if done == total:
            stream.write("\r\x1b[K")
        stream.flush()

    return show


def _free_megabytes(db_path: Path) -> float:
    """Free space on the database's file system, in MB."""
    return shutil.disk_usage(db_path.resolve().parent).free / 1e6


async def _cmd_ingest(db: Database, args: argparse.Namespace) -> int:
    try:
        report = await ingest(db, args.inputs, progress=_progress(sys.stderr))
    except DiskFull as full:
        done = full.report
        free = _free_megabytes(args.db_path)
        print(
            f"paperboy ingest: the disk is full ({free:,.0f} MB free beside the database):"
            f" stopped at {full.item}. Stored before it: {done.papers_new:,} new paper(s),"
            f" {len(done.new_digests)} new date(s); they stay. Free some space and run"
            " again: what is stored is skipped.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    new_dates = len(report.new_digests)
    print(
        f"Read {report.inputs} input(s): {report.digests_read} digest(s) "
        f"({new_dates} new date(s)), {report.papers_new:,} new paper(s), "
        f"{report.papers_updated:,} updated, {report.entries_new:,} new listing(s)."
    )
    if report.issues:
        print(f"{len(report.issues)} problem(s):", file=sys.stderr)
        for issue in report.issues:
            print(f"  {issue}", file=sys.stderr)
    semantic = None
    # Whatever lacks a vector, not only the new papers: an ingest killed while embedding
    # left papers without one, and the next ingest (no new papers) embedded nothing.
    waiting = await vectors.count_missing(db, EMBEDDING_MODEL)
    if waiting and not args.no_index:
        semantic = await _embed_new(db, args.settings)
    checked = await verify_digest_summaries(db, await archive_meaning(db, semantic))
    if checked.judged:
        print(f"Checked {checked.line()}.")
    return EXIT_OK if report.loaded_anything else EXIT_FAILED


async def _embed_new(db: Database, settings: Settings) -> Semantic | None:
    """After an ingest or a backfill: vectors for the papers that have none yet."""
    semantic = _semantic(db, settings)
    if semantic is not None:
        done = await semantic.catch_up(_counter(sys.stderr, "embedding"))
        print(f"Embedded {done:,} paper(s) for semantic search.")
    return semantic


def _semantic(db: Database, settings: Settings) -> Semantic | None:
    """The embedding model over ``db``; None when it is off or did not load (said on
    stderr by the log)."""
    if not settings.semantic:
        return None
    embedder = load_embedder()
    return Semantic(db, embedder) if embedder is not None else None


async def _loaded_semantic(db: Database, settings: Settings) -> Semantic | None:
    """The model and every stored vector, for search and similar."""
    semantic = _semantic(db, settings)
    if semantic is not None:
        await semantic.load()
    return semantic


def _counter(stream: TextIO, what: str) -> Callable[[int, int], None] | None:
    show = _progress(stream)
    if show is None:
        return None
    return lambda done, total: show(done, total, what)


async def _cmd_backfill(db: Database, args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    today = dt.datetime.now(dt.UTC).date()
    until = min(args.until, today) if args.until else today
    todo = await backfill.plan(db, settings.sources, args.source, until, args.since)
    if not todo.total:
        print("Nothing to backfill: every day of the chosen sources is done.")
        return EXIT_OK
    started = time.monotonic()
    show = _progress(sys.stderr)

    def progress(done: int, total: int, day: dt.date) -> None:
        elapsed = time.monotonic() - started
        eta = elapsed / done * (total - done)
        if show is not None:
            show(done, total, f"{day} · ETA {eta:,.0f} s")
        elif done % 50 == 0 or done == total:
            log.info("backfill: %d/%d days (%s), ETA %.0f s", done, total, day, eta)

    async with new_client() as http:
        pacer = backfill.HostPacer(settings.fetch_rate)
        report = await backfill.backfill(
            db, http, todo, settings.hf_api_url, pacer, progress=progress
        )
    print(report.line())
    if report.ingest.papers_new and not args.no_index:
        await _embed_new(db, settings)
    return EXIT_FAILED if report.stopped else EXIT_OK


async def _cmd_index(db: Database, args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    semantic = _semantic(db, settings)
    if semantic is None:
        why = "PAPERBOY_SEMANTIC is off" if not settings.semantic else "the model did not load"
        print(f"paperboy index: {why}; search works by words alone", file=sys.stderr)
        return EXIT_FAILED
    started = time.perf_counter()
    done = await semantic.catch_up(_counter(sys.stderr, "embedding"))
    seconds = time.perf_counter() - started
    rate = f" in {seconds:.1f} s ({done / seconds:.1f} papers/s)" if done else ""
    print(
        f"Embedded {done:,} paper(s){rate}; every paper has a vector ({semantic.embedder.model})."
    )
    return EXIT_OK


def _arxiv_id(value: str) -> str:
    arxiv_id = parse_arxiv_ref(value)
    if arxiv_id is None:
        raise UsageError(f"{value!r} is not an arXiv id (like 2406.11230) or its URL")
    return arxiv_id


async def _archived(db: Database, args: argparse.Namespace) -> tuple[int, Paper] | None:
    """The paper ``args.arxiv_id`` names, with its row id; None (said on stderr) when the
    archive does not hold it."""
    arxiv_id = _arxiv_id(args.arxiv_id)
    found = await archive.get_paper_with_id(db, arxiv_id)
    if found is None:
        _fail(args, f"{arxiv_id} is not in the archive")
    return found


async def _cmd_similar(db: Database, args: argparse.Namespace) -> int:
    if (found := await _archived(db, args)) is None:
        return EXIT_FAILED
    semantic = await _loaded_semantic(db, args.settings)
    if semantic is None:
        return _fail(args, "needs the embedding model (PAPERBOY_SEMANTIC)")
    nearest = await semantic.similar(*found, args.n)
    papers = await archive.papers_by_id(db, [pid for pid, _ in nearest])
    if args.json:
        scores = [round(score, 4) for _, score in nearest]
        _emit_json(
            [{**out.paper_json(p), "similarity": s} for p, s in zip(papers, scores, strict=True)]
        )
        return EXIT_OK
    print(f"Nearest to {found[1].arxiv_id} — {found[1].title}")
    for rank, paper in enumerate(papers, 1):
        print(out.paper_line(rank, paper))
    return EXIT_OK


async def _period(
    db: Database, args: argparse.Namespace
) -> tuple[dt.date | None, dt.date | None, str]:
    """The flags as the one period type: its first and last dates, and their label."""
    period = "all" if args.all else "week" if args.week else "month" if args.month else "latest"
    request = TopRequest(args.n, "date" if args.date else period, args.date)
    latest = await archive.latest_digest_date(db) if request.needs_latest else None
    if request.needs_latest and latest is None:
        raise UsageError("the archive is empty: run `paperboy ingest PATH_OR_URL` first")
    start, end = request.span(latest)  # type: ignore[arg-type]
    return start, end, period_label(start, end, "en")


async def _cmd_top(db: Database, args: argparse.Namespace) -> int:
    start, end, label = await _period(db, args)
    papers = await archive.top_papers(db, start, end, args.n, by="stars" if args.stars else "votes")
    if args.json:
        _emit_json([out.paper_json(p) for p in papers])
        return EXIT_OK
    if not papers:
        print(f"No papers listed for {label}.")
        return EXIT_OK
    print(f"Top {len(papers)} — {label}")
    for rank, paper in enumerate(papers, 1):
        print(out.paper_line(rank, paper))
    return EXIT_OK


async def _cmd_search(db: Database, args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    if not build_query(query).terms:
        if args.json:
            return _fail(args, "nothing to search for: give at least one word", EXIT_USAGE)
        print("Nothing to search for: give at least one word besides exclusions like -survey.")
        return EXIT_OK
    semantic = await _loaded_semantic(db, args.settings) if args.mode != "fts" else None
    if args.mode != "fts" and semantic is None:
        print("paperboy search: no embedding model; searching by words", file=sys.stderr)
    meaning = None
    if semantic is not None:
        meaning = semantic.rank
        await semantic.gloss(query)
    hits = await search_papers(db, query, limit=args.n, mode=args.mode, meaning=meaning)
    if args.json:
        _emit_json([out.hit_json(h) for h in hits])
        return EXIT_OK
    if not hits and (await archive.archive_stats(db)).papers == 0:
        print("The archive is empty: run `paperboy ingest PATH_OR_URL` first.")
        return EXIT_OK
    if not hits:
        print(f"No papers match {query!r}. Try fewer or shorter words.")
        return EXIT_OK
    color = sys.stdout.isatty()
    for rank, hit in enumerate(hits, 1):
        print(out.hit_lines(rank, hit, color))
    return EXIT_OK


async def _cmd_show(db: Database, args: argparse.Namespace) -> int:
    if (found := await _archived(db, args)) is None:
        return EXIT_FAILED
    paper = found[1]
    arxiv_id = paper.arxiv_id
    dates = await archive.paper_dates(db, arxiv_id)
    generated = await summaries.generated(db, arxiv_id)
    if args.json:
        _emit_json(out.paper_detail_json(paper, dates, generated))
    else:
        print(out.paper_detail(paper, dates, generated))
    return EXIT_OK


async def _cmd_fulltext(db: Database, args: argparse.Namespace) -> int:
    """Fetch (once; PAPERBOY_FULLTEXT_URL) and print a paper's full text as the model sees it."""
    arxiv_id = parse_arxiv_ref(args.arxiv_id)
    if arxiv_id is None:
        raise UsageError(f"not an arXiv id or link: {args.arxiv_id[:100]!r}")
    settings: Settings = args.settings
    async with new_client() as http:
        source = FullTextSource(http, settings.fulltext_url, settings.fetch_rate)
        text = await Asker(settings, db, SystemClock(), None, source).text(arxiv_id, args.refresh)
    if args.json:
        _emit_json(out.fulltext_json(arxiv_id, text))
    else:
        print(out.fulltext_detail(arxiv_id, text))
    return EXIT_OK if isinstance(text, FullText) else EXIT_FAILED


async def _cmd_summarize(db: Database, args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    if settings.llm_url is None:
        raise UsageError(
            "PAPERBOY_LLM_URL is not set: point it at an OpenAI-compatible API (and set "
            "PAPERBOY_LLM_MODEL), for example http://localhost:11434/v1 for Ollama"
        )
    async with new_client() as http:
        client = ChatClient(http, settings.llm_url, settings.llm_model, settings.llm_api_key)
        report = await summarize(
            db,
            client,
            args.lang or settings.summary_languages,
            SystemClock(),
            start=args.date or args.since,
            end=args.date,
            limit=args.limit,
            force=args.force,
            concurrency=settings.llm_concurrency,
            progress=_progress(sys.stderr),
        )
    print(report.line())
    return EXIT_OK


async def _cmd_digest(db: Database, args: argparse.Namespace) -> int:
    text = await export_day(db, args.date, args.lang)
    if text is not None and args.output is not None:
        write_file(args.output, text)
    elif text is not None:
        sys.stdout.buffer.write(text.encode("utf-8"))  # the bytes, whatever the locale
        sys.stdout.flush()
    if text is None:
        print(f"paperboy digest: the archive has no digest for {args.date}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


async def _cmd_publish(db: Database, args: argparse.Namespace) -> int:
    """The archive's days from --since (default: the recent days), README and feeds, committed
    and pushed to PAPERBOY_PUBLISH_GIT; --dry-run lists what would change."""
    settings: Settings = args.settings
    if settings.publish_git is None:
        raise UsageError(
            "PAPERBOY_PUBLISH_GIT is not set: a git remote (URL or path) to publish to"
        )
    latest = await archive.latest_digest_date(db)
    if latest is None:
        raise UsageError("the archive has no digest to publish yet")
    since = args.since or latest - dt.timedelta(days=RECENT_DAYS)
    clone = Clone(settings.publish_git, settings.publish_branch, publish_dir(args.db_path))
    report = await publish_archive(db, clone, since, dry_run=args.dry_run)
    if args.dry_run:
        for path in report.files:
            print(f"would write {path}")
        print(f"would commit: {report.message}" if report.files else "nothing would change")
    else:
        print(report.line())
    return EXIT_FAILED if report.problem else EXIT_OK


async def _cmd_feed(db: Database, args: argparse.Namespace) -> int:
    text = await feed_text(db, args.lang, args.days)
    if args.output is not None:
        write_file(args.output, text)
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    return EXIT_OK


def _prepare_target(target: Path, database: Path) -> Path:
    """The temporary name beside ``target``, its folder made; never the database itself."""
    if target.resolve() == database.resolve():
        raise UsageError("the backup must not be the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    return partial


async def _cmd_backup(db: Database, args: argparse.Namespace) -> int:
    """SQLite's online backup: a consistent copy while the bot writes. It goes to a temporary
    file beside PATH, is checked, and only then takes PATH's name."""
    target = args.path
    try:
        partial = _prepare_target(target, args.db_path)
    except OSError as error:  # the target's fault, not the database's
        return _fail(args, f"cannot write the backup to {target}: {error.strerror or error}")
    try:
        try:
            copy = await health.backup(db, partial)
        except (OSError, sqlite3.Error) as error:
            return _fail(args, f"cannot write the backup to {target}: {error}")
        if copy.verdict != "ok":
            print(f"paperboy backup: the copy failed its check ({copy.verdict})", file=sys.stderr)
            return EXIT_FAILED
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    size = target.stat().st_size / 1e6
    print(f"Backed up {copy.papers:,} papers ({size:.1f} MB) to {target}; integrity ok.")
    return EXIT_OK


async def _cmd_export(db: Database, args: argparse.Namespace) -> int:
    stream: TextIO = sys.stdout
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        stream = args.output.open("w", encoding="utf-8", newline="")
    count = 0
    try:
        writer = csv.DictWriter(stream, fieldnames=export.CSV_FIELDS)
        if args.format == "csv":
            stream.write("\ufeff")  # a UTF-8 BOM: spreadsheet programs then read Korean
            writer.writeheader()
        keys = citation.UniqueKeys()
        async for page in export_pages(db, args.since):
            for item in page:
                if args.format == "csv":
                    writer.writerow(export.csv_row(item.paper, item.dates, item.generated))
                elif args.format == "bibtex":
                    stream.write(citation.bibtex(item.paper, keys(item.paper)) + "\n")
                elif args.format == "ris":
                    stream.write(citation.ris(item.paper) + "\n")
                else:
                    line = export.record(item.paper, item.dates, item.generated)
                    stream.write(json.dumps(line, ensure_ascii=False) + "\n")
                count += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
    if args.output is not None:
        print(f"Exported {count:,} papers to {args.output}.", file=sys.stderr)
    return EXIT_OK


async def _cmd_stats(db: Database, args: argparse.Namespace) -> int:
    stats = await archive.archive_stats(db)
    waiting = await vectors.count_missing(db, EMBEDDING_MODEL)
    if args.json:
        _emit_json(
            {
                "papers": stats.papers,
                "without_vector": waiting,
                "digests": stats.digests,
                "listings": stats.entries,
                "first_date": stats.first_date.isoformat() if stats.first_date else None,
                "last_date": stats.last_date.isoformat() if stats.last_date else None,
            }
        )
        return EXIT_OK
    span = f"{stats.first_date} – {stats.last_date}" if stats.first_date else "empty"
    print(f"Papers:   {stats.papers:,}")
    print(f"Digests:  {stats.digests:,} ({span})")
    print(f"Listings: {stats.entries:,}")
    if waiting:
        print(f"Waiting for a vector (semantic search): {waiting:,}; `paperboy index` embeds them")
    return EXIT_OK


# Commands that only read the archive: they never create one.
_READERS = {"top", "search", "show", "stats", "digest", "similar", "export", "backup", "index",
            "fulltext", "publish", "feed"}  # fmt: skip

_COMMANDS: dict[str, Callable[[Database, argparse.Namespace], Awaitable[int]]] = {
    "ingest": _cmd_ingest,
    "top": _cmd_top,
    "search": _cmd_search,
    "show": _cmd_show,
    "fulltext": _cmd_fulltext,
    "publish": _cmd_publish,
    "feed": _cmd_feed,
    "stats": _cmd_stats,
    "summarize": _cmd_summarize,
    "digest": _cmd_digest,
    "index": _cmd_index,
    "backfill": _cmd_backfill,
    "backup": _cmd_backup,
    "export": _cmd_export,
    "similar": _cmd_similar,
}


if __name__ == "__main__":
    raise SystemExit(main())
