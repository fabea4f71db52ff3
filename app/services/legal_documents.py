"""Versioned legal documents: publish, look up, render to tagged PDF once and serve the
cached bytes. Publishing always adds a new version; a published one never changes."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.domain.errors import DomainError
from app.extensions import db
from app.models import DocumentKind, DocumentPdf, DocumentVersion, PdfVariant, User
from app.services import pdf
from app.services.markdown import render_document

CONTENT = Path(__file__).resolve().parent.parent / "content"
LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
RESERVED_LABELS = frozenset({"versions", "current", "new"})
LOCALES = ("en", "fr")
MAX_BODY = 200_000
MAX_SUMMARY = 2_000


@dataclass(frozen=True)
class NewVersion:
    kind: DocumentKind
    label: str
    body_en: str
    body_fr: str
    change_summary_en: str
    change_summary_fr: str
    material: bool = False


def validate(new: NewVersion) -> list[DomainError]:
    """Every problem with a version about to be published (empty when it can be)."""
    problems = []
    label = new.label.strip()
    if not LABEL.match(label) or label.lower() in RESERVED_LABELS:
        problems.append(DomainError("label", "label_format"))
    elif find(new.kind, label) is not None:
        problems.append(DomainError("label", "label_taken"))
    for name in ("body_en", "body_fr", "change_summary_en", "change_summary_fr"):
        value = getattr(new, name).strip()
        limit = MAX_BODY if name.startswith("body") else MAX_SUMMARY
        if not value:
            problems.append(DomainError(name, "required"))
        elif len(value) > limit:
            problems.append(DomainError(name, "too_long"))
    return problems


def publish(new: NewVersion, author: User | None = None, *, render_pdfs: bool = True):
    """Add a published version. Existing versions are never touched."""
    problems = validate(new)
    if problems:
        raise problems[0]
    version = DocumentVersion(
        kind=new.kind,
        label=new.label.strip(),
        body_en=new.body_en.strip() + "\n",
        body_fr=new.body_fr.strip() + "\n",
        change_summary_en=new.change_summary_en.strip(),
        change_summary_fr=new.change_summary_fr.strip(),
        material=new.material,
        created_by=author,
    )
    try:
        with db.session.begin_nested():
            db.session.add(version)
    except IntegrityError as error:  # the same label published at the same moment
        raise DomainError("label", "label_taken") from error
    if render_pdfs:
        # Rendered now so that the download is instant and its size can be shown.
        for locale in LOCALES:
            for variant in PdfVariant:
                pdf_for(version, locale, variant)
    return version


def published_state() -> tuple:
    """What the legal pages show from the database, in one cheap read: versions and
    rendered PDFs are only ever added, so their highest ids change exactly when a
    version is published or a PDF rendered (the version pages show the PDFs' sizes)."""
    return tuple(
        db.session.execute(
            select(
                select(func.max(DocumentVersion.id)).scalar_subquery(),
                select(func.max(DocumentPdf.id)).scalar_subquery(),
            )
        ).one()
    )


def versions(kind: DocumentKind) -> list[DocumentVersion]:
    query = (
        select(DocumentVersion)
        .where(DocumentVersion.kind == kind)
        .order_by(DocumentVersion.published_at.desc(), DocumentVersion.id.desc())
    )
    return list(db.session.scalars(query))


def current(kind: DocumentKind) -> DocumentVersion | None:
    found = versions(kind)
    return found[0] if found else None


def find(kind: DocumentKind, label: str) -> DocumentVersion | None:
    return db.session.scalar(
        select(DocumentVersion).where(DocumentVersion.kind == kind, DocumentVersion.label == label)
    )


# --- PDF -------------------------------------------------------------------------


def render_pdf(version: DocumentVersion, locale: str, variant: PdfVariant) -> bytes:
    """Render a tagged PDF (PDF/UA-1): title, language, structure, embedded fonts."""
    return pdf.render(
        "legal/document_pdf.html",
        locale,
        version=version,
        document=render_document(version.body(locale)),
        large_print=variant is PdfVariant.LARGE_PRINT,
    )


KIND_PATHS = {DocumentKind.TERMS: "terms", DocumentKind.CODE_OF_CONDUCT: "code-of-conduct"}


def public_path(version: DocumentVersion) -> str:
    """The version's page on the site (works without a request, for PDFs rendered by CLI)."""
    return f"/{KIND_PATHS[version.kind]}/{version.label}"


def document_title(kind: DocumentKind, locale: str, label: str) -> str:
    from flask_babel import gettext as _

    with force_locale(locale):
        name = _("Terms of Service") if kind is DocumentKind.TERMS else _("Student Code of Conduct")
        return _("%(name)s, version %(label)s", name=name, label=label)


def render_key(locale: str) -> str:
    """What a PDF is rendered from besides its version's text: the template, the
    language's compiled translations, the settings it prints and the renderer. A PDF
    kept under another key is stale (a fixed translation, a new template) and is
    rendered again."""
    app = current_app._get_current_object()
    keys = app.extensions.setdefault("legal_pdf_render_keys", {})
    if locale not in keys:
        import weasyprint

        digest = hashlib.sha256()
        source, _filename, _uptodate = app.jinja_env.loader.get_source(
            app.jinja_env, "legal/document_pdf.html"
        )
        digest.update(source.encode())
        compiled = Path(app.root_path) / "translations" / locale / "LC_MESSAGES" / "messages.mo"
        if compiled.exists():
            digest.update(compiled.read_bytes())
        printed = {name: app.config.get(name) for name in sorted(app.config) if name in PRINTED}
        digest.update(repr((printed, weasyprint.__version__)).encode())
        keys[locale] = digest.hexdigest()[:32]
    return keys[locale]


# Settings a PDF prints (the site's name, its address, the company's details).
PRINTED = {"PLATFORM_NAME", "PUBLIC_URL", "LEGAL_COMPANY_NAME", "LEGAL_ADDRESS", "SUPPORT_EMAIL"}


def pdf_for(version: DocumentVersion, locale: str, variant: PdfVariant) -> DocumentPdf:
    """The cached PDF, rendered on first need and again when what renders it changed
    (render_key). Two processes racing both render, one wins."""
    cached = cached_pdf(version, locale, variant)
    if cached is not None:
        return cached
    key = render_key(locale)
    data = render_pdf(version, locale, variant)
    pdf = DocumentPdf(
        version_id=version.id,
        locale=locale,
        variant=variant,
        size=len(data),
        data=data,
        render_key=key,
    )
    try:
        with db.session.begin_nested():
            # A stale one goes: a new row (a new id) tells the pages' ETags it changed.
            db.session.execute(
                delete(DocumentPdf).where(
                    DocumentPdf.version_id == version.id,
                    DocumentPdf.locale == locale,
                    DocumentPdf.variant == variant,
                )
            )
            db.session.add(pdf)
    except IntegrityError:
        return cached_pdf(version, locale, variant)
    return pdf


def cached_pdf(version: DocumentVersion, locale: str, variant: PdfVariant) -> DocumentPdf | None:
    return db.session.scalar(
        select(DocumentPdf).where(
            DocumentPdf.version_id == version.id,
            DocumentPdf.locale == locale,
            DocumentPdf.variant == variant,
            DocumentPdf.render_key == render_key(locale),
        )
    )


def pdf_sizes(version: DocumentVersion, locale: str) -> dict[PdfVariant, int]:
    """Sizes of the current PDFs already rendered (without loading their bytes)."""
    rows = db.session.execute(
        select(DocumentPdf.variant, DocumentPdf.size).where(
            DocumentPdf.version_id == version.id,
            DocumentPdf.locale == locale,
            DocumentPdf.render_key == render_key(locale),
        )
    )
    return {variant: size for variant, size in rows}


# --- The first versions ----------------------------------------------------------

SEED = {
    DocumentKind.TERMS: "terms-v1",
    DocumentKind.CODE_OF_CONDUCT: "code-of-conduct-v1",
}
SEED_LABEL = "2026-11"
SEED_SUMMARY = {
    "en": "First version.",
    "fr": "Première version.",
}


def seed_text(name: str, locale: str) -> str:
    return (CONTENT / "legal" / f"{name}.{locale}.md").read_text(encoding="utf-8")


def seed(*, render_pdfs: bool = True) -> list[DocumentVersion]:
    """Publish version 1 of each document unless that kind has a version already."""
    created = []
    for kind, name in SEED.items():
        if current(kind) is not None:
            continue
        created.append(
            publish(
                NewVersion(
                    kind=kind,
                    label=SEED_LABEL,
                    body_en=seed_text(name, "en"),
                    body_fr=seed_text(name, "fr"),
                    change_summary_en=SEED_SUMMARY["en"],
                    change_summary_fr=SEED_SUMMARY["fr"],
                ),
                render_pdfs=render_pdfs,
            )
        )
    return created
