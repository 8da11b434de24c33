"""The YAML reader: plain data, exact positions, and a problem (never an exception) for bad bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from refkit.store.reader import MAX_DEPTH, MAX_FILE_BYTES, read_yaml


def rules(raw: bytes) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.rule) for p in read_yaml("f.yaml", raw).problems]


def test_reads_plain_data_with_yaml_1_2_scalars() -> None:
    r = read_yaml(
        "f.yaml", b"a: 1\nb: no\nc: 2025-09-01\nd: 1.5\ne: true\nf: ~\ng: 0x1F\nh: [x, 'y']\n"
    )
    assert r.problems == []
    assert r.data == {
        "a": 1,
        "b": "no",
        "c": "2025-09-01",
        "d": 1.5,
        "e": True,
        "f": None,
        "g": 31,
        "h": ["x", "y"],
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0o17", 15),
        ("-12", -12),
        ("+3", 3),
        ("-.5", -0.5),
        ("1e3", 1000.0),
        (".inf", float("inf")),
        ("-.Inf", float("-inf")),
        ("FALSE", False),
        ("Null", None),
        ("", None),
        ("yes", "yes"),
        ("'1.0'", "1.0"),
        ('""', ""),
        ("'~'", "~"),
        ("1.2.3", "1.2.3"),
        ("0x1G", "0x1G"),
        ("nullable", "nullable"),
        ("~x", "~x"),
    ],
)
def test_scalars_resolve_by_the_yaml_1_2_core_schema(text: str, value: object) -> None:
    r = read_yaml("f.yaml", f"k: {text}\nl: [{text or '~'}]\n".encode())
    assert r.problems == []
    assert r.data["k"] == value and type(r.data["k"]) is type(value)
    flow = value if text else None
    assert r.data["l"] == [flow] and type(r.data["l"][0]) is type(flow)


def test_positions_of_keys_and_values() -> None:
    raw = b"a: 1\nlist:\n  - id: X\n    name: deux\n  - id: Y\n"
    r = read_yaml("f.yaml", raw)
    assert r.positions.of(r.data, ("list", 1, "id")) == (5, 9)
    assert r.positions.of(r.data, ("list", 0, "name"), key=True) == (4, 5)
    assert r.positions.of(r.data, ("list", 0)) == (3, 5)
    # a missing path points at the deepest existing ancestor
    assert r.positions.of(r.data, ("list", 0, "missing")) == (3, 5)
    assert r.positions.of(r.data, ("nothing",)) == (1, 1)


def test_columns_count_characters_not_bytes() -> None:
    r = read_yaml("f.yaml", 'é: à\nb: [x, "ü", z]\n'.encode())
    assert r.positions.of(r.data, ("b", 2)) == (2, 13)  # 14 if bytes were counted


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"a: 1\nb: 2\na: 3\n", [(3, 1, "yaml-duplicate-key")]),
        (b"a:\n\t- x\n", [(2, 1, "yaml-tab")]),
        (b"\xef\xbb\xbfa: 1\n", [(1, 1, "encoding-bom")]),
        ("a: 1\nb: café\n".encode("latin-1"), [(2, 7, "encoding")]),
        (
            b"a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> x\n",
            [(2, 1, "merge-conflict"), (4, 1, "merge-conflict"), (6, 1, "merge-conflict")],
        ),
        (b"a: &x [1]\nb: *x\n", [(1, 4, "yaml-alias")]),
        (b"a: !!python/object:os.system x\n", [(1, 4, "yaml-tag")]),
        (b"# nothing\n", [(1, 1, "yaml-empty")]),
        (b"", [(1, 1, "yaml-empty")]),
        (b"a: b: c\n", [(1, 5, "yaml-syntax")]),
        (b"a: 1\n---\nb: 2\n", [(2, 1, "yaml-syntax")]),
        (b"a: 1\x00\n", [(1, 5, "encoding")]),
        (b"? [a]\n: z\n", [(1, 3, "yaml-key-type")]),
        (b'a: "unclosed\n', [(2, 1, "yaml-syntax")]),
    ],
)
def test_bad_input_is_a_located_problem(raw: bytes, expected: list[tuple[int, int, str]]) -> None:
    assert rules(raw) == expected


def test_alias_bomb_is_refused_without_expansion() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 30):  # 10**30 leaves if expanded
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    problems = read_yaml("bomb.yaml", "\n".join(lines).encode()).problems
    assert [(p.line, p.rule) for p in problems] == [(1, "yaml-alias")]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_flow_nesting_is_refused(depth: int) -> None:
    # libyaml's composer recurses in C: 100,000 levels would crash the interpreter
    raw = b"a: " + b"[" * depth + b"]" * depth + b"\n"
    assert [p.rule for p in read_yaml("deep.yaml", raw).problems] == ["yaml-nesting"]


def test_deep_block_nesting_is_refused() -> None:
    raw = "a:\n" + "".join(" " * i + "b:\n" for i in range(1, MAX_DEPTH + 5))
    assert [p.rule for p in read_yaml("deep.yaml", raw.encode()).problems] == ["yaml-nesting"]


def test_file_over_the_limit_is_not_parsed(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        line = b"  - Une ligne de texte pour remplir le fichier jusqu'a cinquante megaoctets\n"
        f.write(b"items:\n")
        while f.tell() < 50 * 1024 * 1024:
            f.write(line * 1000)
    size = big.stat().st_size
    assert size > MAX_FILE_BYTES
    result = read_yaml("big.yaml", b"", size=size)
    assert [(p.line, p.col, p.rule) for p in result.problems] == [(1, 1, "file-too-large")]
    assert "50.0 MB" in result.problems[0].message


def test_the_c_parser_is_used() -> None:
    # a silent fall-back to the pure-Python parser costs 10x (bench/validate.py)
    from refkit.store import reader

    assert reader.HAS_LIBYAML
    assert type(reader._Loader("a: 1")).__mro__[1].__module__ == "yaml._yaml"
