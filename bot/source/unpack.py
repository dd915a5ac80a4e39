"""Digests inside an archive (``.tar.gz``, ``.tgz``, ``.zip``): a repository snapshot holds
the whole feed history in one download. Only ``*.md`` and ``*.json`` members are read, in path
order, each at most ``MEMBER_LIMIT`` bytes: an archive is input, and input may be hostile."""

from __future__ import annotations

import io
import tarfile
import zipfile

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip")
MEMBER_LIMIT = 20_000_000  # bytes in one member
MEMBERS_LIMIT = 100_000  # members read from one archive


class UnreadableArchive(ValueError):
    """Not a tar or zip archive at all (truncated, or something else with the name)."""


def is_archive(name: str) -> bool:
    return name.lower().split("?", 1)[0].endswith(ARCHIVE_SUFFIXES)


def unpack(data: bytes, name: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The (member path, text) of every digest-like member, and the problems met; raises
    ``UnreadableArchive`` when ``data`` is not an archive."""
    problems: list[str] = []
    raw: list[tuple[str, bytes]] = []
    try:
        if name.lower().split("?", 1)[0].endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist()[:MEMBERS_LIMIT]:
                    if info.is_dir() or not _wanted(info.filename):
                        continue
                    if info.file_size > MEMBER_LIMIT:
                        problems.append(f"{info.filename}: over {MEMBER_LIMIT:,} bytes, skipped")
                        continue
                    raw.append((info.filename, archive.read(info)))
        else:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
                for count, member in enumerate(archive):
                    if count >= MEMBERS_LIMIT:
                        problems.append(f"more than {MEMBERS_LIMIT:,} members; the rest skipped")
                        break
                    if not member.isfile() or not _wanted(member.name):
                        continue
                    if member.size > MEMBER_LIMIT:
                        problems.append(f"{member.name}: over {MEMBER_LIMIT:,} bytes, skipped")
                        continue
                    extracted = archive.extractfile(member)
                    if extracted is not None:
                        raw.append((member.name, extracted.read()))
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise UnreadableArchive(f"not a readable archive: {first_line.rstrip(':')}") from error
    members: list[tuple[str, str]] = []
    for path, content in sorted(raw):
        try:
            members.append((path, content.decode("utf-8-sig")))
        except UnicodeDecodeError as error:
            problems.append(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})")
    return members, problems


def _wanted(path: str) -> bool:
    return path.lower().endswith((".md", ".json"))
