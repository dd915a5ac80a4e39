"""A strict parser of Telegram's HTML parse mode, as the Bot API server applies it.

It accepts what Telegram accepts and rejects what Telegram rejects (with Telegram's wording),
so tests and property tests can trust that text passing here would pass on Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tag -> allowed attributes. span needs class="tg-spoiler"; a needs href.
_TAGS: dict[str, set[str]] = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "span": {"class"},
    "tg-spoiler": set(),
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]*);")
_ATTR = re.compile(r"""\s*([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_URL = re.compile(r"^(https?|tg|mailto)://?\S+$|^tg://\S+$", re.IGNORECASE)


class EntityParseError(ValueError):
    """Telegram's "can't parse entities" error; ``str`` is the description after the prefix."""


@dataclass(frozen=True)
class Parsed:
    text: str  # what the user sees
    entities: tuple[tuple[str, int, int], ...]  # (tag, offset, length) in code points


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entities(source: str, start: int, chunk: str) -> str:
    def replace(match: re.Match[str]) -> str:
        body = match.group(1)
        if body.startswith("#x"):
            code = int(body[2:], 16)
        elif body.startswith("#"):
            code = int(body[1:])
        else:
            return _NAMED.get(body, match.group(0))  # unknown &name; stays literal
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return "\ufffd"
        return chr(code)

    return _ENTITY.sub(replace, chunk)


def parse_html(source: str) -> Parsed:
    """Parse Telegram HTML; raises ``EntityParseError`` exactly where Telegram would."""
    out: list[str] = []
    length = 0
    stack: list[tuple[str, int]] = []  # (tag, offset in text)
    entities: list[tuple[str, int, int]] = []
    i = 0
    while i < len(source):
        lt = source.find("<", i)
        if lt == -1:
            chunk = _decode_entities(source, i, source[i:])
            out.append(chunk)
            length += len(chunk)
            break
        if lt > i:
            chunk = _decode_entities(source, i, source[i:lt])
            out.append(chunk)
            length += len(chunk)
        gt = source.find(">", lt)
        if gt == -1:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, lt)}")
        inner = source[lt + 1 : gt]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(source, lt)}"
                )
            open_name, start = stack.pop()
            if name and name != open_name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, lt)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            entities.append((open_name, start, length - start))
        else:
            match = re.match(r"([a-zA-Z][a-zA-Z0-9-]*)", inner)
            name = match.group(1).lower() if match else ""
            if name not in _TAGS:
                raise EntityParseError(
                    f'Unsupported start tag "{name or inner[:20]}" at byte offset '
                    f"{_byte_offset(source, lt)}"
                )
            attrs = _parse_attrs(inner[len(name) :], source, lt)
            unknown = set(attrs) - _TAGS[name]
            if unknown:
                raise EntityParseError(
                    f'Unsupported attribute "{sorted(unknown)[0]}" in tag "{name}" at byte '
                    f"offset {_byte_offset(source, lt)}"
                )
            if name == "a" and not _URL.match(attrs.get("href", "")):
                raise EntityParseError(
                    f'Wrong URL in tag "a" at byte offset {_byte_offset(source, lt)}'
                )
            if name == "span" and attrs.get("class") != "tg-spoiler":
                at = _byte_offset(source, lt)
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {at}'
                )
            open_names = [n for n, _ in stack]
            if name == "blockquote" and "blockquote" in open_names:
                raise EntityParseError("Blockquote entities can't be nested")
            if (
                open_names
                and open_names[-1] in ("code", "pre")
                and not (name == "code" and open_names[-1] == "pre")
            ):
                raise EntityParseError(f'Can\'t nest "{name}" inside "{open_names[-1]}"')
            stack.append((name, length))
        i = gt + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return Parsed("".join(out), tuple(entities))


def _parse_attrs(text: str, source: str, lt: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    text = text.rstrip().rstrip("/")
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _ATTR.match(text, pos)
        if not match or match.end() == pos:
            at = _byte_offset(source, lt)
            raise EntityParseError(f"Expected equal sign in an attribute at byte offset {at}")
        value = next((v for v in match.groups()[1:] if v is not None), "")
        attrs[match.group(1).lower()] = _decode_entities(source, 0, value)
        pos = match.end()
    return attrs
