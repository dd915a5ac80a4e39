"""/subscribe, /unsubscribe, /topics, /stop and /settings: what a chat gets, and when.

In groups only administrators may change these; in channels every post comes from an
administrator. Each change is confirmed.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.core.i18n import Lang, t
from bot.core.models import ChatSettings
from bot.core.schedule import parse_hhmm
from bot.core.topics import BUILTIN, EVERYTHING, TopicError, parse_topics
from bot.render import callbacks as cb
from bot.render.replies import (
    delivery_text,
    render_settings,
    render_text,
    render_topics,
    topic_label,
)
from handlers.common import answer, command_args, edit, language, send, services
from storage import subscriptions as subs

# Commands in channels arrive as channel posts; edits of old commands are not re-run.
CHAT_COMMANDS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Private chats and channels: yes. Groups: administrators (and anonymous admins) only."""
    chat = update.effective_chat
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    message = update.effective_message
    if (
        message is not None
        and message.sender_chat is not None
        and message.sender_chat.id == chat.id
    ):
        return True  # an anonymous administrator posting as the group
    user = update.effective_user
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def _refuse(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: Lang) -> None:
    if update.callback_query is not None:
        await answer(update.callback_query, t(lang, "admins_only"))
    else:
        await send(update, context, render_text(t(lang, "admins_only")))


def _zone_name(settings: ChatSettings | None, context: ContextTypes.DEFAULT_TYPE) -> str:
    if settings is not None and settings.timezone:
        return settings.timezone
    return services(context).settings.timezone.key


async def _chat_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> ChatSettings:
    chat = update.effective_chat
    found = await subs.chat_settings(services(context).db, chat.id)
    return found or ChatSettings(chat_id=chat.id, type=chat.type)


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (lang := await _permitted(update, context)) is None:
        return
    text = command_args(context)
    try:
        topics = parse_topics(text)
    except TopicError as error:
        await send(
            update,
            context,
            render_text(t(lang, "sub.bad_topic", topic=str(error)[:100], slugs=", ".join(BUILTIN))),
        )
        return
    chat = update.effective_chat
    message = update.effective_message
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    user = update.effective_user
    added = await subs.subscribe(
        services(context).db,
        chat.id,
        chat.type,
        chat.title or chat.full_name,
        [topic.key for topic in topics],
        thread,
        lang if user is not None else None,
    )
    keys = [topic.key for topic in topics]
    if keys == [EVERYTHING]:
        lines = [t(lang, "sub.everything")]
    else:
        lines = []
        if added:
            lines.append(t(lang, "sub.added", topics=", ".join(added)))
        already = [key for key in keys if key not in added]
        if already:
            lines.append(t(lang, "sub.already", topics=", ".join(already)))
    settings = await _chat_settings(update, context)
    when = delivery_text(settings, _zone_name(settings, context), lang)
    lines.append(t(lang, "sub.when", when=when))
    await send(update, context, render_text("\n".join(lines)))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (lang := await _permitted(update, context)) is None:
        return
    db = services(context).db
    chat = update.effective_chat
    text = command_args(context)
    if not text:
        await subs.unsubscribe(db, chat.id, None)
        await send(update, context, render_text(t(lang, "sub.removed_all")))
        return
    try:
        keys = [topic.key for topic in parse_topics(text)]
    except TopicError:
        keys = [text]
    removed = [key for key in keys if await subs.unsubscribe(db, chat.id, key)]
    if removed:
        labels = ", ".join(topic_label(key, lang) for key in removed)
        await send(update, context, render_text(t(lang, "sub.removed", topic=labels)))
    else:
        await send(update, context, render_text(t(lang, "sub.not_subscribed", topic=text[:100])))


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (lang := await _permitted(update, context)) is None:
        return
    await subs.unsubscribe(services(context).db, update.effective_chat.id, None)
    await send(update, context, render_text(t(lang, "sub.removed_all")))


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = await language(update, context)
    current = await subs.topics(services(context).db, update.effective_chat.id)
    await send(update, context, render_topics(current, lang))


async def _permitted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Lang | None:
    """The chat's language when this user may change the chat; else refuse and None."""
    lang = await language(update, context)
    if not await may_change(update, context):
        await _refuse(update, context, lang)
        return None
    return lang


async def toggle_topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    request = cb.decode(query.data)
    assert isinstance(request, cb.ToggleTopic)
    if (lang := await _permitted(update, context)) is None:
        return
    db = services(context).db
    chat = update.effective_chat
    if request.slug in await subs.topics(db, chat.id):
        await subs.unsubscribe(db, chat.id, request.slug)
        note = t(lang, "topics.toggled_off", topic=request.slug)
    else:
        thread = (
            query.message.message_thread_id
            if query.message and query.message.is_topic_message
            else None
        )
        await subs.subscribe(
            db, chat.id, chat.type, chat.title or chat.full_name, [request.slug], thread, lang
        )
        note = t(lang, "topics.toggled_on", topic=request.slug)
    await answer(query, note)
    await edit(query, render_topics(await subs.topics(db, chat.id), lang))


