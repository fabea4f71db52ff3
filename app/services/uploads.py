"""Files attached to assignment work: checked (app.domain.uploads), kept in the upload
folder under a random name, and given back only through the download route.

The learner's name for a file never reaches the file system: it is cleaned for showing
(werkzeug's secure_filename, then a length limit) and the bytes go to a name made of
random hex digits, opened exclusively inside the folder. A file is written within the
request's transaction; if that transaction is rolled back, the files it wrote are
deleted again, so that no file is kept without its row."""

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from app.access import Feature, Record, can
from app.domain import uploads
from app.domain.errors import DomainError
from app.domain.file_size import file_size
from app.extensions import db
from app.models import Assessment, AssessmentOffer, Submission, SubmissionFile

_WRITTEN = "atelier.written_files"

# How a kind is named to peers (who do not see the file's name).
KIND_LABELS = {
    uploads.FileKind.PDF: _l("PDF"),
    uploads.FileKind.PNG: _l("PNG image"),
    uploads.FileKind.JPEG: _l("JPEG image"),
    uploads.FileKind.TEXT: _l("plain text"),
    uploads.FileKind.MARKDOWN: _l("Markdown"),
    uploads.FileKind.ZIP: _l("ZIP archive"),
}


@dataclass(frozen=True)
class Upload:
    """A checked file, not stored yet."""

    display_name: str
    kind: uploads.FileKind
    data: bytes


def max_bytes() -> int:
    return current_app.config["ASSIGNMENT_MAX_FILE_BYTES"]


def too_big_message() -> str:
    return _("The file must be %(size)s or smaller.", size=file_size(max_bytes(), _locale()))


def _locale() -> str:
    return str(get_locale() or "en")


def _message(problem: uploads.UploadProblem):
    return {
        uploads.UploadProblem.EMPTY: _l("The file you chose is empty."),
        uploads.UploadProblem.TOO_BIG: too_big_message(),
        uploads.UploadProblem.TYPE: _l(
            "Choose a PDF, PNG, JPEG, plain text (.txt), Markdown (.md) or ZIP file."
        ),
        uploads.UploadProblem.SVG: _l(
            "SVG images are not accepted, as they can carry a script: export your image as PNG or PDF."
        ),
        uploads.UploadProblem.MISMATCH: _l(
            "The content of this file is not what its name says: choose a real PDF, PNG, JPEG, text, Markdown or ZIP file."
        ),
    }[problem]


def read(stream) -> bytes:
    """At most one byte more than the limit: enough to know the file is too big."""
    return stream.read(max_bytes() + 1)


def display_name(raw: str) -> str:
    """The learner's name for the file, fit to show: no folders, no characters but
    letters, digits, '.', '-' and '_', at most uploads.MAX_NAME long."""
    extension = uploads.extension_of(raw)
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    return uploads.shown_name(secure_filename(base), extension)


def check(raw_name: str, data: bytes) -> Upload:
    """The file as it will be kept, or a DomainError on the `file` field."""
    found = uploads.check(raw_name or "", data, max_bytes())
    if isinstance(found, uploads.UploadProblem):
        raise DomainError("file", _message(found))
    return Upload(display_name(raw_name), found, data)


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]).resolve()


def path_of(stored: SubmissionFile) -> Path:
    """Where a stored file's bytes are; never outside the folder, whatever the row says."""
    base = folder()
    path = (base / stored.stored_name).resolve()
    if path.parent != base:
        raise ValueError("a stored name must be a plain name inside the upload folder")
    return path


def store(session: Session, submission_id: int, upload: Upload) -> SubmissionFile:
    base = folder()
    base.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = base / stored_name
    # "x": never over another file (the name is random; this makes it certain).
    with open(path, "xb") as out:
        out.write(upload.data)
    session.info.setdefault(_WRITTEN, []).append(path)
    made = SubmissionFile(
        submission_id=submission_id,
        display_name=upload.display_name,
        stored_name=stored_name,
        kind=upload.kind.value,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
    )
    session.add(made)
    return made


def file_for(user, file_id: int) -> tuple[SubmissionFile, bool] | None:
    """A submission's file and whether it goes out anonymously, for whoever may have it:
    its author and staff (Record.VIEW), and the peers it was shown to for assessment
    while they may do exercises (anonymously); None for everyone else."""
    found = db.session.get(SubmissionFile, file_id)
    if found is None:
        return None
    submission = db.session.get(Submission, found.submission_id)
    if can(user, Record.VIEW, submission):
        return found, False
    if not can(user, Feature.EXERCISES):
        return None
    shown = db.session.scalar(
        select(AssessmentOffer.id).where(
            AssessmentOffer.submission_id == submission.id,
            AssessmentOffer.assessor_id == user.id,
        )
    ) or db.session.scalar(
        select(Assessment.id).where(
            Assessment.submission_id == submission.id, Assessment.assessor_id == user.id
        )
    )
    return (found, True) if shown else None


def download_name(stored: SubmissionFile, anonymous: bool) -> str:
    """The author's (cleaned) name for their file and staff; for peers a neutral one,
    since a file's name often holds its author's."""
    if not anonymous:
        return stored.display_name
    kind = uploads.KINDS[uploads.FileKind(stored.kind)]
    return f"submission-{stored.submission_id}-{stored.id}.{kind.extension}"


def content_type(stored: SubmissionFile) -> str:
    return uploads.KINDS[uploads.FileKind(stored.kind)].content_type


# Both events fire for savepoints too: only the outermost transaction's end decides.
@event.listens_for(Session, "after_commit")
def _kept(session: Session) -> None:
    if not session.in_transaction():
        session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_soft_rollback")
def _undo(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        for path in session.info.pop(_WRITTEN, ()):
            path.unlink(missing_ok=True)
