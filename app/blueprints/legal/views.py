import re

from flask import abort, current_app, make_response, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.blueprints.legal import bp
from app.blueprints.legal.forms import ACCESSIBLE_FORMATS, AccessibleFormatForm, ContactForm
from app.extensions import limiter
from app.models import DocumentKind, InquiryKind, PdfVariant
from app.services import content_pages, inquiries
from app.services import legal_documents as documents
from app.services.markdown import render_document
from app.web.forms import keeps_text_when_the_session_ends
from app.web.http_caching import public_page
from app.web.rendering import redirect_to, render

KIND_NAMES = {
    DocumentKind.TERMS: _l("Terms of Service"),
    DocumentKind.CODE_OF_CONDUCT: _l("Student Code of Conduct"),
}
CONTENT_PAGES = {
    "privacy": "/privacy",
    "security": "/security",
    "accessibility": "/accessibility",
    "mediation": "/mediation",
    "read-aloud": "/help/read-aloud",
}
LAST_REFERENCE = "last_inquiry_reference"
# A published PDF never changes: caches may keep it for a day.
PDF_MAX_AGE = 86400


def _locale() -> str:
    return str(get_locale() or "en")


def _limit(name: str):
    return lambda: current_app.config[name]


@bp.app_context_processor
def legal_helpers() -> dict:
    return {
        "document_title": documents.document_title,
        "public_path": documents.public_path,
        "kind_names": KIND_NAMES,
    }


# --- Terms of Service and Code of Conduct -------------------------------------------


def _version_or_404(kind: DocumentKind, label: str | None):
    version = documents.current(kind) if label is None else documents.find(kind, label)
    if version is None:
        abort(404)
    return version


@public_page(documents.published_state)
def show_document(kind: str, label: str | None = None):
    kind = DocumentKind(kind)
    version = _version_or_404(kind, label)
    locale = _locale()
    other_locale = "fr" if locale == "en" else "en"
    latest = documents.current(kind)
    return render(
        "legal/document.html",
        "main",
        kind=kind,
        version=version,
        is_current=latest is not None and latest.id == version.id,
        latest=latest,
        document=render_document(version.body(locale)),
        sizes=documents.pdf_sizes(version, locale),
        other_locale=other_locale,
        other_sizes=documents.pdf_sizes(version, other_locale),
    )


@public_page(documents.published_state)
def list_versions(kind: str):
    kind = DocumentKind(kind)
    return render("legal/versions.html", "main", kind=kind, versions=documents.versions(kind))


def _pdf_response(kind: str, label: str, variant: PdfVariant):
    kind = DocumentKind(kind)
    version = _version_or_404(kind, label)
    locale = request.args.get("lang")
    if locale not in current_app.config["LANGUAGES"]:
        locale = _locale()
    pdf = documents.pdf_for(version, locale, variant)
    suffix = "-large-print" if variant is PdfVariant.LARGE_PRINT else ""
    filename = re.sub(
        r"[^A-Za-z0-9.-]", "-", f"{documents.KIND_PATHS[kind]}-{version.label}-{locale}{suffix}"
    )
    response = make_response(pdf.data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    response.headers["Content-Length"] = str(pdf.size)
    return response


@public_page(documents.published_state, max_age=PDF_MAX_AGE)
def download_pdf(kind: str, label: str):
    return _pdf_response(kind, label, PdfVariant.STANDARD)


@public_page(documents.published_state, max_age=PDF_MAX_AGE)
def download_large_print(kind: str, label: str):
    return _pdf_response(kind, label, PdfVariant.LARGE_PRINT)


for _kind, _prefix in documents.KIND_PATHS.items():
    _defaults = {"kind": _kind.value}
    bp.add_url_rule(f"/{_prefix}", "document", show_document, defaults=_defaults)
    bp.add_url_rule(f"/{_prefix}/versions", "document_versions", list_versions, defaults=_defaults)
    bp.add_url_rule(f"/{_prefix}/<label>", "document_version", show_document, defaults=_defaults)
    bp.add_url_rule(f"/{_prefix}/<label>.pdf", "document_pdf", download_pdf, defaults=_defaults)
    bp.add_url_rule(
        f"/{_prefix}/<label>/large-print.pdf",
        "document_large_print",
        download_large_print,
        defaults=_defaults,
    )


@bp.route("/accessible-format", methods=["GET", "POST"])
@keeps_text_when_the_session_ends
@limiter.limit(_limit("RATELIMIT_CONTACT"), methods=["POST"])
def accessible_format():
    form = AccessibleFormatForm()
    if request.method == "GET":
        _prefill(form)
        wanted = request.args.get("document")
        if wanted in {k.value for k in DocumentKind}:
            form.document.data = wanted
    if form.validate_on_submit():
        kind = DocumentKind(form.document.data)
        version = documents.current(kind)
        format_label = dict(ACCESSIBLE_FORMATS)[form.format.data]
        message = f"{KIND_NAMES[kind]} — {format_label}"
        if form.details.data:
            message += "\n\n" + form.details.data
        inquiry = inquiries.submit(
            inquiries.NewInquiry(
                kind=InquiryKind.ACCESSIBLE_FORMAT,
                topic=form.format.data,
                name=form.name.data,
                email=form.email.data,
                message=message,
                locale=_locale(),
                subject_ref=f"{kind.value}:{version.label}" if version else kind.value,
                user_id=current_user.id if current_user.is_authenticated else None,
            )
        )
        session[LAST_REFERENCE] = inquiry.reference
        return redirect_to(url_for("legal.request_received"))
    status = 422 if form.errors else 200
    return render("legal/accessible_format.html", "form", form=form, status=status)


# --- Contact Student Success ---------------------------------------------------------


def _prefill(form) -> None:
    if current_user.is_authenticated:
        form.name.data = form.name.data or current_user.name
        form.email.data = form.email.data or current_user.email


@bp.route("/contact", methods=["GET", "POST"])
@keeps_text_when_the_session_ends
@limiter.limit(_limit("RATELIMIT_CONTACT"), methods=["POST"])
def contact():
    form = ContactForm()
    if request.method == "GET":
        _prefill(form)
    if form.validate_on_submit():
        inquiry = inquiries.submit(
            inquiries.NewInquiry(
                kind=InquiryKind.CONTACT,
                topic=form.topic.data,
                name=form.name.data,
                email=form.email.data,
                message=form.message.data,
                order_reference=form.order_reference.data,
                locale=_locale(),
                user_id=current_user.id if current_user.is_authenticated else None,
            )
        )
        session[LAST_REFERENCE] = inquiry.reference
        return redirect_to(url_for("legal.request_received"))
    status = 422 if form.errors else 200
    return render("legal/contact.html", "form", form=form, status=status)


@bp.route("/contact/received")
def request_received():
    reference = session.get(LAST_REFERENCE)
    if reference is None:
        return redirect(url_for("legal.contact"))
    return render("legal/received.html", "main", reference=reference)


# --- Information pages ------------------------------------------------------------


# The information and help pages are made of templates, content files and settings
# only: the build id in their ETag covers them.


@bp.route("/legal-information")
@public_page()
def legal_information():
    return render("legal/legal_information.html", "main")


@public_page()
def content_page(name: str):
    page = content_pages.load(name, _locale())
    return render("legal/content_page.html", "main", page=page, name=name)


for _name, _path in CONTENT_PAGES.items():
    bp.add_url_rule(
        _path, f"page_{_name.replace('-', '_')}", content_page, defaults={"name": _name}
    )


@bp.route("/help/browsers")
@public_page()
def browser_support():
    return render("legal/browser_support.html", "main")
