"""What refkit says, in each language: the catalogues are complete, their entries fit their
messages, and a problem found once reads in the reader's language wherever it is shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from refkit.i18n import Msg, catalogue, ngettext, parse_po, translate
from refkit.i18n_scan import missing, source_messages, unsaid, unspoken
from refkit.problems import RULES, Problem
from tests.conftest import copy_fixture

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_message_refkit_shows_has_its_french_translation() -> None:
    assert missing("fr") == []


def test_the_french_catalogue_holds_no_entry_the_code_no_longer_uses() -> None:
    used = set(source_messages())
    obsolete = sorted(m for m in catalogue("fr") if isinstance(m, str) and m not in used)
    assert obsolete == []


def test_each_translation_has_the_placeholders_of_its_message() -> None:
    wrong = {
        m: t
        for m, t in catalogue("fr").items()
        if isinstance(m, str) and sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(t))
    }
    assert wrong == {}


def test_messages_render_nested_with_french_contractions() -> None:
    what = Msg("{field} of {item}", field=Msg("title"), item=Msg("block {id}", id="BC02"))
    message = Msg("{what} contains a tab", what=what)
    assert str(message) == "title of block BC02 contains a tab"
    assert message.render("fr") == "le titre du bloc BC02 contient une tabulation"
    assert message.render("fr-FR") == message.render("fr")
    assert message.render("de") == str(message)  # no German catalogue: English
    again = Msg.from_json(json.loads(json.dumps(message.to_json())))
    assert again == message and again.render("fr") == message.render("fr")
    with pytest.raises(TypeError):
        Msg.from_json({"t": "x", "a": {"k": {"evil": 1}}})


def test_rule_titles_and_hints_are_translated() -> None:
    rule = RULES["block-not-certified"]
    assert translate(rule.title, "fr") == "Bloc hors des règles de certification"
    assert translate(rule.hint, "fr").startswith("rendez le bloc obligatoire")
    assert translate("a text no catalogue has", "fr") == "a text no catalogue has"


def test_the_po_reader_takes_plurals_and_leaves_fuzzy_entries_out() -> None:
    entries = parse_po(
        'msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        '#, fuzzy\nmsgid "guessed"\nmsgstr "deviné"\n\n'
        'msgid "one file"\nmsgid_plural "{n} files"\nmsgstr[0] "un fichier"\nmsgstr[1] "{n} fichiers"\n\n'
        'msgid "a \\"quoted\\" "\n"text"\nmsgstr "un texte "\n"« cité »"\n'
    )
    assert "guessed" not in entries
    assert entries[("one file", "{n} files")] == ["un fichier", "{n} fichiers"]
    assert entries['a "quoted" text'] == "un texte « cité »"
    assert ngettext("one file", "{n} files", 2, "en") == "{n} files"


def test_a_problem_keeps_its_message_through_json_and_reads_in_french(cli, tmp_path: Path) -> None:
    """One problem: English in --format json (the message to translate is not part of that
    output), French in the editor, the same through the cache's JSON."""
    case = copy_fixture("invalid", "duplicate-statements", tmp_path)
    run = cli("validate", "--no-cache", "--format", "json", cwd=case)
    out = json.loads(run.out)
    assert out[0]["message"] == "competency C1.2 has the same statement as C1.1 (BC01)"
    assert "msg" not in out[0] and "hint_msg" not in out[0]
    from refkit.store.repository import Repository
    from refkit.validate import validate

    problem = validate(Repository.discover(case), jobs=1).problems[0]
    again = Problem.from_json(json.loads(json.dumps(problem.to_json())))
    for p in (problem, again):
        assert p.text("fr") == "la compétence C1.2 a le même énoncé que C1.1 (BC01)"
        assert p.hint_text("fr").startswith("reformulez l'une des deux")
        assert p.title("fr") == "Deux compétences au même énoncé"


