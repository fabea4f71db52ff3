"""Files learners attach to their work (Terms §2.1a, exercises): which kinds are taken,
told from the bytes, never from the name alone.

The name's extension says what the learner means to send; the content must be that
kind (puremagic reads the signature; plain text and Markdown have none, so they must be
UTF-8 without control characters). Both must agree, so a script renamed `.png` is
refused. SVG is refused whatever its name: an SVG image can carry script, and no
sanitizing of it is as safe as not taking it. Nothing here touches the file system: the
file is stored under a random name chosen by the service."""

from dataclasses import dataclass
from enum import StrEnum

import puremagic

from app.domain.text import has_control_characters

# Longest name kept for showing (the extension included).
MAX_NAME = 100


class FileKind(StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    TEXT = "text"
    MARKDOWN = "markdown"
    ZIP = "zip"


@dataclass(frozen=True)
class Kind:
    content_type: str
    # The extension a neutral download name gets (an anonymous peer's copy).
    extension: str
    # The signatures' MIME types puremagic may answer for this kind; none for text.
    signatures: frozenset[str]


KINDS = {
    FileKind.PDF: Kind("application/pdf", "pdf", frozenset({"application/pdf"})),
    FileKind.PNG: Kind("image/png", "png", frozenset({"image/png"})),
    FileKind.JPEG: Kind("image/jpeg", "jpg", frozenset({"image/jpeg"})),
    FileKind.TEXT: Kind("text/plain; charset=utf-8", "txt", frozenset()),
    FileKind.MARKDOWN: Kind("text/markdown; charset=utf-8", "md", frozenset()),
    FileKind.ZIP: Kind("application/zip", "zip", frozenset({"application/zip"})),
}

EXTENSIONS = {
    "pdf": FileKind.PDF,
    "png": FileKind.PNG,
    "jpg": FileKind.JPEG,
    "jpeg": FileKind.JPEG,
    "txt": FileKind.TEXT,
    "md": FileKind.MARKDOWN,
    "markdown": FileKind.MARKDOWN,
    "zip": FileKind.ZIP,
}


class UploadProblem(StrEnum):
    EMPTY = "empty"
    TOO_BIG = "too_big"
    TYPE = "type"  # an extension we do not take
    SVG = "svg"
    MISMATCH = "mismatch"  # the content is not what the name says


def extension_of(name: str) -> str:
    """The lower-case extension of the last part of a path-like name ('' when none);
    both kinds of slash separate parts, whatever the browser's system."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    return extension.lower() if dot and stem.strip(".") else ""


def _signatures(data: bytes) -> set[str]:
    try:
        return {m.mime_type for m in puremagic.magic_string(data) if m.mime_type}
    except puremagic.PureError:
        return set()


def _is_svg(data: bytes, signatures: set[str]) -> bool:
    # An SVG starts with its element, or with an XML prolog or doctype before it.
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    prolog = head.startswith((b"<?xml", b"<!doctype", b"<!--"))
    return "image/svg+xml" in signatures or head.startswith(b"<svg") or (prolog and b"<svg" in head)


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not has_control_characters(text)


def check(name: str, data: bytes, max_bytes: int) -> FileKind | UploadProblem:
    """The kind of an uploaded file, or why it is refused."""
    if not data:
        return UploadProblem.EMPTY
    if len(data) > max_bytes:
        return UploadProblem.TOO_BIG
    extension = extension_of(name)
    signatures = _signatures(data)
    if extension == "svg" or _is_svg(data, signatures):
        return UploadProblem.SVG
    kind = EXTENSIONS.get(extension)
    if kind is None:
        return UploadProblem.TYPE
    expected = KINDS[kind].signatures
    if expected:
        return kind if signatures & expected else UploadProblem.MISMATCH
    # Text: no signature to find, and none of another kind (a PDF named notes.txt).
    return kind if _is_text(data) else UploadProblem.MISMATCH


def shown_name(cleaned: str, extension: str) -> str:
    """A name fit to show and to offer as a download: `cleaned` (already stripped of
    anything but letters, digits, '.', '-' and '_'), shortened to MAX_NAME keeping its
    extension, or 'file.<ext>' when nothing of it was left."""
    stem = cleaned[: -len(extension) - 1] if cleaned.lower().endswith("." + extension) else ""
    stem = stem.strip("._") or "file"
    return f"{stem[: MAX_NAME - len(extension) - 1]}.{extension}"
