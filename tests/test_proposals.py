"""Proposals, review and sign-off (issue 14): real git repositories in tmp_path (and a bare shared
repository with two clones where it matters), asserting the files on disk, the git state, the
exit codes and what is said."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, git, make_git_repo

PLOMBIER = "frameworks/plombier-chauffagiste"
BC01 = f"{PLOMBIER}/blocks/BC01.yaml"
FW = f"{PLOMBIER}/framework.yaml"
EMPLOYER = "Fédération régionale des entreprises du génie climatique"
EMPLOYEE = "Fédération des salariés de la construction"
TRAINING = "CFA des métiers du bâtiment de la vallée du Rhône"


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1804852800")  # 2027-03-12


def make_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(SAMPLES, root / "frameworks")
    return make_git_repo(root)


def edit(root: Path, rel: str, old: str, new: str, *, commit: bool = True) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if commit:
        git(root, "commit", "-qam", f"edit {rel}")


def started(cli, root: Path, name: str = "pac-2027") -> None:  # type: ignore[no-untyped-def]
    run = cli("proposal", "new", name, "--title", "Pompes à chaleur", "--rationale", "Les PAC.", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    edit(root, BC01, "statement: Lire", "statement: Savoir lire")


def head(root: Path, rev: str = "HEAD") -> str:
    return git(root, "rev-parse", rev).strip()


def record_at(root: Path, rev: str, name: str = "pac-2027") -> str:
    return git(root, "show", f"{rev}:proposals/{name}.yaml")


# -- proposals and their branches -------------------------------------------------------------------


def test_new_creates_the_branch_and_commits_a_valid_record(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    main = head(root)
    run = cli("proposal", "new", "pac-2027", "--title", "Pompes à chaleur", "--rationale", "Les PAC.", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    assert "started proposal pac-2027 on branch proposal/pac-2027" in run.out
    assert git(root, "branch", "--show-current").strip() == "proposal/pac-2027"
    assert head(root, "HEAD~1") == main and git(root, "status", "--porcelain") == ""
    text = (root / "proposals/pac-2027.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/proposal.schema.json\n")
    for line in ("schema: refkit/proposal/1", "slug: pac-2027", "title: Pompes à chaleur",
                 "name: Test", "email: test@example.org", "base: main", "status: open",
                 "created: 2027-03-12", "rationale: Les PAC."):  # fmt: skip
        assert line in text, line
    assert cli("validate", cwd=root).code == 0
    listed = cli("proposal", "list", cwd=root)
    assert listed.code == 0 and listed.lines == [
        "* pac-2027                 open       Pompes à chaleur"
    ]
    # the name is taken now, and a bad name is a usage error
    assert cli("proposal", "new", "pac-2027", "--title", "x", cwd=root).code == 1
    bad = cli("proposal", "new", "PAC 2027", "--title", "x", cwd=root)
    assert bad.code == 2 and "lowercase letters, digits and '-'" in bad.err


def test_a_broken_record_is_located_by_validate(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    assert cli("proposal", "new", "pac-2027", "--title", "T", cwd=root).code == 0
    edit(root, "proposals/pac-2027.yaml", "status: open", "status: ouvert", commit=False)
    run = cli("validate", cwd=root)
    assert run.code == 1
    assert 'proposals/pac-2027.yaml:10:9: error schema-enum "status" must be one of open, withdrawn, merged' in run.out  # fmt: skip


def test_uncommitted_work_on_main_comes_along_into_a_new_proposal(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    edit(root, BC01, "statement: Lire", "statement: Savoir lire", commit=False)
    run = cli("proposal", "new", "pac-2027", "--title", "T", cwd=root)
    assert run.code == 0, run.err
    assert git(root, "status", "--porcelain").split() == ["M", BC01]  # carried, not committed
    assert "Savoir lire" in (root / BC01).read_text(encoding="utf-8")


def test_uncommitted_work_elsewhere_refuses_new_and_switch(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    edit(root, BC01, "Savoir lire", "Savoir bien lire", commit=False)
    tip = head(root)
    for args in (("new", "autre", "--title", "T"), ("switch", "main")):
        run = cli("proposal", *args, cwd=root)
        assert run.code == 1, args
        assert f"{BC01}: changes not committed" in run.err and "nothing was changed" in run.err
        assert "git stash" in run.err
        assert head(root) == tip and git(root, "branch", "--show-current").strip() == "proposal/pac-2027"  # fmt: skip
        assert "Savoir bien lire" in (root / BC01).read_text(encoding="utf-8")  # nothing lost


def test_switch_between_main_and_proposals(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    assert cli("proposal", "switch", "main", cwd=root).out == "you are on main\n"
    assert "Savoir lire" not in (root / BC01).read_text(encoding="utf-8")
    assert not (root / "proposals/pac-2027.yaml").exists()
    run = cli("proposal", "switch", "proposal/pac-2027", cwd=root)
    assert run.code == 0 and run.out == "you are on proposal/pac-2027\n"
    assert "Savoir lire" in (root / BC01).read_text(encoding="utf-8")
    unknown = cli("proposal", "switch", "nope", cwd=root)
    assert unknown.code == 2
    assert "no proposal named nope in this clone (known: pac-2027)" in unknown.err


def test_a_detached_head_is_left_only_when_nothing_is_lost(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    git(root, "switch", "-q", "--detach", "main")
    assert cli("proposal", "switch", "pac-2027", cwd=root).code == 0  # main holds that commit
    git(root, "switch", "-q", "--detach", "main")
    edit(root, BC01, "statement: Lire", "statement: Relire")  # a commit no branch holds
    lost = head(root)
    run = cli("proposal", "switch", "main", cwd=root)
    assert run.code == 1 and f"HEAD is detached at {lost[:10]}, which no branch holds" in run.err
    assert f"git branch NAME {lost[:10]}" in run.err and head(root) == lost


# -- comments ---------------------------------------------------------------------------------------


def test_comments_replies_resolution_and_deleted_items(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    run = cli("proposal", "comment", "pac-2027", "plombier-chauffagiste/BC01/C1.1", "Trop vague ?", cwd=root)  # fmt: skip
    assert run.code == 0 and run.out == "comment c1 on plombier-chauffagiste/BC01/C1.1 recorded\n"
    # FRAMEWORK/COMPETENCY is understood; a criterion by its number
    assert cli("proposal", "comment", "pac-2027", "plombier-chauffagiste/BC01/C1.2/x", "x", cwd=root).code == 2  # fmt: skip
    run = cli("proposal", "comment", "pac-2027", "plombier-chauffagiste/C1.1", "Non.", "--reply-to", "c1", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    assert cli("proposal", "comment", "pac-2027", "plombier-chauffagiste/BC01/C1.2/2", "Mesurable ?", cwd=root).code == 0  # fmt: skip
    missing = cli("proposal", "comment", "pac-2027", "plombier-chauffagiste/BC09", "x", cwd=root)
    assert missing.code == 1
    assert "plombier-chauffagiste has no block BC09 (its blocks: BC01, BC02" in missing.err
    many = cli("proposal", "comment", "pac-2027", "plombier-chauffagiste/BC01/C1.1/9", "x", cwd=root)  # fmt: skip
    assert many.code == 1 and "competency C1.1 has 3 criteria, not 9" in many.err
    assert cli("proposal", "resolve-comment", "pac-2027", "c1", cwd=root).code == 0
    assert cli("proposal", "resolve-comment", "pac-2027", "c9", cwd=root).code == 1
    # C1.2 deleted on the proposal since: its comment is flagged
    text = (root / BC01).read_text(encoding="utf-8")
    start = text.index("  - id: C1.2")
    end = text.index("  - id: ", start + 5)
    (root / BC01).write_text(text[:start] + text[end:], encoding="utf-8")
    git(root, "commit", "-qam", "C1.2 removed")
    show = cli("proposal", "show", "pac-2027", cwd=root)
    assert show.code == 0
    assert "  c1 plombier-chauffagiste/BC01/C1.1 — Test, 2027-03-12 [resolved]" in show.lines
    assert "    c2 plombier-chauffagiste/BC01/C1.1 — Test, 2027-03-12" in show.lines
    assert "  c3 plombier-chauffagiste/BC01/C1.2/2 — Test, 2027-03-12 [item deleted since]" in show.lines  # fmt: skip
    record = (root / "proposals/pac-2027.yaml").read_text(encoding="utf-8")
    assert "reply_to: c1" in record and "criterion: 2" in record
    assert "proposals/" not in cli("validate", cwd=root).out


# -- approvals and the rule -------------------------------------------------------------------------


def test_approvals_by_college_from_main_and_the_merge(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    assert cli("proposal", "switch", "main", cwd=root).code == 0
    main = head(root)
    status = cli("proposal", "status", "pac-2027", cwd=root)
    assert status.code == 1
    assert "    - awaiting the colleges: employers, employees, trainers" in status.lines
    refused = cli("proposal", "merge", "pac-2027", cwd=root)
    assert refused.code == 1 and "proposal pac-2027 is not approved: plombier-chauffagiste awaits employers, employees, trainers (every college)" in refused.err  # fmt: skip
    fr = cli("--lang", "fr", "proposal", "merge", "pac-2027", cwd=root)
    assert (
        "plombier-chauffagiste attend employeurs, salariés, formateurs (chaque collège)" in fr.err
    )
    nobody = cli("proposal", "approve", "pac-2027", "--member", "Syndicat inconnu", cwd=root)
    assert nobody.code == 1
    assert "Syndicat inconnu is not a member of the working group of plombier-chauffagiste" in nobody.err  # fmt: skip
    assert f"{EMPLOYEE} (employee)" in nobody.err
    for org in (EMPLOYER, "salariés de la construction"):
        run = cli("proposal", "approve", "pac-2027", "--member", org, cwd=root)
        assert run.code == 0, run.err
    # committed on the proposal's branch; main and its work tree untouched
    assert head(root) == main and git(root, "status", "--porcelain") == ""
    record = record_at(root, "proposal/pac-2027")
    assert f"member: {EMPLOYEE}\n    college: employee" in record
    assert cli("proposal", "status", "pac-2027", cwd=root).lines[-1] == "    - awaiting the colleges: trainers"  # fmt: skip
    assert cli("proposal", "approve", "pac-2027", "--member", "CFA", cwd=root).code == 0
    ok = cli("proposal", "status", "pac-2027", "--format", "json", cwd=root)
    assert ok.code == 0 and '"holds": true' in ok.out
    merged = cli("proposal", "merge", "pac-2027", cwd=root)
    assert merged.code == 0, merged.err
    assert git(root, "branch", "--show-current").strip() == "main"
    parents = git(root, "rev-list", "--parents", "-n", "1", "HEAD").split()
    assert len(parents) == 3 and parents[1] == main  # --no-ff: the proposal's history kept
    on_main = (root / "proposals/pac-2027.yaml").read_text(encoding="utf-8")
    assert "status: merged" in on_main and "approved: 2027-03-12" in on_main
    assert "colleges:\n    - employer\n    - employee\n    - training" in on_main
    assert "Savoir lire" in (root / BC01).read_text(encoding="utf-8")
    assert cli("proposal", "list", cwd=root).lines == ["  pac-2027                 merged     Pompes à chaleur"]  # fmt: skip
    again = cli("proposal", "approve", "pac-2027", "--member", "CFA", cwd=root)
    assert again.code == 1 and "proposal pac-2027 is merged" in again.err


def test_a_later_change_outdates_an_approval(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    for org in (EMPLOYER, EMPLOYEE, TRAINING):
        assert cli("proposal", "approve", "pac-2027", "--member", org, cwd=root).code == 0
    assert cli("proposal", "status", cwd=root).code == 0  # the current proposal
    edit(root, BC01, "Savoir lire", "Savoir bien lire")
    run = cli("proposal", "status", cwd=root)
    assert run.code == 1
    assert any(line.startswith(f"    ! {EMPLOYEE}: approved an earlier state") for line in run.lines)  # fmt: skip
    assert cli("proposal", "approve", "pac-2027", "--member", EMPLOYEE, cwd=root).code == 0
    assert cli("proposal", "status", cwd=root).lines[-1] == "    - awaiting the colleges: employers, trainers"  # fmt: skip


def test_the_framework_states_its_rule(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    edit(root, FW, "working_group:", "approval:\n  rule: majority-of-members\nworking_group:")
    assert cli("validate", cwd=root).code == 0
    started(cli, root)
    for org in (EMPLOYER, EMPLOYEE):
        assert cli("proposal", "approve", "pac-2027", "--member", org, cwd=root).code == 0
    run = cli("proposal", "status", cwd=root)
    assert run.code == 1 and "plombier-chauffagiste: not approved (majority-of-members)" in run.out
    assert "1 more member approval needed" in run.out
    assert cli("proposal", "approve", "pac-2027", "--member", "Chambre syndicale", cwd=root).code == 0  # fmt: skip
    assert cli("proposal", "status", cwd=root).code == 0


def test_the_approval_rule_round_trips_through_the_writer(tmp_path: Path) -> None:
    from refkit.store.repository import Repository
    from refkit.store.writer import save_framework
    from refkit.versions import load_worktree

    root = make_repo(tmp_path)
    edit(root, FW, "working_group:", "approval:\n  rule: all-members  # décidé le 3 mars\nworking_group:")  # fmt: skip
    before = (root / FW).read_bytes()
    repo = Repository(root)
    loaded = load_worktree(repo, PLOMBIER)
    assert loaded.framework is not None and loaded.framework.approval == "all-members"
    loaded.framework.approval = "every-college"
    save_framework(root, loaded)
    after = (root / FW).read_text(encoding="utf-8")
    assert after == before.decode().replace("rule: all-members", "rule: every-college")


def test_forced_merge_records_its_reason(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    assert cli("proposal", "merge", "pac-2027", "--force", cwd=root).code == 2
    run = cli("proposal", "merge", "pac-2027", "--force", "--reason", "Urgence réglementaire", cwd=root)  # fmt: skip
    assert run.code == 0, run.err
    assert "reason recorded: Urgence réglementaire" in run.out
    assert "forced: Urgence réglementaire" in (root / "proposals/pac-2027.yaml").read_text(encoding="utf-8")  # fmt: skip


def test_a_merge_that_fails_leaves_everything_as_it_was(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    tip = head(root)
    git(root, "switch", "-q", "main")
    edit(root, BC01, "statement: Lire", "statement: Relire")  # the same line, on main
    main = head(root)
    run = cli("proposal", "merge", "pac-2027", "--force", "--reason", "r", cwd=root)
    assert run.code == 1
    assert f"proposal pac-2027 cannot be merged into main ({BC01}): nothing was changed" in run.err
    assert head(root) == main and head(root, "proposal/pac-2027") == tip
    assert git(root, "status", "--porcelain") == "" and git(root, "branch", "--show-current").strip() == "main"  # fmt: skip
    assert not (root / ".git/MERGE_HEAD").exists()
    # from the proposal's own branch: back on it, the record's commit taken back
    git(root, "switch", "-q", "proposal/pac-2027")
    assert cli("proposal", "merge", "pac-2027", "--force", "--reason", "r", cwd=root).code == 1
    assert head(root) == tip and git(root, "status", "--porcelain") == ""
    assert git(root, "branch", "--show-current").strip() == "proposal/pac-2027"


def test_withdraw(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    run = cli("proposal", "withdraw", "pac-2027", "--reason", "Remplacée par pac-2028", cwd=root)
    assert run.code == 0 and "withdrawn (its branch is kept)" in run.out
    assert "status: withdrawn" in (root / "proposals/pac-2027.yaml").read_text(encoding="utf-8")
    assert cli("proposal", "merge", "pac-2027", cwd=root).code == 1


def test_commit_messages_are_in_the_language_refkit_speaks(cli, tmp_path: Path) -> None:
    """The history a working group reads: a proposal's commits in the user's language (the
    editor passes its own), English by default."""
    root = make_repo(tmp_path)
    started(cli, root)
    subjects = git(root, "log", "--format=%s", "main..proposal/pac-2027").splitlines()
    assert subjects[-1] == "Proposal pac-2027: Pompes à chaleur"  # its first commit
    run = cli("--lang", "fr", "proposal", "approve", "pac-2027", "--member", EMPLOYER, cwd=root)
    assert run.code == 0, run.err
    subject = git(root, "log", "-1", "--format=%s", "proposal/pac-2027").strip()
    assert subject == f"Proposition pac-2027 : approuvée par {EMPLOYER}"
    run = cli("--lang", "fr", "proposal", "withdraw", "pac-2027", cwd=root)
    assert run.code == 0, run.err
    subject = git(root, "log", "-1", "--format=%s", "proposal/pac-2027").strip()
    assert subject == "Proposition pac-2027 : retirée"


# -- the diff ----------------------------------------------------------------------------------------


def test_diff_in_text_markdown_and_html(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    git(root, "switch", "-q", "main")
    text = cli("proposal", "diff", "pac-2027", cwd=root)
    assert text.code == 0
    assert text.lines[0] == "Proposal pac-2027: Pompes à chaleur"
    assert "      Statement: [-Lire-] {+Savoir lire+} un plan d'architecte" in text.out
    md = cli("proposal", "diff", "pac-2027", "--format", "markdown", cwd=root)
    assert md.out.startswith("# Proposal pac-2027: Pompes à chaleur\n") and "Les PAC." in md.out
    page = tmp_path / "pac.html"
    html = cli("proposal", "diff", "pac-2027", "--format", "html", "-o", str(page), cwd=root)
    assert html.code == 0 and html.out == ""
    out = page.read_text(encoding="utf-8")
    assert "<h1>Proposal « Pompes à chaleur »</h1>" in out and "<ins>" in out
    assert "awaiting the colleges: employers, employees, trainers" in out
    fr = cli("--lang", "fr", "proposal", "diff", "pac-2027", "--format", "html", cwd=root)
    assert '<html lang="fr">' in fr.out and "Proposition « Pompes à chaleur »" in fr.out


# -- with a shared repository ------------------------------------------------------------------------


def shared_and_two_clones(tmp_path: Path) -> tuple[Path, Path, Path]:
    shared = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(shared))
    a = make_repo(tmp_path)
    git(a, "remote", "add", "origin", str(shared))
    git(a, "push", "-q", "-u", "origin", "main")
    b = tmp_path / "b"
    git(tmp_path, "clone", "-q", str(shared), str(b))
    return shared, a, b


def test_a_proposal_fetched_from_the_shared_repository(cli, tmp_path: Path) -> None:
    shared, a, b = shared_and_two_clones(tmp_path)
    started(cli, a)
    git(a, "push", "-q", "-u", "origin", "proposal/pac-2027")
    git(b, "fetch", "-q")
    listed = cli("proposal", "list", cwd=b)
    assert listed.lines == ["  pac-2027                 open       Pompes à chaleur (on origin only)"]  # fmt: skip
    # approved from main in b: a local branch following origin's, the approval committed on it
    assert cli("proposal", "approve", "pac-2027", "--member", "CFA", cwd=b).code == 0
    assert git(b, "rev-parse", "--abbrev-ref", "proposal/pac-2027@{upstream}").strip() == "origin/proposal/pac-2027"  # fmt: skip
    assert git(b, "status", "--porcelain") == "" and git(b, "branch", "--show-current").strip() == "main"  # fmt: skip
    git(b, "push", "-q", "origin", "proposal/pac-2027")
    assert "member: CFA" in git(shared, "show", "proposal/pac-2027:proposals/pac-2027.yaml")
    # deleted on the shared repository: said, and still there to read and switch to
    git(a, "push", "-q", "origin", "--delete", "proposal/pac-2027")
    git(b, "fetch", "-q", "--prune")
    listed = cli("proposal", "list", cwd=b)
    assert listed.lines == ["  pac-2027                 open       Pompes à chaleur (deleted on the shared repository)"]  # fmt: skip
    show = cli("proposal", "show", "pac-2027", cwd=b)
    assert "  ! its branch was deleted on the shared repository (refs/remotes/origin/proposal/pac-2027)" in show.lines  # fmt: skip
    assert cli("proposal", "switch", "pac-2027", cwd=b).code == 0


def test_status_of_every_open_proposal_from_main(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root, "une")
    git(root, "switch", "-q", "main")
    started(cli, root, "deux")
    git(root, "switch", "-q", "main")
    run = cli("proposal", "status", "--format", "json", cwd=root)
    assert run.code == 1
    assert [(s["name"], s["holds"]) for s in json.loads(run.out)] == [
        ("deux", False),
        ("une", False),
    ]


# -- release and publication ------------------------------------------------------------------------


def test_the_release_names_the_approved_proposal_and_the_changelog_says_so(cli, tmp_path: Path) -> None:  # fmt: skip
    root = make_repo(tmp_path)
    started(cli, root)
    for org in (EMPLOYER, EMPLOYEE, TRAINING):
        assert cli("proposal", "approve", "pac-2027", "--member", org, cwd=root).code == 0
    assert cli("proposal", "merge", "pac-2027", cwd=root).code == 0
    run = cli("release", "plombier-chauffagiste", "-m", "Révision 2027", cwd=root)
    assert run.code == 0, run.err
    releases = (root / PLOMBIER / "releases.yaml").read_text(encoding="utf-8")
    assert (
        "    proposals:\n      - slug: pac-2027\n        title: Pompes à chaleur\n"
        "        approved: 2027-03-12\n        colleges:\n          - employer\n"
        "          - employee\n          - training\n"
    ) in releases
    assert "releases.yaml:" not in cli("validate", cwd=root).out
    site = tmp_path / "site"
    assert cli("publish", "--out", str(site), "--format", "html,md", cwd=root).code == 0
    said = "« Pompes à chaleur » : approuvé par la commission le 12 mars 2027 (employeurs, salariés, formateurs)"  # fmt: skip
    version = next(p for p in (site / "plombier-chauffagiste").iterdir() if p.name == "2.0.1")
    for page in (site / "plombier-chauffagiste/index.html", version / "changes.html", version / "index.html"):  # fmt: skip
        assert said in page.read_text(encoding="utf-8").replace("\xa0", " "), (
            page
        )  # French typography
    # a second release names it no more
    edit(root, BC01, "Savoir lire", "Savoir bien lire")
    assert cli("release", "plombier-chauffagiste", cwd=root).code == 0
    assert (root / PLOMBIER / "releases.yaml").read_text(encoding="utf-8").count("pac-2027") == 1


def test_open_proposals_published_as_drafts_for_consultation(cli, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    started(cli, root)
    git(root, "switch", "-q", "main")
    site = tmp_path / "site"
    run = cli("publish", "--out", str(site), "--format", "html", "--include-proposals", cwd=root)
    assert run.code == 0, run.err
    assert f"published 1 open proposal for consultation into {site}/proposals/" in run.out
    page = (site / "proposals/pac-2027.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in page
    assert "Proposition en consultation : ce texte n'est pas adopté" in page.replace("&#39;", "'")
    assert "<ins>Savoir lire</ins>" in page or "<ins>" in page
    assert 'href="pac-2027.html"' in (site / "proposals/index.html").read_text(encoding="utf-8")
    versions = (site / "plombier-chauffagiste/index.html").read_text(encoding="utf-8")
    assert "pac-2027" not in versions and "Pompes" not in versions  # not a version
    # withdrawn: its page goes at the next publication
    assert cli("proposal", "withdraw", "pac-2027", cwd=root).code == 0
    assert cli("publish", "--out", str(site), "--format", "html", "--include-proposals", cwd=root).code == 0  # fmt: skip
    assert not (site / "proposals/pac-2027.html").exists()


def test_comments_and_approvals_made_at_once_on_two_clones_both_stay(cli, tmp_path: Path) -> None:
    """Two members comment and approve on their own clones before either has synced: the record
    merges on its data (the merge driver), B's comment numbered again after A's, its reply
    following it, both approvals kept; no text conflict, nothing lost."""
    shared, a, b = shared_and_two_clones(tmp_path)
    assert cli("setup", cwd=a).code == 0
    git(a, "add", ".gitattributes")
    git(a, "commit", "-qm", "merge driver")
    git(a, "push", "-q", "origin", "main")
    git(b, "pull", "-q")
    assert cli("setup", cwd=b).code == 0
    started(cli, a)
    git(a, "push", "-q", "-u", "origin", "proposal/pac-2027")
    git(b, "fetch", "-q")
    assert cli("proposal", "switch", "pac-2027", cwd=b).code == 0
    item = "plombier-chauffagiste/C1.1"
    assert cli("proposal", "comment", "pac-2027", item, "De A.", cwd=a).code == 0
    assert cli("proposal", "approve", "pac-2027", "--member", EMPLOYER, cwd=a).code == 0
    assert cli("sync", cwd=a).code == 0
    assert cli("proposal", "comment", "pac-2027", item, "De B.", cwd=b).code == 0
    reply = cli("proposal", "comment", "pac-2027", item, "Réponse de B.", "--reply-to", "c1", cwd=b)
    assert reply.code == 0, reply.err
    assert cli("proposal", "approve", "pac-2027", "--member", EMPLOYEE, cwd=b).code == 0
    run = cli("sync", cwd=b)
    assert run.code == 0, run.out + run.err
    record = git(shared, "show", "proposal/pac-2027:proposals/pac-2027.yaml")
    assert "<<<<<<<" not in record
    show = cli("proposal", "show", "pac-2027", cwd=b)
    assert "De A." in show.out and "De B." in show.out and "Réponse de B." in show.out
    import yaml

    by_id = {c["id"]: c for c in yaml.safe_load(record)["comments"]}
    # A's c1 came in with an id B had taken: it is c3 now; B's reply still answers B's comment
    assert {i: c["text"] for i, c in by_id.items()} == {"c1": "De B.", "c2": "Réponse de B.", "c3": "De A."}  # fmt: skip
    assert by_id["c2"]["reply_to"] == "c1"
    assert EMPLOYER in record and EMPLOYEE in record
    assert git(b, "status", "--porcelain") == ""


def test_update_brings_main_into_the_proposal_and_waits_on_a_field_changed_both_ways(
    cli, tmp_path: Path
) -> None:
    root = make_repo(tmp_path)
    assert cli("setup", cwd=root).code == 0
    git(root, "add", ".gitattributes")
    git(root, "commit", "-qm", "merge driver")
    started(cli, root)  # the proposal rewords C1.1 ("Savoir lire")
    assert cli("proposal", "update", cwd=root).out == "proposal pac-2027 already has everything main has\n"  # fmt: skip
    assert cli("proposal", "switch", "main", cwd=root).code == 0
    edit(root, BC01, "statement: Lire", "statement: Bien lire")  # the same field, on main
    text = (root / BC01).read_text(encoding="utf-8")
    other = text.split("statement: ")[2].split("\n")[0]
    edit(root, BC01, f"statement: {other}", f"statement: {other} (revu)")  # another one
    assert cli("proposal", "switch", "pac-2027", cwd=root).code == 0
    before = head(root)
    run = cli("proposal", "update", cwd=root)
    assert run.code == 1 and "a merge waits for your choice: both sides changed" in run.err, run.err
    merged = (root / BC01).read_text(encoding="utf-8")
    assert "<<<<<<<" not in merged and f"statement: {other} (revu)" in merged
    assert "statement: Savoir lire" in merged  # ours kept until chosen
    assert cli("resolve", "C1.1", "statement", "--theirs", cwd=root).code == 0
    assert cli("resolve", "--continue", cwd=root).code == 0
    assert "statement: Bien lire" in (root / BC01).read_text(encoding="utf-8")
    assert git(root, "rev-parse", "HEAD^1").strip() == before  # a merge commit on the proposal
    assert git(root, "branch", "--show-current").strip() == "proposal/pac-2027"
    assert git(root, "status", "--porcelain") == ""
    # from main: refused, naming the way
    assert cli("proposal", "switch", "main", cwd=root).code == 0
    run = cli("proposal", "update", "pac-2027", cwd=root)
    assert run.code == 1 and "proposal pac-2027 is not checked out here" in run.err
