"""Provides how ``refkit publish`` says why it will not write into its output folder: the files
that are not its own to overwrite or remove (``PublishConflict``), a manifest that lists files
publish never writes; each reason in the reader's language."""

from __future__ import annotations

from pathlib import Path

from refkit.errors import RefkitError
from refkit.i18n import Msg


def strange_entries(manifest_path: Path, strange: list[str]) -> PublishConflict:
    """The manifest lists ``strange``, paths publish never writes."""
    return PublishConflict(
        Msg(
            "{manifest} lists {entry} and {n} more, which refkit publish never writes: the "
            "manifest was changed by someone or something else; nothing was published",
            manifest=manifest_path,
            entry=repr(strange[0]),
            n=len(strange) - 1,
        )
        if len(strange) > 1
        else Msg(
            "{manifest} lists {entry}, which refkit publish never writes: the manifest was "
            "changed by someone or something else; nothing was published",
            manifest=manifest_path,
            entry=repr(strange[0]),
        ),
        hint=Msg(
            "delete {manifest} (publish then owns only the files whose content it makes "
            "again), or run refkit publish --force to ignore these entries",
            manifest=manifest_path,
        ),
    )


def not_owned(rel: str, owned: dict[str, set[str]]) -> Msg:
    """Why the file ``rel`` is not publish's own (``owned``: the digests it wrote)."""
    if rel not in owned:
        return Msg("not written by refkit publish")
    if not owned[rel]:
        return Msg("recorded without its digest by an earlier refkit, so not known as its own")
    return Msg("changed since refkit publish wrote it")


class PublishConflict(RefkitError):
    """A file in the output folder is not publish's to overwrite or remove (exit 2)."""


def conflict(out: Path, conflicts: list[tuple[str, Msg, bool]]) -> PublishConflict:
    # one line a conflict, each in the reader's language
    lines = {
        f"l{i}": Msg("  {path}: {reason}", path=out / rel, reason=why)
        for i, (rel, why, _) in enumerate(conflicts[:10])
    }
    shown = Msg("\n".join("{" + k + "}" for k in lines), **lines)
    more: str | Msg = (
        Msg("\n  ... and {n} more", n=len(conflicts) - 10) if len(conflicts) > 10 else ""
    )
    first = conflicts[0]
    hint: Msg
    if all(forceable for _, _, forceable in conflicts):
        hint = (
            Msg(
                "move them out of {folder}, or publish into another folder (--out); refkit "
                "publish --force overwrites the files in the way and leaves in place those it "
                "would remove",
                folder=out,
            )
            if len(conflicts) > 1
            else Msg(
                "move it out of {folder}, or publish into another folder (--out); refkit "
                "publish --force overwrites the files in the way and leaves in place those it "
                "would remove",
                folder=out,
            )
        )
    else:
        hard = next(rel for rel, _, forceable in conflicts if not forceable)
        hint = Msg(
            "publish writes real files and folders only, and --force does not change that: "
            "remove the link or the folder in the way ({path}), or publish into another "
            "folder (--out)",
            path=out / hard,
        )
    return PublishConflict(
        Msg(
            "{path}: {reason}; nothing was published\n{n} files of {folder} are not refkit "
            "publish's:\n{files}{more}",
            path=out / first[0],
            reason=first[1],
            n=len(conflicts),
            folder=out,
            files=shown,
            more=more,
        )
        if len(conflicts) > 1
        else Msg("{path}: {reason}; nothing was published", path=out / first[0], reason=first[1]),
        hint=hint,
    )