def test_the_language_refkit_speaks_in_comes_from_lang_then_the_environment(
    cli, monkeypatch: pytest.MonkeyPatch, sample_repo: Path
) -> None:
    from refkit.i18n import user_language

    assert user_language() == "en"  # LANG=C.UTF-8
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert user_language() == "fr"
    monkeypatch.setenv("LC_ALL", "en_NZ.UTF-8")  # LC_ALL wins over LANG
    assert user_language() == "en"
    monkeypatch.setenv("REFKIT_LANG", "fr")  # and REFKIT_LANG over the locale
    assert user_language() == "fr"
    assert user_language("en") == "en"  # --lang over everything
    monkeypatch.setenv("REFKIT_LANG", "de")  # a language refkit lacks: English
    assert user_language() == "en"
    # the command line: --lang, else the environment
    (sample_repo / "frameworks/plombier-chauffagiste/blocks/BC02.yaml").write_text(
        (sample_repo / "frameworks/plombier-chauffagiste/blocks/BC02.yaml")
        .read_text(encoding="utf-8")
        .replace("par brasure forte et par", "par brasure forte ou par"),
        encoding="utf-8",
    )
    monkeypatch.setenv("REFKIT_LANG", "fr")
    french = cli("diff", "plombier-chauffagiste", cwd=sample_repo).out
    assert "Énoncé\u00a0: Façonner et assembler" in french
    english = cli("--lang", "en", "diff", "plombier-chauffagiste", cwd=sample_repo).out
    assert "Statement: Façonner et assembler" in english
    assert cli("--lang", "de", "diff", "plombier-chauffagiste", cwd=sample_repo).code == 2


def test_refkit_lang_fr_validate_is_wholly_in_french(cli, tmp_path: Path) -> None:
    """Every invalid fixture checked with --lang fr: each problem, its hint, the severity and the
    summary in French (the rule ids stay as they are: they are codes); an error of the command
    itself too."""
    from tests.conftest import FIXTURES

    summary = re.compile(
        r"^(\d+ erreurs?(, \d+ avertissements?)?|\d+ avertissements?|aucun problème)"
        r" dans \d+ fichiers? de \d+ référentiels?$"
    )
    english = re.compile(r"\b(error|warning|hint|must|should|missing|found|file|files)\b")
    for case in sorted((FIXTURES / "invalid").iterdir()):
        run = cli("--lang", "fr", "validate", "--no-cache", cwd=case)
        lines = run.out.splitlines()
        assert summary.match(lines[-1]), (case.name, lines[-1])
        for line in lines[:-1]:
            if line.startswith("    "):
                assert line.startswith("    conseil : "), (case.name, line)
                said = line
            else:
                _where, severity, _rule, said = line.split(" ", 3)
                assert severity in ("erreur", "avertissement"), (case.name, line)
            words = re.sub(r"\S*[/.]\S*", "", said)  # paths and file names are not words
            assert not english.search(words), (case.name, line)
    merge = cli("--lang", "fr", "validate", "--no-cache", cwd=FIXTURES / "invalid/merge-conflict")
    assert merge.out.splitlines()[0] == (
        "frameworks/demo/blocks/BC01.yaml:10:1: erreur merge-conflict "
        "marque de conflit de fusion <<<<<<<"
    )
    gone = cli("--lang", "fr", "validate", str(tmp_path / "absent"), cwd=tmp_path)
    assert gone.code == 2
    assert gone.err.splitlines() == [
        f"refkit: erreur : {tmp_path / 'absent'} : aucun fichier ni dossier de ce nom",
        "  conseil : vérifiez le chemin",
    ]
    # outside any repository, and in one whose frameworks/ is a link
    nowhere = cli("--lang", "fr", "validate", cwd=tmp_path)
    assert nowhere.code == 2
    assert nowhere.err.splitlines() == [
        f"refkit: erreur : aucun dossier frameworks/ dans {tmp_path} ni dans les dossiers "
        "au-dessus",
        "  conseil : lancez refkit dans un dépôt de référentiels, donnez son chemin, ou créez-en "
        "un avec refkit init",
    ]
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "frameworks").symlink_to(FIXTURES / "valid")
    link = cli("--lang", "fr", "validate", cwd=linked)
    assert link.code == 2
    assert link.err.splitlines()[0].startswith(
        f"refkit: erreur : {linked / 'frameworks'} est un lien symbolique (vers "
    )
    assert link.err.splitlines()[1] == (
        "  conseil : remplacez le lien par le dossier lui-même : frameworks/ contient les "
        "référentiels"
    )


