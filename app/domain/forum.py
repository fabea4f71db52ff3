"""Forum and private-message rules (Terms §2.1a: interaction with other subscribers,
within the General Terms of Use): what a post may be, who may still change it, when a
thread takes replies, how its pages are cut, and the names members are shown under."""

import re
import unicodedata
from datetime import datetime, timedelta
from enum import StrEnum

POSTS_PER_PAGE = 25
THREADS_PER_PAGE = 30
EDIT_WINDOW = timedelta(minutes=30)
# About twelve printed pages: enough for any answer with code, far below what a
# database or a reader would choke on.
MAX_BODY = 20_000
MAX_TITLE = 150
MIN_NAME, MAX_NAME = 3, 30

# Characters that change how the text around them is shown without being seen: the
# bidirectional overrides and isolates (a name that reads backwards, "txt.exe" shown
# as "exe.txt") and the zero-width ones (two names that look the same).
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\u00ad"
)
# Letters (any script), digits, "_", "." and "-": no spaces, so "@name" ends clearly.
NAME = re.compile(r"^[^\W_][\w.-]*$")


class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    INVISIBLE = "invisible"


class NameProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    CHARACTERS = "characters"


class PostingRefusal(StrEnum):
    LOCKED = "locked"
    HIDDEN = "hidden"
    SUSPENDED = "suspended"


def body_problem(text: str | None, limit: int = MAX_BODY) -> TextProblem | None:
    """A post or message body: something to read, of a sensible length."""
    if not text or not text.strip():
        return TextProblem.EMPTY
    if len(text) > limit:
        return TextProblem.TOO_LONG
    return None


def title_problem(text: str | None) -> TextProblem | None:
    """A thread title or a conversation subject, shown in lists and in the tab."""
    problem = body_problem(text, MAX_TITLE)
    if problem:
        return problem
    if any(ch in INVISIBLE for ch in text):
        return TextProblem.INVISIBLE
    return None


def without_invisible(text: str) -> str:
    return "".join(ch for ch in text if ch not in INVISIBLE)


def name_problem(name: str | None) -> NameProblem | None:
    """A display name: 3 to 30 letters, digits, '_', '.' or '-', starting with a letter
    or digit; nothing invisible."""
    name = name or ""
    if len(name) < MIN_NAME:
        return NameProblem.TOO_SHORT
    if len(name) > MAX_NAME:
        return NameProblem.TOO_LONG
    if any(ch in INVISIBLE for ch in name) or not NAME.match(name):
        return NameProblem.CHARACTERS
    return None


def name_key(name: str) -> str:
    """What makes two names the same name: case and compatibility forms ignored."""
    return unicodedata.normalize("NFKC", name).casefold()


def default_name(full_name: str, user_id: int) -> str:
    """A first display name from the member's full name (which the forum never shows):
    its first word in plain letters and digits, and the member number, so it is unique."""
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_name)
    first = (words[0] if words else "member")[: MAX_NAME - 8]
    return f"{first}-{user_id}"


def posting_refusal(
    *, locked: bool, hidden: bool, suspended_until: datetime | None, now: datetime
) -> PostingRefusal | None:
    """Why a reply to a thread cannot be written now, if it cannot."""
    if suspended_until is not None and suspended_until > now:
        return PostingRefusal.SUSPENDED
    if hidden:
        return PostingRefusal.HIDDEN
    if locked:
        return PostingRefusal.LOCKED
    return None


def may_edit(*, created_at: datetime, now: datetime, deleted: bool, hidden: bool) -> bool:
    """Its author may edit a post for 30 minutes after writing it, unless it is gone."""
    return not deleted and not hidden and now - created_at <= EDIT_WINDOW


_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def page_number(value: str | None, default: int = 1) -> int:
    """A page (or id) number from a query string: plain ASCII digits, or `default`
    ("²" and "١٢" are digits to Python, not to us)."""
    return int(value) if value and _NUMBER.fullmatch(value) else default


def page_count(post_count: int, per_page: int = POSTS_PER_PAGE) -> int:
    return max(1, -(-post_count // per_page))


def page_of(position: int, per_page: int = POSTS_PER_PAGE) -> int:
    return (position - 1) // per_page + 1


def positions(page: int, per_page: int = POSTS_PER_PAGE) -> tuple[int, int]:
    """The first and last positions on `page` (1-based)."""
    first = (page - 1) * per_page + 1
    return first, first + per_page - 1


def quote(author: str, body: str) -> str:
    """A post quoted at the start of a reply, in Markdown."""
    lines = [f"> {line}" if line else ">" for line in body.strip().splitlines()]
    return f"> **@{author}**\n>\n" + "\n".join(lines) + "\n\n"


def first_unread(
    *,
    post_count: int,
    read_position: int,
    last_post_at: datetime,
    read_all_at: datetime | None,
) -> int | None:
    """The position of the first post the member has not read, or None when they have
    read it all (or marked everything read since its last post)."""
    if read_all_at is not None and last_post_at <= read_all_at:
        return None
    return read_position + 1 if post_count > read_position else None


def may_start_conversation(started_last_hour: int, limit: int) -> bool:
    """A member starts at most `limit` conversations an hour: enough to talk, too few
    to send the same message to everyone."""
    return started_last_hour < limit
