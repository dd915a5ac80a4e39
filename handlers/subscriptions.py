"""/subscribe, /unsubscribe, /topics, /stop and /settings: what a chat gets, and when.

In groups only administrators may change these; in channels every post comes from an
administrator. Each change is confirmed.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import Application, CommandHandler, filters

from bot.core.chat_settings import (
    ChatSettings,
    SettingChange,
    SettingError,
    parse_setting,
    read_setting,
)
from bot.core.i18n import Lang, t
from bot.core.limits import ECHO_CHARS, TOPIC_CHARS, TOPICS_PER_CHAT
from bot.core.topics import BUILTIN, EVERYTHING, TopicError, TopicTooLong, parse_topics
from bot.core.user_text import clean
from bot.render import callbacks as cb
from bot.render.html import shorten
from bot.render.menus import (
    delivery_text,
    render_settings,
    render_topics,
    setting_line,
    topic_label,
)
from bot.render.reply import Reply, render_text
from handlers.common import Context, answer, command_args, edit, language, on_button, say, send
from storage import chats
from storage import subscriptions as subs

# Commands in channels arrive as channel posts; edits of old commands are not re-run.
CHAT_COMMANDS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST


async def may_change(update: Update, context: Context) -> bool:
    """Private chats and channels: yes. Groups: administrators (and anonymous admins) only."""
    chat = update.effective_chat
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    sender = update.effective_message.sender_chat if update.effective_message else None
    if sender is not None and sender.id == chat.id:
        return True  # an anonymous administrator posting as the group
    user = update.effective_user
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def refuse(update: Update, context: Context, lang: Lang) -> None:
    if update.callback_query is not None:
        await answer(update.callback_query, t(lang, "admins_only"))
    else:
        await say(update, context, lang, "admins_only")


async def _current(update: Update, context: Context) -> tuple[ChatSettings, str]:
    """The chat's settings now, and the name of its time zone."""
    chat = update.effective_chat
    found = await subs.chat_settings(context.db, chat.id)
    current = found or ChatSettings(chat_id=chat.id, type=chat.type)
    return current, current.timezone or context.pipeline.settings.timezone.key


async def subscribe(update: Update, context: Context) -> None:
    if (lang := await _permitted(update, context)) is None:
        return
    text = command_args(context)
    try:
        topics = parse_topics(text)
    except TopicTooLong:
        await say(update, context, lang, "sub.too_long", limit=TOPIC_CHARS)
        return
    except TopicError as error:
        topic = shorten(str(error), ECHO_CHARS)
        await say(update, context, lang, "sub.bad_topic", topic=topic, slugs=", ".join(BUILTIN))
        return
    chat = update.effective_chat
    following = set(await subs.topics(context.db, chat.id))
    new = [t.key for t in topics if t.key not in following and not t.is_everything]
    if new and len(following | set(new)) > TOPICS_PER_CHAT:
        await say(update, context, lang, "sub.too_many", limit=TOPICS_PER_CHAT)
        return
    message = update.effective_message
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    keys = [topic.key for topic in topics]
    chosen_by = lang if update.effective_user is not None else None
    added = await subs.subscribe(
        context.db,
        chat.id,
        chat.type,
        chat.title or chat.full_name,
        keys,
        thread,
        chosen_by,
    )
    if added:
        context.pipeline.translate_topics(added)
    if keys == [EVERYTHING]:
        lines = [t(lang, "sub.everything")]
    else:
        lines = []
        if added:
            lines.append(t(lang, "sub.added", topics=", ".join(added)))
        already = [key for key in keys if key not in added]
        if already:
            lines.append(t(lang, "sub.already", topics=", ".join(already)))
    lines.append(t(lang, "sub.when", when=delivery_text(*await _current(update, context), lang)))
    await send(update, context, render_text("\n".join(lines)))