def test_no_refusal_is_given_a_text_no_catalogue_can_translate() -> None:
    """What refkit refuses with (a ``RefkitError``, or one of its kinds) reaches the reader in
    their language: a message or a hint made of values is a ``Msg``, never an f-string (a plain
    text is in the catalogue: test_every_message_refkit_shows_has_its_french_translation)."""
    assert unsaid() == []


def test_the_scan_finds_an_f_string_given_to_a_refusal() -> None:
    import ast

    tree = ast.parse(
        "class Nope(GitError):\n    pass\n"
        "class GitError(RefkitError):\n    pass\n"
        "raise Nope(f'{x} is wrong', hint='fix it')\n"
        "raise ValueError(f'{x} is not said to people')\n"
        "raise GitError(Msg('{x} is wrong', x=x), hint=f'see {x}')\n"
    )
    assert unsaid([("demo.py", tree)]) == ["demo.py:5: f'{x} is wrong'", "demo.py:7: f'see {x}'"]


def test_refkit_lang_fr_log_is_in_french(cli, sample_repo: Path) -> None:
    """The releases and commits of a framework, their headings and summaries in French; the
    JSON keeps English summaries, as its keys."""
    run = cli("--lang", "fr", "log", "plombier-chauffagiste", cwd=sample_repo)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[2] == "Versions publiées"
    assert "Commits" in lines
    release = next(line for line in lines if line.startswith("  1.0.0 "))
    assert "créé : 7 blocs, 29 compétences" in release
    english = re.compile(r"\b(Releases|none yet|no tag|not published|created|blocks?|competenc)")
    assert not english.search("\n".join(lines[: lines.index("Commits")]))
    as_json = cli(
        "--lang", "fr", "log", "plombier-chauffagiste", "--format", "json", cwd=sample_repo
    )
    first = json.loads(as_json.out)["releases"][-1]
    assert first["summary"].startswith("created: 7 blocks, 29 competencies")


def test_no_command_writes_words_no_catalogue_can_translate() -> None:
    """What a command prints of its own (``print``, a stream's ``write`` in refkit/cli) goes
    through the catalogue: no text or f-string holding words is written as it is."""
    assert unspoken() == []


def test_the_scan_finds_words_a_command_writes_as_they_are() -> None:
    import ast

    tree = ast.parse(
        "print(f'created {x} with {y}')\n"
        "sys.stderr.write('  hint: ' + say('fix it'))\n"
        "print(f'  {line}')\n"
        "print(f'refkit: {said}', file=sys.stderr)\n"
        "out.write(say('{n} files', n=n) + '\\n')\n"
        "print('done' if ok else f'{n} left')\n"
    )
    assert unspoken([("cli/demo.py", tree)]) == [
        "cli/demo.py:1: f'created {x} with {y}'",
        "cli/demo.py:2: '  hint: ' + say('fix it')",
        "cli/demo.py:6: 'done' if ok else f'{n} left'",
    ]
    assert unspoken([("publish/demo.py", tree)]) == []  # the site's pages are not a command's


def test_a_message_counts_with_its_plural_forms_and_keeps_them_in_json() -> None:
    from refkit.i18n import N_plural

    one, many = (
        Msg(N_plural("{n} file written", "{n} files written"), n=1),
        Msg(N_plural("{n} file written", "{n} files written"), n=3),
    )
    assert (one.render("en"), many.render("en")) == ("1 file written", "3 files written")
    assert (one.render("fr"), many.render("fr")) == ("1 fichier écrit", "3 fichiers écrits")
    assert Msg.from_json(json.loads(json.dumps(many.to_json()))) == many


def test_a_list_cut_short_says_how_many_more_in_number() -> None:
    from refkit.i18n import first_of

    assert first_of(["a", "b"], 3) == "a, b"
    assert str(first_of(["a", "b", "c", "d"], 3)) == "a, b, c and 1 more"
    assert first_of(["a", "b", "c", "d"], 3).render("fr") == "a, b, c et 1 autre"  # type: ignore[union-attr]
    assert first_of(list("abcdef"), 3).render("fr") == "a, b, c et 3 autres"  # type: ignore[union-attr]


