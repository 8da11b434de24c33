"""Layering: the core never loads Textual or the CLI; the schemas ship with the package."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema

from refkit.schema import CURRENT, load_schema, schema_dir
from tests.conftest import REPO

CORE = [
    "refkit.model",
    "refkit.store.loader",
    "refkit.store.writer",
    "refkit.rules",
    "refkit.validate",
    "refkit.schema",
]


def test_core_imports_neither_textual_nor_cli() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "from refkit.rules import _load_rule_modules; _load_rule_modules()\n"
        + "bad = sorted(m for m in sys.modules if m.startswith(('textual', 'refkit.cli', 'refkit.tui')))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""


def test_help_does_not_import_the_heavy_libraries() -> None:
    heavy = (
        "jsonschema",
        "ruamel.yaml",
        "yaml",
        "textual",
        "git",
        "jinja2",
        "refkit.validate",
        "refkit.store",
    )
    code = (
        "import sys\nfrom refkit.cli import build_parser\nbuild_parser()\n"
        f"print(','.join(sorted(m for m in {heavy!r} if m in sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""


def test_validate_format_choices_match_the_reporters() -> None:
    from refkit.cli.reporters import REPORTERS
    from refkit.cli.validate import FORMATS

    assert sorted(REPORTERS) == FORMATS


def test_schemas_are_valid_draft_2020_12_and_documented() -> None:
    for kind in CURRENT:
        schema = load_schema(kind)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/{kind}.schema.json")
        assert schema["title"] and schema["description"]
        assert schema["properties"]["schema"]["const"] == CURRENT[kind]
        assert schema["additionalProperties"] is False


def test_the_generated_validators_are_those_of_the_schemas() -> None:
    """refkit.schema.compiled is made from the schema files (python -m refkit.schema.generate):
    each module names the digest of its schema, and says valid or not as fastjsonschema's own
    validator of the schema does, for every file of the fixtures and the samples."""
    import importlib

    from refkit.schema import _fast
    from refkit.schema.generate import schema_digest, source
    from refkit.store.reader import read_yaml

    for kind in CURRENT:
        module = importlib.import_module(f"refkit.schema.compiled.{kind}")
        assert schema_digest(kind) == module.SCHEMA_DIGEST, (
            f"refkit/schema/compiled/{kind}.py is out of date: python -m refkit.schema.generate"
        )
        assert _fast(kind) is module.validate
    import copy

    import fastjsonschema

    # fastjsonschema's own validators, as the library makes them (refkit's drop the messages)
    now = {
        kind: fastjsonschema.compile(copy.deepcopy(load_schema(kind)), use_formats=False)
        for kind in ("framework", "block")
    }
    assert "custom_formats, None)" in source("block")  # the messages' places are not built
    files = [
        p
        for root in (REPO / "tests" / "fixtures", REPO / "frameworks")
        for p in root.rglob("*.yaml")
    ]
    verdicts = {True: 0, False: 0}
    for path in files:
        kind = "framework" if path.name == "framework.yaml" else "block"
        if path.parent.name != "blocks" and kind == "block":
            continue
        try:
            data = read_yaml(path.name, path.read_bytes()).data
        except Exception:
            continue  # not YAML refkit reads: no data to check
        answers = []
        for validator in (_fast(kind), now[kind]):
            try:
                validator(data)
                answers.append(True)
            except Exception:
                answers.append(False)
        assert answers[0] == answers[1], path
        verdicts[answers[0]] += 1
    assert verdicts[True] > 20 and verdicts[False] > 5, verdicts


def test_shared_definitions_do_not_drift_between_schemas() -> None:
    framework, block = load_schema("framework"), load_schema("block")
    for name in ("id", "line", "markdown", "uri", "volume"):
        assert framework["$defs"][name] == block["$defs"][name], name


def test_the_package_reads_the_repository_schemas() -> None:
    # In a source checkout the package reads schemas/; the wheel carries the same files
    # (pyproject force-include), checked by test_wheel_ships_the_schemas.
    assert schema_dir() in (REPO / "schemas", REPO / "refkit" / "schemas")
    for kind in CURRENT:
        on_disk = json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert load_schema(kind) == on_disk


def test_wheel_ships_the_schemas_and_the_catalogues(tmp_path) -> None:
    import zipfile

    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("refkit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for kind in CURRENT:
        assert f"refkit/schemas/{kind}.schema.json" in names
    assert "refkit/locale/fr.po" in names  # the French catalogue (refkit.i18n)


def test_the_package_type_checks_strictly(tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy"), str(REPO / "refkit")],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_the_code_is_lint_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "refkit", "tests", "bench"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


# -- size limits (issue 18) ------------------------------------------------------------------------

MODULE_LINES = 500
FUNCTION_LINES = 80
# What was over the limits when they were set (2026-12-06), with its size then: each may shrink,
# never grow; one back under the limit leaves this list (the test says so). Splitting them is
# issue 18's work (docs/architecture.md).
BIG_MODULES: dict[str, int] = {}  # none left over (issue 18)
BIG_FUNCTIONS: dict[str, int] = {}  # none left over (issue 18)


def _sizes() -> tuple[dict[str, int], dict[str, int]]:
    import ast

    modules, functions = {}, {}
    for path in sorted((REPO / "refkit").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        text = path.read_text(encoding="utf-8")
        if text.startswith("# Generated by python -m refkit.schema.generate"):
            continue  # the schemas' validators, written by fastjsonschema (refkit.schema.generate)
        modules[rel] = len(text.splitlines())
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions[f"{rel}:{node.name}"] = max(
                    functions.get(f"{rel}:{node.name}", 0),
                    (node.end_lineno or node.lineno) - node.lineno + 1,
                )
    return modules, functions


def test_no_module_or_function_grows_past_its_limit() -> None:
    modules, functions = _sizes()
    for sizes, limit, known in (
        (modules, MODULE_LINES, BIG_MODULES),
        (functions, FUNCTION_LINES, BIG_FUNCTIONS),
    ):
        over = {name: n for name, n in sizes.items() if n > max(limit, known.get(name, 0))}
        assert over == {}, f"over {limit} lines (split it): {over}"
        back = sorted(name for name in known if sizes.get(name, 0) <= limit)
        assert back == [], f"back under {limit} lines: take them out of the list: {back}"


def test_the_import_contracts_of_the_layers_hold() -> None:
    """The contracts of pyproject.toml's [tool.importlinter] (import-linter)."""
    from pathlib import Path

    lint = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint)], cwd=REPO, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_the_collector_is_switched_in_one_module() -> None:
    """refkit.parallel holds the cyclic collector's one switch (issue 18): no other module
    turns it off, on, freezes or runs it."""
    import re

    calls = re.compile(r"\bgc\.(disable|enable|freeze|unfreeze|collect)\(")
    found = [
        path.relative_to(REPO).as_posix()
        for path in sorted((REPO / "refkit").rglob("*.py"))
        if path.name != "parallel.py" and calls.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
