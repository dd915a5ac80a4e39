"""/follow, /following and /unfollow: people and labs whose new papers a chat gets whatever
its topics (storage/follows.py, bot/core/people.py). In groups only administrators change
them, as with topics."""

from __future__ import annotations

import hashlib

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.core.i18n import Lang, t
from bot.core.people import (
    AUTHOR,
    FOLLOWS_PER_CHAT,
    ORG,
    Followed,
    is_initials,
    name_key,
    parse_follow,
)
from bot.render import callbacks as cb
from bot.render.html import bold, join, shorten
from bot.render.reply import Button, Reply
from handlers.common import Context, answer, command_args, edit, language, on_button, say, send
from handlers.subscriptions import CHAT_COMMANDS, may_change, refuse
from storage import archive
from storage import follows as store


async def _asked(update: Update, context: Context) -> tuple[Lang, Followed] | None:
    """The chat's language and the name the command gives, when this user may change the
    chat's follows and gave one; else it is said why, and None."""
    lang = await language(update, context)
    if not await may_change(update, context):
        await refuse(update, context, lang)
        return None
    wanted = parse_follow(command_args(context))
    if wanted is None:
        await say(update, context, lang, "follow.usage")
        return None
    return lang, wanted


async def follow(update: Update, context: Context) -> None:
    if (asked := await _asked(update, context)) is None:
        return
    lang, wanted = asked
    chat = update.effective_chat
    db = context.db
    if await store.count(db, chat.id) >= FOLLOWS_PER_CHAT:
        await say(update, context, lang, "follow.too_many", limit=FOLLOWS_PER_CHAT)
        return
    found = await store.candidates(db, wanted)
    exact = [c for c in found if name_key(c.name) == wanted.key]
    if wanted.kind == AUTHOR and is_initials(wanted.key) and len(found) > 1 and not exact:
        lines = [t(lang, "follow.ambiguous", name=wanted.name)]
        lines += [f"/follow {c.name} — {shorten(c.title, 60)} ({c.date})" for c in found]
        await send(update, context, Reply(join(lines, "\n")))
        return
    chosen = exact[0] if exact else found[0] if found else None
    if chosen is not None:  # as the archive spells it ("K. He" → "Kaiming He")
        wanted = Followed(wanted.kind, name_key(chosen.name), chosen.name)
    added = await store.follow(db, chat.id, chat.type, chat.title or chat.full_name, wanted, lang)
    if not added:
        await say(update, context, lang, "follow.already", who=wanted.label)
    elif chosen is None:
        await say(update, context, lang, "follow.unknown", who=wanted.label, name=wanted.name)
    else:
        lines = [
            t(lang, "follow.added", who=wanted.label),
            t(lang, "follow.latest", title=shorten(chosen.title, 120), date=chosen.date),
        ]
        await send(update, context, Reply(join(lines, "\n")))


async def following(update: Update, context: Context) -> None:
    lang = await language(update, context)
    await send(
        update,
        context,
        render_follows(await store.follows(context.db, update.effective_chat.id), lang),
    )


async def unfollow(update: Update, context: Context) -> None:
    if (asked := await _asked(update, context)) is None:
        return
    lang, wanted = asked
    chat_id = update.effective_chat.id
    current = await store.follows(context.db, chat_id)
    # "google" undoes "org:google" too, and a full name what its initials followed.
    match = next((f for f in current if f.kind == wanted.kind and f.key == wanted.key), None)
    match = match or next((f for f in current if f.key == wanted.key), None)
    if match is None or not await store.unfollow(context.db, chat_id, match):
        await say(update, context, lang, "follow.not_following", name=shorten(wanted.name, 100))
        return
    await say(update, context, lang, "follow.removed", who=match.label)


def follow_token(followed: Followed) -> str:
    """A short, stable name for a follow in callback data (names may be long, or Hangul)."""
    return hashlib.sha1(f"{followed.kind}:{followed.key}".encode()).hexdigest()[:12]


