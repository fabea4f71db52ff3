"""The checks every page goes through: axe-core (WCAG 2.2 A/AA) in the browser, and the
Nu HTML Checker (vnu) on the HTML as the server sent it. Shared by test_accessibility.py
(the static PAGES list) and test_checkout.py (the per-order checkout pages)."""

import json
import subprocess
from pathlib import Path

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


def describe(violations) -> str:
    lines = [f"{len(violations)} axe violation(s):"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        lines.extend(f"    {target}" for target in v["targets"])
    return "\n".join(lines)


def axe_violations(page, axe_script: Path) -> list[dict]:
    """Run axe on the page as it is now (its context needs bypass_csp=True: the page's
    CSP, script-src 'self', would block the injected script)."""
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate(RUN_AXE, AXE_TAGS)
    assert results["passed"] > 0, "axe ran no rule: check the tags"
    return results["violations"]


def vnu_errors(vnu_command: list[str], files: list[Path]) -> dict[str, list[dict]]:
    """Run the checker once over the files; its messages of type error by file name."""
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


def vnu_report(errors: list[dict]) -> str:
    return "\n".join(
        f"line {m.get('lastLine')}: {m['message']}\n    {m.get('extract', '')!r}" for m in errors
    )
