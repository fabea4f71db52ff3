import re

from flask import abort, current_app, flash, make_response, redirect, request, session, url_for
from flask_babel import force_locale, get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.blueprints.account.premium_labels import ASK_REFUSALS
from app.blueprints.legal import bp
from app.blueprints.legal.forms import ACCESSIBLE_FORMATS, AccessibleFormatForm, ContactForm
from app.domain.errors import DomainError
from app.domain.file_size import file_size
from app.extensions import limiter
from app.models import DocumentKind, InquiryKind, PdfVariant
from app.services import content_pages, contract_requests, inquiries
from app.services import legal_documents as documents
from app.services.markdown import render_document
from app.web.forms import keeps_text_when_the_session_ends, populate_errors, select_choices
from app.web.http_caching import public_page
from app.web.rendering import redirect_to, render
from app.web.templating import pick

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
    latest = documents.current(kind)
    return render(
        "legal/document.html",
        "main",
        kind=kind,
        version=version,
        is_current=latest is not None and latest.id == version.id,
        latest=latest,
        document=render_document(version.body(locale)),
        downloads=_downloads(kind, version, locale),
    )


def _downloads(kind: DocumentKind, version, locale: str) -> list[dict]:
    """Every language's files, on every language's page: the visitor's language first,
    each file described in its own language (so that a French reader on the English page
    finds the French large print)."""
    languages = [locale, *(other for other in current_app.config["LANGUAGES"] if other != locale)]
    found = []
    for language in languages:
        sizes = documents.pdf_sizes(version, language)
        with force_locale(language):
            found.append(
                {
                    "language": language,
                    "name": LANGUAGE_NAMES[language],
                    "files": [
                        (
                            url_for(endpoint, kind=kind.value, label=version.label, lang=language),
                            str(label),
                            _pdf_format(sizes.get(variant), language),
                        )
                        for endpoint, variant, label in PDF_FILES
                    ],
                }
            )
    return found


# What each file is, said in the file's own language.
PDF_FILES = (
    ("legal.document_pdf", PdfVariant.STANDARD, _l("Standard version")),
    (
        "legal.document_large_print",
        PdfVariant.LARGE_PRINT,
        _l("Large-print version, 18 point, high contrast"),
    ),
)
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def _pdf_format(size: int | None, language: str) -> str:
    if size:
        return gettext("PDF, %(size)s", size=file_size(size, language))
    return gettext("PDF")


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


PATH_CHANGE_ERRORS = {
    "no_path": _l("Select the Learning Path you would like to move to."),
    "not_movable": _l("You cannot move to this Learning Path. Choose one from the list."),
    "same_path": _l("This is the Learning Path you already follow. Choose another one."),
}
PATH_CHANGE_SENT = _l(
    "Your request to change Learning Path has been sent to Student Success. "
    "They will answer in writing, by email."
)


def _plus_subscription():
    """A signed-in Plus subscriber's subscription, for a path change from this form."""
    if not current_user.is_authenticated:
        return None
    return contract_requests.contact_subscription(current_user._get_current_object())


def _ask_path_change(form, subscription):
    """The Premium tab's path-change request; None, with the errors on the form, when it
    cannot be made."""
    user = current_user._get_current_object()
    try:
        contract_requests.ask_path_change_to(
            user, subscription, form.new_path.data or "", form.message.data
        )
    except contract_requests.Refused as error:
        populate_errors(form, DomainError("topic", ASK_REFUSALS[error.refusal]))
        return None
    except DomainError as error:
        errors = [(field, PATH_CHANGE_ERRORS[message]) for field, message in error.errors]
        populate_errors(form, DomainError.of(errors), fallback="new_path")
        return None
    flash(PATH_CHANGE_SENT)
    return redirect_to(url_for("account.premium_tab"))


def _send_inquiry(form):
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


@bp.route("/contact", methods=["GET", "POST"])
@keeps_text_when_the_session_ends
@limiter.limit(_limit("RATELIMIT_CONTACT"), methods=["POST"])
def contact():
    form = ContactForm()
    subscription = _plus_subscription()
    if subscription is not None:
        paths = contract_requests.movable_paths(subscription)
        form.new_path.choices = select_choices(
            [(path.slug, pick(path, "title")[0]) for path in paths],
            gettext("Select a Learning Path"),
        )
    if request.method == "GET":
        _prefill(form)
    if form.validate_on_submit():
        if subscription is not None and form.topic.data == "path_change":
            done = _ask_path_change(form, subscription)
            if done is not None:
                return done
        else:
            return _send_inquiry(form)
    status = 422 if form.errors else 200
    return render(
        "legal/contact.html", "form", form=form, path_change=subscription is not None, status=status
    )


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
