"""Following threads, @mentions and the forum settings (Terms §2.1a: interaction with
other subscribers): how a member chooses to hear of new replies, what a signature may
be, and where a post mentions someone."""

import re
from dataclasses import dataclass
from enum import StrEnum

from app.domain.forum import INVISIBLE, MAX_NAME, MIN_NAME

# A line under one's posts, not a second post.
MAX_SIGNATURE = 200
# A post that names more members than this is a mass mailing, not a conversation: only
# the first ones are told (the names still show as mentions).
MAX_MENTIONS = 10


class EmailChoice(StrEnum):
    """How a member hears of a new reply or a mention by email; in-site notifications
    are always made."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    NONE = "none"


class NoticeKind(StrEnum):
    REPLY = "reply"
    MENTION = "mention"


class SignatureProblem(StrEnum):
    TOO_LONG = "too_long"


def clean_signature(text: str | None) -> str:
    """A signature as kept: invisible characters (zero-width, direction overrides)
    removed, the lines joined into one, spaces squeezed. It is shown as plain text."""
    kept = "".join(ch for ch in (text or "") if ch not in INVISIBLE)
    return " ".join(kept.split())


def signature_problem(text: str) -> SignatureProblem | None:
    return SignatureProblem.TOO_LONG if len(text) > MAX_SIGNATURE else None


# "@" then a name as app.domain.forum.NAME allows, not inside a word, an address or a
# path ("ann@example.org", "example.org/@ann" are not mentions).
_MENTION = re.compile(r"(?<![\w.@/\\-])@([^\W_][\w.-]*)")


@dataclass(frozen=True)
class Mention:
    start: int  # the "@"
    end: int
    name: str  # as written, without the "@"


def mentions_in(text: str) -> list[Mention]:
    """The @names of a piece of plain text (the Markdown's text outside code and links:
    app.services.mentions passes only that). A name ending in "." or "-" ends a sentence
    more often than it is a name: those are left off ("thanks @ann." names "ann")."""
    found = []
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip(".-")
        if MIN_NAME <= len(name) <= MAX_NAME:
            start = match.start()
            found.append(Mention(start, start + 1 + len(name), name))
    return found


def to_notify(
    mentioned: list[int], *, author: int, already: set[int], limit: int = MAX_MENTIONS
) -> list[int]:
    """Whom a post's mentions notify: each member once, in the order first mentioned,
    never its author, nor those told already (an edit does not notify again), the
    first `limit` distinct members mentioned at most."""
    distinct = list(dict.fromkeys(m for m in mentioned if m != author))[:limit]
    return [m for m in distinct if m not in already]