def render_follows(current: list[Followed], lang: Lang) -> Reply:
    """The chat's follows, one unfollow button each."""
    if not current:
        return Reply(join([t(lang, "follow.none")], ""))
    lines = [bold("👤 " + t(lang, "follow.title")), *(f"• {f.label}" for f in current)]
    buttons = tuple(
        (Button(f"✕ {shorten(f.name, 40)}", callback_data=cb.encode(cb.Unfollow(follow_token(f)))),)
        for f in current
    )
    return Reply(join(lines, "\n"), buttons)


async def unfollow_button(update: Update, context: Context, request: cb.Unfollow) -> None:
    query = update.callback_query
    lang = await language(update, context)
    if not await may_change(update, context):
        await refuse(update, context, lang)
        return
    chat_id = update.effective_chat.id
    current = await store.follows(context.db, chat_id)
    match = next((f for f in current if follow_token(f) == request.token), None)
    if match is None:
        await answer(query, t(lang, "stale_button"))
        return
    await store.unfollow(context.db, chat_id, match)
    await answer(query, t(lang, "follow.removed", who=match.label))
    await edit(query, render_follows(await store.follows(context.db, chat_id), lang))


PICK_AUTHORS = 12  # authors offered under 👤 (the first ones: a card shows its first few)


async def follow_pick(update: Update, context: Context, request: cb.FollowPick) -> None:
    """👤 on a card: a button for each of its first authors and its organization."""
    query = update.callback_query
    lang = await language(update, context)
    paper = await archive.get_paper(context.db, request.arxiv_id)
    if paper is None:
        await answer(query, t(lang, "stale_button"))
        return
    await answer(query)
    people = [
        Button(f"👤 {shorten(name, 40)}", callback_data=cb.encode(cb.FollowOne(paper.arxiv_id, i)))
        for i, name in enumerate(paper.authors[:PICK_AUTHORS])
    ]
    if paper.organization:
        label = f"🏢 {shorten(paper.organization_name or paper.organization, 40)}"
        people.append(Button(label, callback_data=cb.encode(cb.FollowOne(paper.arxiv_id, -1))))
    rows = tuple(tuple(people[i : i + 2]) for i in range(0, len(people), 2))
    text = t(lang, "follow.pick", title=shorten(paper.title, 100))
    await send(update, context, Reply(join([text], ""), rows))


async def follow_one(update: Update, context: Context, request: cb.FollowOne) -> None:
    query = update.callback_query
    lang = await language(update, context)
    if not await may_change(update, context):
        await refuse(update, context, lang)
        return
    paper = await archive.get_paper(context.db, request.arxiv_id)
    if request.index < 0:  # the lab by its short name, shown by its full one
        short = paper.organization if paper else None
        full = (paper.organization_name if paper else None) or short
        wanted = Followed(ORG, name_key(short), full) if short and full else None
    else:
        names = paper.authors if paper else ()
        wanted = parse_follow(names[request.index]) if request.index < len(names) else None
    if wanted is None:
        await answer(query, t(lang, "stale_button"))
        return
    chat = update.effective_chat
    if await store.count(context.db, chat.id) >= FOLLOWS_PER_CHAT:
        await answer(query, t(lang, "follow.too_many", limit=FOLLOWS_PER_CHAT))
        return
    added = await store.follow(
        context.db, chat.id, chat.type, chat.title or chat.full_name, wanted, lang
    )
    key = "follow.added" if added else "follow.already"
    await answer(query, shorten(t(lang, key, who=wanted.label), 190))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("follow", follow, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("following", following, filters=CHAT_COMMANDS))
    app.add_handler(CommandHandler("unfollow", unfollow, filters=CHAT_COMMANDS))
    app.add_handler(on_button(cb.Unfollow, unfollow_button))
    app.add_handler(on_button(cb.FollowPick, follow_pick))
    app.add_handler(on_button(cb.FollowOne, follow_one))
