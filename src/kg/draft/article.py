"""The article to draft and what the command line says about it.

An article is a UTF-8 text file with something in it. An empty file, a binary file (a NUL byte
or other control characters) and a file that is not UTF-8 are refused with the place where the
problem is, before anything is drafted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg.draft.vocabulary import slugify
from kg.errors import InputError, UnreadableInputError, UsageError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class Metadata:
    """What is given about the article: never guessed, only passed on."""

    url: str
    headline: str | None = None
    publisher: str | None = None  # an IRI, resolved from an IRI or a name
    date: str | None = None  # YYYY-MM-DD
    language: str = "en"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def decode_article(data: bytes, source: str) -> str:
    """The text of an article file, or an :class:`InputError` saying why it is not one."""
    if not data.strip():
        raise InputError(f"{source}:1:1: the article is empty: give a text file with the article")
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{source}:1:1: the article is larger than {MAX_BYTES} bytes; give one article at a time"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position(data, nul)
        raise InputError(
            f"{source}:{line}:{column}: a NUL byte: this is a binary file, not an article's text"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise InputError(
            f"{source}:{line}:{column}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "convert it, for instance with iconv -t UTF-8"
        ) from None
    text = text.removeprefix("\ufeff")
    control = _CONTROL.search(text)
    if control is not None:
        before = text[: control.start()]
        line = before.count("\n") + 1
        column = control.start() - (before.rfind("\n") + 1) + 1
        raise InputError(
            f"{source}:{line}:{column}: control character "
            f"U+{ord(control.group(0)):04X}: this looks like a binary file, not an "
            "article's text"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_article(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableInputError(f"{path}: is a folder, not an article file") from None
    except OSError as error:
        raise UnreadableInputError(f"{path}: cannot read ({error.strerror})") from None
    return decode_article(data, str(path))


def check_url(url: str) -> str:
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", url):
        told = f"must be an http(s) address without spaces (got {url!r})"
        raise UsageError(f"url {told}", cli=f"--url {told}")
    return url


def check_date(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return (
            date.fromisoformat(text).isoformat()
            if re.fullmatch(r"\d{4}-\d\d-\d\d", text)
            else _bad_date(text)
        )
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> str:
    told = f"must be a day as YYYY-MM-DD (got {text!r})"
    raise UsageError(f"date {told}", cli=f"--date {told}")


def check_language(tag: str) -> str:
    if not _LANGUAGE.match(tag):
        told = f"must be a language tag such as en or ru (got {tag!r})"
        raise UsageError(f"language {told}", cli=f"--lang {told}")
    return tag.lower()


def slug_for(path: Path) -> str:
    """The draft's name: the article file's name, as a slug."""
    return slugify(path.stem, limit=80)
