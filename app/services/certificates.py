"""Certificates of Achievement: issued once when a course's graded exercises are all
passed, rendered once per language to a tagged PDF (PDF/UA-1, as the legal documents
are, app.services.legal_documents) and kept, verified by anyone at /certificates/<code>,
revoked by staff with a reason."""

import hashlib
from datetime import datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.access import Feature, can
from app.domain import certificates as rules
from app.domain.errors import DomainError
from app.extensions import db
from app.models import Certificate, CertificatePdf, Course
from app.services import learning

MAX_REASON = 2000


def public_url(certificate: Certificate) -> str:
    """Works without a request (PDFs rendered by a command)."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/certificates/{certificate.code}"


def issue_if_earned(user, course: Course, now: datetime) -> Certificate | None:
    """Called after each attempt: the certificate, new or already issued, or None."""
    if not can(user, Feature.CERTIFICATES):
        return None
    graded = [e.id for e in course.exercises if e.is_open]
    if not graded:
        return None
    best = learning.best_grades(user, graded)
    if not rules.eligible(graded, best, course.passing_grade):
        return None
    existing = _of(user, course)
    if existing is not None:
        return existing  # issued once: a better grade later changes nothing
    certificate = Certificate(
        code=_free_code(),
        user_id=user.id,
        course_id=course.id,
        learner_name=user.name,
        course_title_en=course.title_en,
        course_title_fr=course.title_fr,
        grade=rules.grade(graded, best),
        issued_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:  # earned in two requests at once
        return _of(user, course)
    return certificate


def _of(user, course: Course) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user.id, Certificate.course_id == course.id
        )
    )


def _free_code() -> str:
    while True:
        code = rules.new_code()
        if db.session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code


def by_code(text: str) -> Certificate | None:
    code = rules.clean_code(text)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def of_user(user) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def own(user, code: str) -> Certificate | None:
    found = by_code(code)
    return found if found is not None and found.user_id == user.id else None


def recent(limit: int = 50) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
            .limit(limit)
        )
    )


def revoke(certificate: Certificate, staff, reason: str, now: datetime) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason", "required")
    if len(reason) > MAX_REASON:
        raise DomainError("reason", "too_long")
    if certificate.revoked_at is not None:
        raise DomainError(None, "already_revoked")
    certificate.revoked_at = now
    certificate.revoked_reason = reason
    certificate.revoked_by_id = staff.id


def title(certificate: Certificate, locale: str) -> str:
    return certificate.course_title_fr if locale == "fr" else certificate.course_title_en


def linkedin_url(certificate: Certificate, locale: str) -> str:
    return rules.linkedin_url(
        name=title(certificate, locale),
        organisation=current_app.config["PLATFORM_NAME"],
        issued=certificate.issued_at.date(),
        url=public_url(certificate),
        code=certificate.code,
    )


# --- PDF -------------------------------------------------------------------------------

TEMPLATE = "learning/certificate_pdf.html"
PRINTED = ("PLATFORM_NAME", "PUBLIC_URL", "PLATFORM_TIMEZONE")


def render_key(locale: str) -> str:
    """What a certificate's PDF is made from besides its row: template, translations,
    printed settings, renderer. A PDF kept under another key is rendered again."""
    app = current_app._get_current_object()
    keys = app.extensions.setdefault("certificate_pdf_render_keys", {})
    if locale not in keys:
        import weasyprint

        digest = hashlib.sha256()
        source, _name, _uptodate = app.jinja_env.loader.get_source(app.jinja_env, TEMPLATE)
        digest.update(source.encode())
        compiled = Path(app.root_path) / "translations" / locale / "LC_MESSAGES" / "messages.mo"
        if compiled.exists():
            digest.update(compiled.read_bytes())
        printed = {name: app.config.get(name) for name in PRINTED}
        digest.update(repr((printed, weasyprint.__version__)).encode())
        keys[locale] = digest.hexdigest()[:32]
    return keys[locale]


def render_pdf(certificate: Certificate, locale: str) -> bytes:
    from weasyprint import HTML

    base_url = current_app.config["PUBLIC_URL"].rstrip("/") + "/"
    with current_app.test_request_context(base_url=base_url), force_locale(locale):
        html = render_template(
            TEMPLATE,
            certificate=certificate,
            locale=locale,
            course_title=title(certificate, locale),
            code=rules.display_code(certificate.code),
            url=public_url(certificate),
        )
    return HTML(string=html, base_url=base_url, url_fetcher=_refuse_fetch).write_pdf(
        pdf_variant="pdf/ua-1"
    )


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"the PDF renderer fetches nothing ({url})")


def pdf_for(certificate: Certificate, locale: str) -> CertificatePdf:
    """The kept PDF, rendered on first need (and again when what renders it changed)."""
    key = render_key(locale)
    kept = db.session.scalar(
        select(CertificatePdf).where(
            CertificatePdf.certificate_id == certificate.id, CertificatePdf.locale == locale
        )
    )
    if kept is not None and kept.render_key == key:
        return kept
    data = render_pdf(certificate, locale)
    if kept is not None:
        kept.data, kept.render_key = data, key
        return kept
    pdf = CertificatePdf(certificate_id=certificate.id, locale=locale, render_key=key, data=data)
    try:
        with db.session.begin_nested():
            db.session.add(pdf)
    except IntegrityError:  # rendered by another request meanwhile
        return db.session.scalar(
            select(CertificatePdf).where(
                CertificatePdf.certificate_id == certificate.id, CertificatePdf.locale == locale
            )
        )
    return pdf
