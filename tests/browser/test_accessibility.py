"""Every page, in both languages: no axe-core WCAG 2.2 AA violation, and valid HTML
according to the Nu HTML Checker (vnu)."""

import pytest

from tests.browser.checks import axe_violations, describe, vnu_errors, vnu_report
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.pages import LOCALES, PAGES, SUBMITS, fill_before_submit

CASES = [
    pytest.param(entry, locale, id=f"{entry.id}-{locale}") for entry in PAGES for locale in LOCALES
]


@pytest.mark.parametrize(("entry", "locale"), CASES)
def test_axe_finds_no_violation(axe_script, open_page, entry, locale):
    # bypass_csp: the page's CSP (script-src 'self') would block the injected axe script.
    page, _ = open_page(entry, locale, bypass_csp=True)
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)


# --- Nu HTML Checker -------------------------------------------------------------------


def file_name(entry, locale) -> str:
    return f"{entry.id.strip('/').replace('/', '_') or 'home'}-{locale}.html"


def raw_html(context, entry, locale) -> str:
    """The HTML exactly as the server sent it. JavaScript is off, so a submitted form
    posts normally and the answer is a whole page."""
    if entry.action in SUBMITS:
        page = context.new_page()
        try:
            page.goto(entry.url_in(locale))
            fill_before_submit(page, entry)
            with page.expect_response(lambda r: r.request.method == "POST") as answer:
                page.click("main form button[type=submit]")
            response = answer.value
            status, body = response.status, response.text()
        finally:
            page.close()
    else:
        response = context.request.get(entry.url_in(locale), max_redirects=0)
        status, body = response.status, response.text()
    assert status == entry.status, f"{entry.id}: status {status}, expected {entry.status}"
    return body


@pytest.fixture(scope="session")
def vnu_page_errors(
    browser,
    live_server,
    learner_states,
    staff_states,
    subscriber_states,
    vnu_command,
    tmp_path_factory,
):
    """Run the checker once over every page; its messages of type error by file name."""
    folder = tmp_path_factory.mktemp("vnu")
    files = []
    states = {
        "anonymous": None,
        "learner": learner_states,
        "staff": staff_states,
        "subscriber": subscriber_states,
    }
    for locale in LOCALES:
        for who, who_states in states.items():
            context = browser.new_context(
                base_url=live_server.url,
                java_script_enabled=False,
                locale="fr-FR" if locale == "fr" else "en-US",
                storage_state=who_states[locale] if who_states else None,
            )
            context.set_default_timeout(TIMEOUT_MS)
            try:
                for entry in PAGES:
                    if entry.who == who:
                        path = folder / file_name(entry, locale)
                        path.write_text(raw_html(context, entry, locale), encoding="utf-8")
                        files.append(path)
            finally:
                context.close()
    assert len(files) == len(CASES)
    return vnu_errors(vnu_command, files)


@pytest.mark.parametrize(("entry", "locale"), CASES)
def test_html_is_valid(vnu_page_errors, entry, locale):
    errors = vnu_page_errors.get(file_name(entry, locale), [])
    assert not errors, vnu_report(errors)
