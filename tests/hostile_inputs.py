"""Hostile inputs of issue 27, built at any scale: a loopback mirror that answers a gzip bomb,
an endless stream or a drip-feed, and files (a heading and megabytes of newlines, a zip that
lies about its member's size, an archive of many large members, a digest with a huge field,
an API day of many entries). The tests build them small; bench.hostile_input at the issue's
sizes. The mirror records what it was asked."""

from __future__ import annotations

import asyncio
import contextlib
import json
import struct
import zipfile
import zlib
from pathlib import Path

from aiohttp import web

from tests.loopback import serve

_MB = 1 << 20


def gzip_of_zeros(size: int) -> bytes:
    """A gzip stream of ``size`` zero bytes, made a megabyte at a time (1 GB → about 1 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(_MB)
    parts = [packer.compress(zeros) for _ in range(size // _MB)]
    parts.append(packer.compress(bytes(size % _MB)))
    parts.append(packer.flush())
    return b"".join(parts)


class HostileMirror:
    """``/bomb.md``: a gzip bomb; ``/endless.md``: an endless plain body; ``/drip.md``: one
    byte every ``drip_seconds``; ``/ok.md``: a good digest (``good``)."""

    def __init__(self, bomb_bytes: int, good: str = "", drip_seconds: float = 5.0) -> None:
        self.bomb = gzip_of_zeros(bomb_bytes)
        self.good = good
        self.drip_seconds = drip_seconds
        self.requests: list[str] = []
        self.sent: dict[str, int] = {}  # bytes written per path
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> HostileMirror:
        app = web.Application()
        app.router.add_get("/bomb.md", self._bomb)
        app.router.add_get("/endless.md", self._endless)
        app.router.add_get("/drip.md", self._drip)
        app.router.add_get("/ok.md", self._ok)
        self._runner, self.url = await serve(app)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _bomb(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path)
        return web.Response(
            body=self.bomb,
            headers={"Content-Encoding": "gzip", "Content-Type": "text/markdown"},
        )

    async def _endless(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path)
        response = web.StreamResponse(headers={"Content-Type": "text/markdown"})
        await response.prepare(request)
        chunk = b"## Daily Papers (2024-01-01)\n" + b"\n" * _MB
        with contextlib.suppress(ConnectionError):  # until the client hangs up
            while True:
                await response.write(chunk)
                self.sent[request.path] = self.sent.get(request.path, 0) + len(chunk)
        return response

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path)
        response = web.StreamResponse(headers={"Content-Type": "text/markdown"})
        await response.prepare(request)
        with contextlib.suppress(ConnectionError):  # until the client hangs up
            while True:
                await response.write(b"#")
                self.sent[request.path] = self.sent.get(request.path, 0) + 1
                await asyncio.sleep(self.drip_seconds)
        return response

    async def _ok(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path)
        return web.Response(text=self.good, content_type="text/markdown")


def newlines_file(path: Path, size: int) -> Path:
    """A digest heading and ``size`` bytes of newlines."""
    with path.open("wb") as file:
        file.write(b"## Daily Papers (2024-01-01)\n")
        for _ in range(size // _MB):
            file.write(b"\n" * _MB)
        file.write(b"\n" * (size % _MB))
    return path


def lying_zip(path: Path, real_size: int, claimed: int = 1000) -> Path:
    """A zip whose one member, ``day.md``, says it unpacks to ``claimed`` bytes and unpacks
    to ``real_size`` (zeros): its local header and central directory both lie."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("day.md", "w", force_zip64=real_size > 0xFFFFFFFF) as member,
    ):
        zeros = bytes(_MB)
        for _ in range(real_size // _MB):
            member.write(zeros)
        member.write(bytes(real_size % _MB))
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, claimed)  # uncompressed size, local header
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, claimed)  # uncompressed size, directory
    path.write_bytes(bytes(data))
    return path


def many_members_zip(path: Path, members: int, size: int) -> Path:
    """A zip of ``members`` digest-named members of ``size`` bytes each (a heading, then
    spaces)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(members):
            with archive.open(f"days/{n:03d}.md", "w") as member:
                member.write(b"## Daily Papers (2024-01-01)\n")
                left = size - 29
                while left > 0:
                    step = min(left, _MB)
                    member.write(b" " * step)
                    left -= step
    return path


def huge_field_digest(path: Path, field_chars: int) -> Path:
    """A valid two-paper digest whose first paper's What's New is ``field_chars`` long."""
    entry = (
        "### [{title}](https://arxiv.org/abs/{arxiv})\n\n"
        "Vote: 3\n\nAuthors: Ada Lovelace\n\n"
        "- **What's New**: {text}\n"
        "- **Technical Details**: 기술 설명입니다.\n"
        "- **Performance Highlights**: 성능이 좋습니다.\n\n"
    )
    huge = ("요약" * (field_chars // 2 + 1))[:field_chars]
    text = (
        "## Daily Papers (2024-01-02)\n\n"
        + entry.format(title="A Paper With A Huge Summary", arxiv="2401.00001", text=huge)
        + entry.format(title="A Good Neighbour", arxiv="2401.00002", text="새로운 방법입니다.")
    )
    path.write_text(text, encoding="utf-8")
    return path


def crowded_api_day(path: Path, entries: int) -> Path:
    """An API day (2024-01-03) of ``entries`` minimal entries, each its own paper."""
    listing = [
        {
            "paper": {
                "id": f"2401.{n:05d}",
                "title": f"Paper {n}",
                "submittedOnDailyAt": "2024-01-03T00:00:00.000Z",
            }
        }
        for n in range(entries)
    ]
    path.write_text(json.dumps(listing), encoding="utf-8")
    return path
