"""Tagged PDFs (PDF/UA-1: title, language, structure, embedded fonts) rendered with
WeasyPrint from a template, for the legal documents and the invoices."""

from flask import current_app, render_template
from flask_babel import force_locale


def render(template: str, locale: str, **context) -> bytes:
    """Render `template` in `locale` to a PDF/UA-1 document. A request context of its own:
    the same bytes whether rendered by a view, a job or the CLI."""
    from weasyprint import HTML

    base_url = current_app.config["PUBLIC_URL"].rstrip("/") + "/"
    with current_app.test_request_context(base_url=base_url), force_locale(locale):
        html = render_template(template, locale=locale, **context)
    # Relative links become links to the public site; nothing is fetched.
    return HTML(string=html, base_url=base_url, url_fetcher=_refuse_fetch).write_pdf(
        pdf_variant="pdf/ua-1"
    )


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"the PDF renderer fetches nothing ({url})")
