"""/ask, a question replied to a paper card, and the suggested-question buttons.

In a private chat the answer streams as a draft (``sendMessageDraft``) while the model
writes it, then comes as one message; a group sees only the message, and a reply to a card
there is a question only when it mentions the bot. One question per chat at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import re

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.core.arxiv import parse_arxiv_ref
from bot.core.fulltext import QUESTION_KEYS, suggested_questions
from bot.core.i18n import Lang, t
from bot.core.models import Paper
from bot.render import callbacks as cb
from bot.render.answer import draft_text, render_answer, render_no_answer, render_suggestions
from handlers.common import Context, answer, command_args, language, on_button, say, send
from storage import archive, subscriptions

log = logging.getLogger(__name__)

DRAFT_EVERY = 1.0  # seconds between two drafts of one answer (the fake's limit: docs/bot.md)
_ARXIV_LINK = re.compile(r"(?:arxiv\.org/(?:abs|pdf|html)|huggingface\.co/papers)/(\d{4}\.\d{4,5})")
_BUSY: set[int] = set()  # chats with a question being answered


class Drafter:
    """The answer so far, sent as a draft at most every ``DRAFT_EVERY`` seconds. Drafts are
    a courtesy: the first one Telegram refuses ends them, and the final message still goes."""

    def __init__(self, context: Context, chat_id: int, question: str) -> None:
        self.bot = context.bot
        self.chat_id = chat_id
        self.question = question
        self.draft_id = random.randint(1, 2**31 - 1)
        self.latest = ""
        self.shown = ""
        self.sent = 0
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self, opening: str) -> None:
        self.latest = opening
        self._changed.set()
        self._task = asyncio.create_task(self._run())

    async def update(self, prose: str) -> None:
        if prose and (text := draft_text(self.question, prose)) != self.latest:
            self.latest = text
            self._changed.set()

    async def _run(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            if self.latest == self.shown:
                continue
            text = self.latest
            try:
                await self.bot.send_message_draft(
                    self.chat_id, self.draft_id, text, parse_mode=ParseMode.HTML
                )
            except TelegramError as error:
                log.info("drafts stopped for chat %s: %s", self.chat_id, error)
                return
            self.shown = text
            self.sent += 1
            await asyncio.sleep(DRAFT_EVERY)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def ask_command(update: Update, context: Context) -> None:
    lang = await language(update, context)
    if context.pipeline.writer is None:
        await say(update, context, lang, "ask.no_model")
        return
    text = command_args(context)
    ref = parse_arxiv_ref(text.split()[0]) if text else None
    if ref is None:
        await say(update, context, lang, "ask.usage")
        return
    question = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    if (paper := await _paper(update, context, lang, ref)) is None:
        return
    if not question:  # the questions fit the text: it may need fetching first
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
        keys = suggested_questions(await context.pipeline.asker.text(paper.arxiv_id))
        await send(update, context, render_suggestions(paper.arxiv_id, paper.title, keys, lang))
        return
    await run_ask(update, context, paper, question, lang)


async def reply_question(update: Update, context: Context) -> None:
    """A text replied to one of the bot's paper messages (the filter made sure): a question
    to that paper."""
    message = update.effective_message
    arxiv_id = _paper_of(message.reply_to_message) if message and message.reply_to_message else None
    if message is None or arxiv_id is None:
        return
    lang = await language(update, context)
    question = _without_mention(message, context.bot.username or "")
    if not question:
        await say(update, context, lang, "ask.usage")
        return
    if (paper := await _paper(update, context, lang, arxiv_id)) is not None:
        await run_ask(update, context, paper, question, lang)


async def suggested(update: Update, context: Context, request: cb.AskSuggested) -> None:
    lang = await language(update, context)
    await answer(update.callback_query)
    if (paper := await _paper(update, context, lang, request.arxiv_id)) is not None:
        await run_ask(update, context, paper, t(lang, QUESTION_KEYS[request.index]), lang)


async def _paper(update: Update, context: Context, lang: Lang, arxiv_id: str) -> Paper | None:
    """The archived paper to ask, when there is a model to ask; else the line that says why."""
    if context.pipeline.writer is None:
        await say(update, context, lang, "ask.no_model")
        return None
    paper = await archive.get_paper(context.db, arxiv_id)
    if paper is None:
        await say(update, context, lang, "ask.unknown", ref=arxiv_id)
    return paper


async def run_ask(
    update: Update, context: Context, paper: Paper, question: str, lang: Lang
) -> None:
    chat = update.effective_chat
    assert chat is not None
    if chat.id in _BUSY:
        await say(update, context, lang, "ask.busy")
        return
    _BUSY.add(chat.id)
    drafter: Drafter | None = None
    try:
        if chat.type == ChatType.PRIVATE:
            drafter = Drafter(context, chat.id, question)
            drafter.start(draft_text(question, t(lang, "ask.working")))
        else:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        on_text = drafter.update if drafter else _ignore
        day = await _local_day(context, chat.id)
        outcome = await context.pipeline.asker.answer(chat.id, day, paper, question, lang, on_text)
    finally:
        _BUSY.discard(chat.id)
        if drafter is not None:
            await drafter.stop()
    if outcome.kind in ("no_model", "too_long", "spent"):
        key = {"no_model": "ask.no_model", "too_long": "ask.too_long", "spent": "ask.spent"}
        await say(update, context, lang, key[outcome.kind], limit=outcome.detail)
        return
    found = outcome.answer
    assert found is not None
    if outcome.kind == "answered" and found.grounded:
        quotes = [(c.quote, c.section or "") for c in found.quotes]
        reply = render_answer(
            paper.arxiv_id, question, found.text, quotes, lang, outcome.without_text
        )
    else:
        reason = "ask.endpoint" if outcome.kind == "endpoint" else "ask.ungrounded"
        reply = render_no_answer(
            paper.arxiv_id, question, found.closest, lang, reason, outcome.without_text
        )
    await send(update, context, reply)


async def _ignore(_: str) -> None:
    return None


async def _local_day(context: Context, chat_id: int) -> dt.date:
    """Today in the chat's time zone (the operator's for a chat without settings)."""
    settings = await subscriptions.chat_settings(context.db, chat_id)
    zone = context.pipeline.settings.timezone
    if settings is not None:
        zone = settings.zone(zone)
    return context.pipeline.clock.now().astimezone(zone).date()


def _paper_of(message: Message) -> str | None:
    """The arXiv id of a message about one paper (a card): the one paper its buttons act
    on, else the one its links name; None for a list of papers or any other message."""
    markup = message.reply_markup
    found = set()
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            data = button.callback_data if isinstance(button.callback_data, str) else None
            arxiv_id = getattr(cb.decode(data), "arxiv_id", None)
            if isinstance(arxiv_id, str):
                found.add(arxiv_id)
    if not found:
        links = [
            e.url or "" for e in (*(message.entities or ()), *(message.caption_entities or ()))
        ]
        found = {m.group(1) for link in links if (m := _ARXIV_LINK.search(link))}
    return found.pop() if len(found) == 1 else None


def _without_mention(message: Message, username: str) -> str:
    text = message.text or ""
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.I)
    return " ".join(text.split())


class _RepliesToCard(filters.MessageFilter):
    """A reply to one of the bot's messages about one paper."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None:
            return False
        return replied.from_user.id == message.get_bot().id and _paper_of(replied) is not None


class _MentionsBot(filters.MessageFilter):
    """A message that names the bot (@username): in groups, a reply must, to be a question."""

    def filter(self, message: Message) -> bool:
        username = message.get_bot().username or ""
        for entity, text in message.parse_entities([MessageEntity.MENTION]).items():
            del entity
            if text.lstrip("@").lower() == username.lower():
                return True
        return False


def register(app: Application) -> None:
    app.add_handler(CommandHandler("ask", ask_command))
    app.add_handler(on_button(cb.AskSuggested, suggested))
    replies = _RepliesToCard() & filters.TEXT & ~filters.COMMAND
    app.add_handler(
        MessageHandler(
            replies & (filters.ChatType.PRIVATE | (filters.ChatType.GROUPS & _MentionsBot())),
            reply_question,
        ),
        group=0,
    )
