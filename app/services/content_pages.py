"""Long help and policy pages kept as one Markdown file per language in app/content/pages.

`{{ name }}` placeholders are filled from the settings (company, mediator, contact
details); an unknown placeholder is an error, so a typo cannot reach a visitor."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app

from app.services.markdown import RenderedDocument, render_document

PAGES_DIR = Path(__file__).resolve().parent.parent / "content" / "pages"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


@dataclass(frozen=True)
class ContentPage:
    title: str
    document: RenderedDocument


def placeholders() -> dict[str, str]:
    config = current_app.config
    return {
        "platform_name": config["PLATFORM_NAME"],
        "support_email": config["SUPPORT_EMAIL"],
        "company_name": config["LEGAL_COMPANY_NAME"],
        "company_address": config["LEGAL_ADDRESS"],
        "company_phone": config["LEGAL_PHONE"],
        "legal_email": config["LEGAL_EMAIL"],
        "host_name": config["LEGAL_HOST_NAME"],
        "mediator_name": config["MEDIATOR_NAME"],
        "mediator_address": config["MEDIATOR_ADDRESS"],
        "mediator_website": config["MEDIATOR_WEBSITE"],
    }


@cache
def _source(name: str, locale: str) -> str:
    return (PAGES_DIR / f"{name}.{locale}.md").read_text(encoding="utf-8")


def fill(text: str, values: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        return values[match.group(1)]  # KeyError on an unknown placeholder

    return PLACEHOLDER.sub(replace, text)


def load(name: str, locale: str) -> ContentPage:
    """The page's first line is `# Title`; the rest is the body."""
    text = fill(_source(name, locale), placeholders())
    first, _, body = text.partition("\n")
    if not first.startswith("# "):
        raise ValueError(f"{name}.{locale}.md must start with '# Title'")
    return ContentPage(first[2:].strip(), render_document(body))