def test_a_label_is_translated_in_the_sense_its_key_gives_it() -> None:
    """One English text, two French words: the site's labels are keyed by their context
    (``msgctxt``), as gettext does."""
    from refkit.i18n import pgettext
    from refkit.publish.labels import labels

    assert pgettext("mark_added_m", "new in {v}", "fr") == "nouveau en {v}"
    assert pgettext("mark_added_f", "new in {v}", "fr") == "nouvelle en {v}"
    assert pgettext("mark_added_f", "new in {v}", "en") == "new in {v}"
    assert (
        labels("fr")["search_button"] == "Chercher" and labels("fr")["search_page"] == "Recherche"
    )
    assert labels("en")["search_page"] == "Search"
    assert labels("fr-FR") is labels("fr")
    entries = parse_po(
        'msgctxt "k"\nmsgid "Search"\nmsgstr "Chercher"\n\nmsgid "Search"\nmsgstr "Rechercher"\n'
    )
    assert entries == {"k\x04Search": "Chercher", "Search": "Rechercher"}


def test_refkit_lang_fr_stack_speaks_french(cli, sample_repo: Path) -> None:
    have = "plombier-chauffagiste@1.0.0:BC01,plombier-chauffagiste@1.0.0:BC04"
    run = cli("--lang", "fr", "stack", "plombier-chauffagiste", "--have", have, cwd=sample_repo)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[1] == f"Blocs détenus : {have.replace(',', ', ')}"
    assert "Reconnus" in lines
    assert (
        "      par les tables de correspondance 1.0.0 → 2.0.0 (depuis "
        + ("plombier-chauffagiste@1.0.0:BC04)")
        in lines
    )
    assert "Reste à acquérir, dans un ordre qui respecte les prérequis" in lines
    assert any(
        line.startswith("Reste : ") and "blocs à acquérir, environ " in line for line in lines
    )
    assert not re.search(r"\b(held|remaining|credited|through|blocks?)\b", run.out, re.I)
    ranked = cli("--lang", "fr", "stack", cwd=sample_repo)
    assert ranked.out.startswith(
        "Certifications classées selon ce qui reste, pour les blocs détenus : aucun"
    )
    overlap = cli("--lang", "fr", "stack", "--overlap", cwd=sample_repo)
    assert overlap.out.startswith(
        "Recouvrements entre 2 référentiels : blocs partagés et compétences"
    )
    assert "blocs partagés : SST" in overlap.out


def test_refkit_lang_fr_release_publish_and_doctor_speak_french(cli, sample_repo: Path) -> None:
    fw = sample_repo / "frameworks" / "electricien-batiment" / "framework.yaml"
    fw.write_text(
        fw.read_text(encoding="utf-8").replace("title: ", "title: Nouveau ", 1), encoding="utf-8"
    )
    dry = cli("--lang", "fr", "release", "electricien-batiment", "--dry-run", cwd=sample_repo)
    assert dry.code == 0, dry.err
    assert "(essai à blanc : rien n'est changé)" in dry.out
    assert "would" not in dry.out and "dry run" not in dry.out
    site = cli("--lang", "fr", "publish", "--out", str(sample_repo / "site"), cwd=sample_repo)
    assert site.code == 0, site.err
    assert re.search(  # each count agreeing with its number (0 is singular in French)
        r"^\d+ versions de 2 référentiels publiées dans .*site/ : \d+ fichiers écrits, 0 inchangé, 0 supprimé$",
        site.out,
    ), site.out
    again = cli("--lang", "fr", "publish", "--out", str(sample_repo / "site"), "--format", "html",
                cwd=sample_repo)  # fmt: skip
    assert again.code == 0, again.err
    said = re.search(r" : \d+ fichiers? écrits?, (\d+) inchangés, (\d+) supprimés$", again.out)
    assert said and int(said[1]) > 1 and int(said[2]) > 1, again.out
    doctor = cli("--lang", "fr", "doctor", cwd=sample_repo)
    assert (doctor.code, doctor.out) == (0, "rien à réparer\n")
