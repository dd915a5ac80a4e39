"""Digests inside an archive (``.tar.gz``, ``.tgz``, ``.zip``): a repository snapshot holds
the whole feed history in one download. Only ``*.md`` and ``*.json`` members are read, in path
order, one at a time, each counted as it unpacks (a declared size is never trusted) up to
``MEMBER_BYTES``, and all of them up to ``ARCHIVE_UNPACKED_BYTES``: an archive is input, and
input may be hostile. A zip that claimed 1,000 bytes for a 1 GB member once took 2.1 GB."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from typing import IO

from bot.core.limits import ARCHIVE_UNPACKED_BYTES, MEMBER_BYTES

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip")
MEMBERS_LIMIT = 100_000  # members looked at in one archive
_CHUNK = 1 << 20
_OVER = b"<over budget>"  # a member past its budget (compared by identity)


class UnreadableArchive(ValueError):
    """Not a tar or zip archive at all (truncated, or something else with the name)."""


def is_archive(name: str) -> bool:
    return name.lower().split("?", 1)[0].endswith(ARCHIVE_SUFFIXES)


class Members:
    """The digest-like members of one archive, read one at a time as they are iterated;
    ``problems`` fills as they are met. Opening checks the archive can be read at all."""

    def __init__(self, data: bytes, name: str) -> None:
        self.problems: list[str] = []
        self.read = 0  # members read as text
        self._zip = name.lower().split("?", 1)[0].endswith(".zip")
        self._data = data
        self._names = self._listing()

    def _listing(self) -> list[str]:
        try:
            if self._zip:
                with zipfile.ZipFile(io.BytesIO(self._data)) as archive:
                    infos = archive.infolist()
                    names = [i.filename for i in infos[:MEMBERS_LIMIT] if not i.is_dir()]
                    over = len(infos) > MEMBERS_LIMIT
            else:
                names, over = [], False
                with tarfile.open(fileobj=io.BytesIO(self._data), mode="r:*") as archive:
                    for count, member in enumerate(archive):
                        if count >= MEMBERS_LIMIT:
                            over = True
                            break
                        if member.isfile():
                            names.append(member.name)
        except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            raise UnreadableArchive(f"not a readable archive: {_first_line(error)}") from error
        if over:
            self.problems.append(f"more than {MEMBERS_LIMIT:,} members; the rest skipped")
        return sorted(n for n in names if n.lower().endswith((".md", ".json")))

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """(member path, text) of each digest-like member, in path order."""
        unpacked = 0
        try:
            with self._open() as archive:
                for name in self._names:
                    budget = min(MEMBER_BYTES, ARCHIVE_UNPACKED_BYTES - unpacked)
                    content = self._member(archive, name, budget)
                    if content is _OVER and budget < MEMBER_BYTES:
                        self.problems.append(
                            f"over {ARCHIVE_UNPACKED_BYTES:,} bytes unpacked; the members from"
                            f" {name} on skipped"
                        )
                        return
                    if content is _OVER:
                        self.problems.append(f"{name}: over {budget:,} bytes unpacked, skipped")
                        continue
                    if content is None:
                        continue
                    unpacked += len(content)
                    try:
                        text = content.decode("utf-8-sig")
                    except UnicodeDecodeError as error:
                        self.problems.append(
                            f"{name}: not UTF-8 text ({error.reason} at byte {error.start})"
                        )
                        continue
                    del content
                    self.read += 1
                    yield name, text
        except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as error:
            self.problems.append(f"the archive broke off: {_first_line(error)}")

    def _open(self) -> zipfile.ZipFile | tarfile.TarFile:
        if self._zip:
            return zipfile.ZipFile(io.BytesIO(self._data))
        return tarfile.open(fileobj=io.BytesIO(self._data), mode="r:*")

    def _member(
        self, archive: zipfile.ZipFile | tarfile.TarFile, name: str, budget: int
    ) -> bytes | None:
        """The member's bytes, at most ``budget`` of them as they unpack; ``_OVER`` when it
        holds more; None (and a problem) when it is damaged."""
        try:
            stream: IO[bytes] | None
            if isinstance(archive, zipfile.ZipFile):
                stream = archive.open(name)
            else:
                stream = archive.extractfile(name)
            if stream is None:
                return None
            with stream:
                chunks, size = [], 0
                while chunk := stream.read(min(_CHUNK, budget + 1 - size)):
                    size += len(chunk)
                    if size > budget:
                        return _OVER
                    chunks.append(chunk)
            return b"".join(chunks)
        except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, KeyError) as error:
            self.problems.append(f"{name}: damaged ({_first_line(error)}), skipped")
            return None


def unpack(data: bytes, name: str) -> Members:
    """The archive's digest-like members, read lazily; raises ``UnreadableArchive`` when
    ``data`` is not an archive."""
    return Members(data, name)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0].rstrip(":") if text else error.__class__.__name__
