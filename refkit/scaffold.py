"""Provides scaffolding: a new framework repository, framework, block or competency, valid at once.

Everything is written through the store (``save_framework``), so new files carry the editor line
pointing at the repository's schema, follow the canonical layout, and existing files are edited in
place (a new competency is a few added lines in its block's file).

New ids continue the ones in use: after BC01...BC07 comes BC08; in block BC07 holding C7.1...C7.4,
the next competency is C7.5; an empty block BC08 starts at C8.1.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import Msg
from refkit.model import (
    Activity,
    Block,
    CertificationRules,
    Competency,
    Criterion,
    Framework,
    Level,
    Modality,
    Volume,
)
from refkit.schema import CURRENT, schema_dir
from refkit.store.files import atomic_write
from refkit.store.loader import FRAMEWORKS_DIR, LoadedFramework, load_framework, read_folder
from refkit.store.repository import Repository
from refkit.store.writer import save_framework

FRAMEWORK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NUMBERED = re.compile(r"^(.*?)(\d+)$")

TEXTS = {
    "fr": {
        "title": "Référentiel d'exemple",
        "sector": "À préciser",
        "summary": "Ce que fait le titulaire de la certification, en quelques phrases.",
        "activity": "Préparer et réaliser l'intervention",
        "block": "Préparer et organiser une intervention",
        "new_block": "Nouveau bloc de compétences",
        "modality": "Mise en situation professionnelle",
        "statement": "Organiser son poste de travail à partir des consignes et du dossier technique",
        "criterion": "Le poste est organisé avant le début de l'intervention",
        "new_statement": "À définir — verbe d'action, objet et contexte",
        "new_criterion": "À définir — un critère observable",
    },
    "en": {
        "title": "Example framework",
        "sector": "To be given",
        "summary": "What the certified person does, in a few sentences.",
        "activity": "Prepare and carry out the job",
        "block": "Prepare and organise a job",
        "new_block": "New block of competencies",
        "modality": "Practical assessment",
        "statement": "Organise one's workstation from the instructions and the technical file",
        "criterion": "The workstation is organised before the job starts",
        "new_statement": "To be written — action verb, object and context",
        "new_criterion": "To be written — an observable criterion",
    },
}


def _texts(lang: str) -> dict[str, str]:
    return TEXTS["fr" if lang.startswith("fr") else "en"]


def next_id(existing: list[str], default: str, *, separator: str = "") -> str:
    """The id after the highest numbered one, keeping the most common prefix and its width."""
    numbered = [m for m in (_NUMBERED.match(i) for i in existing) if m]
    if not numbered:
        return default
    prefix = Counter(m.group(1) for m in numbered).most_common(1)[0][0]
    same = [m for m in numbered if m.group(1) == prefix]
    width = max(len(m.group(2)) for m in same)
    n = max(int(m.group(2)) for m in same) + 1
    candidate = f"{prefix}{n:0{width}d}"
    taken = set(existing)
    while candidate in taken:
        n += 1
        candidate = f"{prefix}{n:0{width}d}"
    return candidate


def example_framework(fid: str, title: str | None, lang: str) -> Framework:
    t = _texts(lang)
    competency = Competency("C1.1", t["statement"], "skill", ["A1"], [Criterion(t["criterion"])])
    block = Block(
        "BC01",
        t["block"],
        [competency],
        volume=Volume(hours=35),
        modalities=[Modality("practical", t["modality"], 2)],
    )
    return Framework(
        id=fid,
        title=title or t["title"],
        version="0.1.0",
        status="draft",
        level=Level(eqf=3, national={"fr": 3} if lang.startswith("fr") else {}),
        lang=lang,
        sector=t["sector"],
        summary=t["summary"],
        activities=[Activity("A1", t["activity"])],
        blocks=[block],
        certification=CertificationRules(required=["BC01"], volume=Volume(hours=35)),
        folder=f"{FRAMEWORKS_DIR}/{fid}",
    )


@dataclass(slots=True)
class Created:
    files: list[str] = field(default_factory=list)  # relative to the folder refkit worked in
    ids: list[str] = field(default_factory=list)
    git_initialized: bool = False


def _write_framework(root: Path, fw: Framework) -> list[str]:
    folder = root / FRAMEWORKS_DIR / fw.id
    if folder.exists():
        raise RefkitError(
            Msg("{folder} already exists", folder=folder), hint="choose another framework id"
        )
    return save_framework(root, LoadedFramework(fw.folder, fw)).written


def _check_framework_id(fid: str) -> None:
    if not FRAMEWORK_ID.match(fid) or len(fid) > 64:
        raise RefkitError(
            Msg("{id} is not a framework id", id=repr(fid)),
            hint="lower-case words joined by hyphens, e.g. plombier-chauffagiste",
        )


def init_repository(
    target: Path, *, framework_id: str = "", title: str | None = None, lang: str = "fr"
) -> Created:
    """A new framework repository in ``target`` (missing or empty), ready to use."""
    fid = framework_id or ("exemple" if lang.startswith("fr") else "example")
    _check_framework_id(fid)
    if target.exists() and not target.is_dir():
        raise RefkitError(
            Msg("{folder} is a file", folder=target),
            hint="give a folder that does not exist yet, or an empty one",
        )
    if target.exists() and any(target.iterdir()):
        raise RefkitError(
            Msg(
                "{folder} is not empty: refkit init writes only into a new or empty folder",
                folder=target,
            ),
            hint="choose a new folder; to add a framework to an existing repository, use refkit new framework",
        )
    created = Created()
    target.mkdir(parents=True, exist_ok=True)
    try:
        schemas = target / "schemas"
        schemas.mkdir()
        for kind in sorted(CURRENT):
            shutil.copyfile(schema_dir() / f"{kind}.schema.json", schemas / f"{kind}.schema.json")
            created.files.append(f"schemas/{kind}.schema.json")
        created.files += _write_framework(target, example_framework(fid, title, lang))
        templates = resources.files("refkit") / "templates" / "init"
        for source, dest in (
            ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
            ("github-workflow.yml", ".github/workflows/refkit.yml"),
            ("gitignore", ".gitignore"),
            (f"README.{'fr' if lang.startswith('fr') else 'en'}.md", "README.md"),
        ):
            path = target / dest
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, (templates / source).read_bytes())
            created.files.append(dest)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # it was empty: leave nothing half made
        raise
    inside = subprocess.run(
        ["git", "-C", str(target), "rev-parse", "--is-inside-work-tree"],
        capture_output=True,
        text=True,
        check=False,
    )
    if inside.returncode != 0:
        subprocess.run(["git", "init", "-q", str(target)], check=True, capture_output=True)
        created.git_initialized = True
    _install_merge_driver(target)
    created.files.append(".gitattributes")
    created.ids.append(fid)
    return created


def _install_merge_driver(target: Path) -> None:
    """git merges the framework files with refkit (``refkit setup``, issue 14)."""
    from refkit.history import History
    from refkit.history.merge.setup import install_driver

    with History(Repository(target)) as history:
        install_driver(history)


def scaffolding(root: Path) -> list[str]:
    """The repository files ``refkit init`` writes besides the frameworks (schemas, CI, README):
    committed with the first commit, whatever makes it (the editor's F5 or F6, refkit release)."""
    files = [f"schemas/{kind}.schema.json" for kind in sorted(CURRENT)]
    files += [".pre-commit-config.yaml", ".github/workflows/refkit.yml", ".gitignore", "README.md"]
    files.append(".gitattributes")  # the merge driver of the framework files
    return [f for f in files if (root / f).is_file()]


def first_commit_extras(history: Any) -> list[str]:
    """The scaffolding files still untracked when the repository has no commit yet (else none):
    the first commit takes them along, so that a clone has the schemas and the CI."""
    if history.has_commits():
        return []
    untracked = {p for code, p in history.status() if code == "??"}
    return [f for f in scaffolding(history.repository.root) if f in untracked]


def new_framework(
    repo: Repository, fid: str, *, title: str | None = None, lang: str = "fr"
) -> Created:
    _check_framework_id(fid)
    files = _write_framework(repo.root, example_framework(fid, title, lang))
    return Created(files=files, ids=[fid])


def _load(repo: Repository, folder: str) -> LoadedFramework:
    loaded = load_framework(folder, read_folder(repo.root, repo.root / folder))
    if loaded.framework is None:
        raise RefkitError(
            Msg("{file} cannot be read", file=f"{folder}/framework.yaml"),
            hint="run refkit validate and fix it first",
        )
    return loaded


def new_block(repo: Repository, folder: str, *, title: str | None = None) -> Created:
    loaded = _load(repo, folder)
    fw = loaded.framework
    assert fw is not None
    t = _texts(fw.lang)
    bid = next_id(fw.block_ids(), "BC01")
    digits = _NUMBERED.match(bid)
    first = f"C{int(digits.group(2))}.1" if digits else f"{bid}.1"
    taken = {c.id for _, c in fw.competencies()}
    cid = first if first not in taken else next_id(sorted(taken), first)
    activities = [fw.activities[0].id] if fw.activities else []
    block = Block(
        bid,
        title or t["new_block"],
        [Competency(cid, t["new_statement"], "skill", activities, [Criterion(t["new_criterion"])])],
    )
    fw.blocks.append(block)
    result = save_framework(repo.root, loaded)
    return Created(files=result.written, ids=[bid, cid])


def new_competency(
    repo: Repository,
    folder: str,
    block_id: str,
    *,
    statement: str | None = None,
    kind: str = "skill",
) -> Created:
    loaded = _load(repo, folder)
    fw = loaded.framework
    assert fw is not None
    block = fw.block(block_id)
    if block is None:
        raise RefkitError(
            Msg("{framework} has no block {block}", framework=fw.id, block=repr(block_id)),
            hint=Msg(
                "its blocks: {blocks}", blocks=", ".join(b.id for b in fw.blocks) or Msg("none")
            ),
        )
    if block_id in loaded.broken_blocks:
        raise RefkitError(
            Msg("{file} cannot be read", file=f"{folder}/blocks/{block_id}.yaml"),
            hint="run refkit validate and fix it first",
        )
    t = _texts(fw.lang)
    taken = sorted({c.id for _, c in fw.competencies()})
    digits = _NUMBERED.match(block_id)
    default = f"C{int(digits.group(2))}.1" if digits else f"{block_id}.1"
    own = [c.id for c in block.competencies]
    cid = next_id(own, default) if own else default
    while cid in taken:
        cid = next_id([*taken, cid], cid)
    activities = [fw.activities[0].id] if fw.activities else []
    block.competencies.append(
        Competency(
            cid, statement or t["new_statement"], kind, activities, [Criterion(t["new_criterion"])]
        )
    )
    result = save_framework(repo.root, loaded)
    return Created(files=result.written, ids=[cid])