async def unsubscribe(update: Update, context: Context) -> None:
    if (lang := await _permitted(update, context)) is None:
        return
    db = context.db
    chat = update.effective_chat
    text = command_args(context)
    if not text:
        await subs.unsubscribe(db, chat.id, None)
        await say(update, context, lang, "sub.removed_all")
        return
    try:
        keys = [topic.key for topic in parse_topics(text)]
    except TopicError:
        keys = [text]
    removed = [key for key in keys if await subs.unsubscribe(db, chat.id, key)]
    if removed:
        labels = ", ".join(topic_label(key, lang) for key in removed)
        await say(update, context, lang, "sub.removed", topic=labels)
    else:
        await say(update, context, lang, "sub.not_subscribed", topic=shorten(text, ECHO_CHARS))


async def stop(update: Update, context: Context) -> None:
    if (lang := await _permitted(update, context)) is None:
        return
    await subs.unsubscribe(context.db, update.effective_chat.id, None)
    await say(update, context, lang, "sub.removed_all")


async def forget(update: Update, context: Context) -> None:
    """After /stop: delete the chat's ratings, a private chat's saves, and its settings."""
    if (lang := await _permitted(update, context)) is None:
        return
    chat_id = update.effective_chat.id
    if await subs.topics(context.db, chat_id):
        await say(update, context, lang, "forget.stop_first")
        return
    gone = await chats.forget(context.db, chat_id)
    settings = t(lang, "forget.settings" if gone.settings else "forget.no_settings")
    await say(
        update,
        context,
        lang,
        "forget.done",
        ratings=gone.ratings,
        saves=gone.saves,
        settings=settings,
    )


async def topics(update: Update, context: Context) -> None:
    lang = await language(update, context)
    current = await subs.topics(context.db, update.effective_chat.id)
    english = await context.pipeline.topics_in_english(current)
    await send(update, context, render_topics(current, lang, english))


async def _permitted(update: Update, context: Context) -> Lang | None:
    """The chat's language when this user may change the chat; else refuse and None."""
    lang = await language(update, context)
    if not await may_change(update, context):
        await refuse(update, context, lang)
        return None
    return lang


async def toggle_topic(update: Update, context: Context, request: cb.ToggleTopic) -> None:
    query = update.callback_query
    if (lang := await _permitted(update, context)) is None:
        return
    db = context.db
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
    current = await subs.topics(db, chat.id)
    english = await context.pipeline.topics_in_english(current)
    await edit(query, render_topics(current, lang, english))


async def _apply(
    update: Update, context: Context, change: SettingChange, lang: Lang
) -> tuple[str, Reply]:
    """Store one setting; the confirmation and the menu, in the chat's language after it."""
    chat = update.effective_chat
    await subs.update_setting(context.db, chat.id, chat.type, change)
    if change.setting.name == "lang":
        lang = change.value  # type: ignore[assignment]
    current, zone = await _current(update, context)
    line = setting_line(current, change.setting.name, zone, lang)
    return "✓ " + t(lang, "settings.saved", what=line), render_settings(current, zone, lang)


async def settings(update: Update, context: Context) -> None:
    words = clean(" ".join(context.args or [])).split()  # ０７:３０ is 07:30; no invisibles
    if not words:
        lang = await language(update, context)
        await send(update, context, render_settings(*await _current(update, context), lang))
        return
    if (lang := await _permitted(update, context)) is None:
        return
    try:
        change = parse_setting(words)
    except SettingError as error:
        key = error.setting.error if error.setting else "settings.bad"
        await say(update, context, lang, key, zone=shorten(error.value, 60))
        return
    confirmation, _ = await _apply(update, context, change, lang)
    await send(update, context, render_text(confirmation))


async def settings_button(update: Update, context: Context, request: cb.SetOption) -> None:
    query = update.callback_query
    if (lang := await _permitted(update, context)) is None:
        return
    confirmation, menu = await _apply(
        update, context, read_setting(request.name, request.value), lang
    )
    await answer(query, confirmation)
    await edit(query, menu)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("subscribe", subscribe, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("stop", stop, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("forget", forget, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("topics", topics, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("settings", settings, filters=CHAT_COMMANDS))
    app.add_handler(on_button(cb.ToggleTopic, toggle_topic))
    app.add_handler(on_button(cb.SetOption, settings_button))
