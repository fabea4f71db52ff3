"""Every page, in both languages: no axe-core WCAG 2.2 AA violation, and valid HTML
according to the Nu HTML Checker (vnu)."""

import json
import subprocess

import pytest

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.pages import LOCALES, PAGES

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],  // less work: passes and incomplete are not needed
  });
  return {passed: results.passes.length, violations: results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((node) => node.target.join(" ")),
  }))};
}"""

CASES = [
    pytest.param(entry, locale, id=f"{entry.id}-{locale}") for entry in PAGES for locale in LOCALES
]


def describe(violations) -> str:
    lines = [f"{len(violations)} axe violation(s):"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        lines.extend(f"    {target}" for target in v["targets"])
    return "\n".join(lines)


@pytest.mark.parametrize(("entry", "locale"), CASES)
def test_axe_finds_no_violation(axe_script, open_page, entry, locale):
    # bypass_csp: the page's CSP (script-src 'self') would block the injected axe script.
    page, _ = open_page(entry, locale, bypass_csp=True)
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate(RUN_AXE, AXE_TAGS)
    assert results["passed"] > 0, "axe ran no rule: check the tags"
    assert not results["violations"], describe(results["violations"])


# --- Nu HTML Checker -------------------------------------------------------------------


def file_name(entry, locale) -> str:
    return f"{entry.id.strip('/').replace('/', '_') or 'home'}-{locale}.html"


def raw_html(context, entry) -> str:
    """The HTML exactly as the server sent it. JavaScript is off, so a submitted form
    posts normally and the answer is a whole page."""
    if entry.action == "submit_empty":
        page = context.new_page()
        try:
            page.goto(entry.path)
            with page.expect_response(lambda r: r.request.method == "POST") as answer:
                page.click("main form button[type=submit]")
            response = answer.value
            status, body = response.status, response.text()
        finally:
            page.close()
    else:
        response = context.request.get(entry.path, max_redirects=0)
        status, body = response.status, response.text()
    assert status == entry.status, f"{entry.id}: status {status}, expected {entry.status}"
    return body


@pytest.fixture(scope="session")
def vnu_errors(browser, live_server, learner_states, staff_states, vnu_command, tmp_path_factory):
    """Run the checker once over every page; its messages of type error by file name."""
    folder = tmp_path_factory.mktemp("vnu")
    files = []
    states = {"anonymous": None, "learner": learner_states, "staff": staff_states}
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
                        path.write_text(raw_html(context, entry), encoding="utf-8")
                        files.append(path)
            finally:
                context.close()
    assert len(files) == len(CASES)
    result = subprocess.run(
        [*vnu_command, "--format", "json", "--stdout", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # With --stdout the report is on stdout (older versions wrote it to stderr).
    output = result.stdout.strip() or result.stderr.strip()
    assert result.returncode == 0 and output.startswith("{"), (
        f"vnu failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    errors: dict[str, list[dict]] = {}
    for message in json.loads(output)["messages"]:
        # "non-document-error" means the file could not be checked at all.
        if message["type"] in ("error", "non-document-error"):
            name = message.get("url", "").rsplit("/", 1)[-1]
            errors.setdefault(name, []).append(message)
    unknown = set(errors) - {path.name for path in files}
    assert not unknown, {name: errors[name] for name in unknown}
    return errors


@pytest.mark.parametrize(("entry", "locale"), CASES)
def test_html_is_valid(vnu_errors, entry, locale):
    errors = vnu_errors.get(file_name(entry, locale), [])
    assert not errors, "\n".join(
        f"line {m.get('lastLine')}: {m['message']}\n    {m.get('extract', '')!r}" for m in errors
    )
