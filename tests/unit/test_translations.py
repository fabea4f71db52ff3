"""The French catalogue translates every message in the source, with the same placeholders.

Messages are extracted in-process with Babel, from the files babel.cfg maps, the way
`make messages` does, with one difference: pybabel skips directories whose name starts
with "_" (such as app/templates/_macros), while this test reads them too, because their
strings are shown to people like any other.
"""

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import PYTHON_FORMAT, Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.util import pathmatch

ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = ROOT / "babel.cfg"
FRENCH_PO = ROOT / "app" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}  # as in `pybabel extract -k _l`

HOW_TO_FIX = (
    "Run `make messages`, then translate the new entries in "
    "app/translations/fr/LC_MESSAGES/messages.po (no empty msgstr, no fuzzy flag) "
    "and run `make translations`."
)


def _directory_filter(method_map: list[tuple[str, str]]) -> Callable[[str], bool]:
    """Walk only towards the mapped files: skip hidden directories, __pycache__, ignored
    paths, and directories no pattern can reach (.venv, node_modules, tests...)."""
    prefixes = []
    for pattern, _method in method_map:
        literal = pattern.split("*", 1)[0].split("?", 1)[0]
        prefixes.append(literal.rpartition("/")[0] + "/" if "/" in literal else "")

    def keep(dirpath: str) -> bool:
        name = os.path.basename(dirpath)
        if name.startswith(".") or name == "__pycache__":
            return False
        relative = Path(dirpath).relative_to(ROOT).as_posix()
        if any(
            method == "ignore" and pathmatch(pattern, relative) for pattern, method in method_map
        ):
            return False
        return any(
            (relative + "/").startswith(prefix) or prefix.startswith(relative + "/")
            for prefix in prefixes
        )

    return keep


@pytest.fixture(scope="module")
def extracted() -> dict[tuple[str | tuple[str, ...], str | None], str]:
    """{(msgid, context): "file:line" of its first use} for every message in the source."""
    with BABEL_CFG.open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename=str(BABEL_CFG))
    messages: dict[tuple[str | tuple[str, ...], str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=_directory_filter(method_map),
    ):
        messages.setdefault((message, context), f"{filename}:{lineno}")
    return messages


@pytest.fixture(scope="module")
def french() -> Catalog:
    with FRENCH_PO.open("rb") as po:
        return read_po(po, locale="fr")


def _strings(value: str | tuple[str, ...] | list[str]) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _placeholders(text: str) -> set[str]:
    """The %(name)s, %(num)d or %s markers in `text`; %% is a literal percent sign."""
    return {match.group(0) for match in PYTHON_FORMAT.finditer(text)} - {"%%"}


def test_extraction_finds_the_messages(extracted):
    # Guards the test itself: a broken mapping or filter would find nothing to check.
    assert len(extracted) > 100
    assert ("Sign in", None) in extracted  # a Jinja template
    assert ("Page not found", None) in extracted  # Python, through _l
    assert ("There is a problem", None) in extracted  # app/templates/_macros


def test_every_message_has_a_french_translation(extracted, french):
    missing = []
    for (msgid, context), where in sorted(extracted.items(), key=lambda item: item[1]):
        entry = french.get(msgid, context=context)
        if entry is None:
            problem = "not in the catalogue"
        elif entry.fuzzy:
            problem = "marked fuzzy"
        elif not all(form.strip() for form in _strings(entry.string)):
            problem = "empty msgstr"
        else:
            continue
        missing.append(f"  {where}: {msgid!r} ({problem})")
    assert not missing, (
        f"{len(missing)} message(s) without a French translation:\n"
        + "\n".join(missing)
        + f"\n{HOW_TO_FIX}"
    )


def test_translations_keep_the_placeholders(french):
    wrong = []
    for entry in french:
        if not entry.id or not entry.python_format:
            continue
        # A plural's first form answers the English singular, the others the plural: the
        # singular may leave out the count (Babel's compile checks it that way too).
        english = _strings(entry.id)
        for index, form in enumerate(_strings(entry.string)):
            expected = _placeholders(english[min(index, len(english) - 1)])
            if form and _placeholders(form) != expected:
                wrong.append(
                    f"  {entry.id!r}: expects {sorted(expected)}, "
                    f"msgstr {form!r} has {sorted(_placeholders(form))}"
                )
    assert not wrong, (
        "French translations whose placeholders differ from the English text "
        "(keep each %(name)s exactly; write a literal % as %%):\n" + "\n".join(wrong)
    )


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_compiled_catalogue_is_committed_and_matches_the_po(french):
    """The app reads the compiled .mo: a server started without `make translations` (the
    README's `gunicorn`) must still speak French, so the .mo is in the repository, and
    it must say exactly what the .po says."""
    from babel.messages.mofile import read_mo

    compiled = FRENCH_PO.with_suffix(".mo")
    assert compiled.exists(), "app/translations/fr/LC_MESSAGES/messages.mo is missing"
    tracked = subprocess.run(
        ["git", "ls-files", "--error-unmatch", str(compiled.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
    )
    assert tracked.returncode == 0 or not (ROOT / ".git").exists(), "commit messages.mo"
    with compiled.open("rb") as handle:
        mo = read_mo(handle)

    def pairs(catalog) -> dict:
        return {
            (_key(message.id), message.context): _key(message.string)
            for message in catalog
            if message.id and message.string and not message.fuzzy
        }

    stale = sorted(str(key) for key, value in pairs(french).items() if pairs(mo).get(key) != value)
    assert not stale, "messages.mo is out of date; run `make translations`: " + ", ".join(stale[:5])
    assert set(pairs(mo)) <= set(pairs(french)), "messages.mo holds messages the .po no longer has"