# /settings NAME VALUE: the words people type, mapped to the stored setting.
_WORDS = {
    "time": "time",
    "시간": "time",
    "tz": "tz",
    "timezone": "tz",
    "zone": "tz",
    "시간대": "tz",
    "format": "fmt",
    "형식": "fmt",
    "votes": "votes",
    "minvotes": "votes",
    "추천": "votes",
    "lang": "lang",
    "language": "lang",
    "언어": "lang",
    "quiet": "quiet",
    "조용히": "quiet",
    "pause": "pause",
    "resume": "resume",
    "일시중지": "pause",
    "재개": "resume",
}
_ON = {"on", "yes", "1", "true", "켜기", "켬"}
_OFF = {"off", "no", "0", "false", "끄기", "끔"}


def _parse_setting(words: list[str]) -> tuple[str, str] | None:
    """``["time", "8:30"]`` → ("time", "08:30"); None when the words make no setting."""
    if not words or words[0].lower() not in _WORDS:
        return None
    name = _WORDS[words[0].lower()]
    if name in ("pause", "resume"):
        return ("pause", "1" if name == "pause" else "0") if len(words) == 1 else None
    if len(words) != 2:
        return None
    value = words[1]
    if name == "time":
        if value.lower() in ("instant", "now", "즉시"):
            return "time", "instant"
        hhmm = parse_hhmm(value)
        return ("time", hhmm) if hhmm else None
    if name == "tz":
        return "tz", value
    if name == "fmt":
        lowered = value.lower()
        return ("fmt", lowered) if lowered in ("cards", "compact") else None
    if name == "votes":
        return ("votes", value) if value.isdigit() and len(value) <= 6 else None
    if name == "lang":
        lowered = value.lower()
        return ("lang", lowered) if lowered in ("ko", "en") else None
    if name == "quiet":
        lowered = value.lower()
        if lowered in _ON:
            return "quiet", "1"
        if lowered in _OFF:
            return "quiet", "0"
    return None


async def _apply(
    update: Update, context: ContextTypes.DEFAULT_TYPE, name: str, value: str, lang: Lang
) -> tuple[str | None, Lang]:
    """Store one setting; returns (an error message or None, the chat's language after)."""
    db = services(context).db
    chat = update.effective_chat
    if name == "tz":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return t(lang, "settings.bad_zone", zone=value[:60]), lang
        await subs.update_setting(db, chat.id, chat.type, "timezone", value)
    elif name == "time":
        await subs.update_setting(
            db, chat.id, chat.type, "delivery_time", None if value == "instant" else value
        )
    elif name == "fmt":
        await subs.update_setting(db, chat.id, chat.type, "format", value)
    elif name == "votes":
        await subs.update_setting(db, chat.id, chat.type, "min_votes", int(value))
    elif name == "lang":
        await subs.update_setting(db, chat.id, chat.type, "language", value)
        lang = value  # type: ignore[assignment]
    elif name == "quiet":
        await subs.update_setting(db, chat.id, chat.type, "quiet", int(value))
    elif name == "pause":
        await subs.update_setting(db, chat.id, chat.type, "paused", int(value))
    return None, lang


def _summary(settings: ChatSettings, name: str, zone: str, lang: Lang) -> str:
    if name in ("time", "tz"):
        return t(lang, "settings.delivery", when=delivery_text(settings, zone, lang))
    if name == "fmt":
        return t(lang, "settings.format", format=t(lang, f"settings.format.{settings.format}"))
    if name == "votes":
        return t(lang, "settings.min_votes", votes=settings.min_votes)
    if name == "lang":
        return t(lang, "settings.language", language=t(lang, "language.name"))
    if name == "quiet":
        return t(
            lang,
            "settings.notifications",
            state=t(lang, "settings.off" if settings.quiet else "settings.on"),
        )
    return t(
        lang,
        "settings.status",
        state=t(lang, "settings.paused" if settings.paused else "settings.active"),
    )


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = await language(update, context)
    words = context.args or []
    if words:
        if not await may_change(update, context):
            await _refuse(update, context, lang)
            return
        parsed = _parse_setting(words)
        if parsed is None:
            await send(update, context, render_text(t(lang, "settings.bad")))
            return
        error, lang = await _apply(update, context, *parsed, lang)
        if error:
            await send(update, context, render_text(error))
            return
        current = await _chat_settings(update, context)
        summary = _summary(current, parsed[0], _zone_name(current, context), lang)
        await send(update, context, render_text("✓ " + t(lang, "settings.saved", what=summary)))
        return
    current = await _chat_settings(update, context)
    await send(update, context, render_settings(current, _zone_name(current, context), lang))


async def settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    request = cb.decode(query.data)
    assert isinstance(request, cb.SetOption)
    if (lang := await _permitted(update, context)) is None:
        return
    _, lang = await _apply(update, context, request.name, request.value, lang)
    current = await _chat_settings(update, context)
    zone = _zone_name(current, context)
    await answer(
        query, "✓ " + t(lang, "settings.saved", what=_summary(current, request.name, zone, lang))
    )
    await edit(query, render_settings(current, zone, lang))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("subscribe", subscribe, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("stop", stop, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("topics", topics, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("settings", settings, filters=CHAT_COMMANDS))
    app.add_handler(
        CallbackQueryHandler(
            toggle_topic, pattern=lambda d: isinstance(cb.decode(d), cb.ToggleTopic)
        )
    )
    app.add_handler(
        CallbackQueryHandler(
            settings_button, pattern=lambda d: isinstance(cb.decode(d), cb.SetOption)
        )
    )
