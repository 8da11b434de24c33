"""Provides ``Checking``: the same checks as ``refkit validate``, run after each change in
another process (``python -m refkit.edit.check``: typing never waits for them, a newer check
replaces a running one), shown in the problems panel and as markers in the tree; Enter on a
problem goes to its item and field (or to the certification rules it is about)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys

from textual import on, work
from textual.widgets import ListView

from refkit.edit.fields import FIELDS
from refkit.edit.refs import Ref
from refkit.errors import RefkitError
from refkit.i18n import tr
from refkit.problems import Problem
from refkit.tui.base import EditorBase
from refkit.tui.fields import widget_id
from refkit.tui.keys import focus_now
from refkit.tui.problems import ProblemItem, ProblemsPanel
from refkit.tui.tree import ItemTree


class Checking(EditorBase):
    """The background check, its problems and markers."""

    _check_proc: asyncio.subprocess.Process | None  # the latest check running
    # every check process started and not yet reaped (a cancelled check may still be
    # starting its process, or ending it, as the editor closes)
    _checks: set[asyncio.Future[asyncio.subprocess.Process]]

    @property
    def check_process(self) -> asyncio.subprocess.Process | None:
        """The process of the check running now, if any."""
        return self._check_proc

    async def on_unmount(self) -> None:
        # Textual cancels the workers as it closes but does not wait for them: every check
        # process, even one still starting, is ended and reaped here, before the event loop closes
        for spawn in list(self._checks):
            with contextlib.suppress(Exception):
                await _end(await asyncio.shield(spawn))
        self._checks.clear()

    def refresh_markers(self) -> None:
        self._validate()

    @work(exclusive=True, group="validate")
    async def _validate(self) -> None:
        """The same checks as `refkit validate`, in another process (typing never waits for
        them); a newer run replaces a running one."""
        out, err = await self._run_check()
        try:
            data = json.loads(out or b"{}")
        except ValueError:
            data = {"error": err.decode("utf-8", "replace")[-500:]}
        if "error" in data:
            self.notify(
                tr("the check failed: {error}", self.lang).format(error=data["error"]),
                severity="error",
            )
            return
        if not self.is_running or not self.screen_stack:
            return  # the editor is closing
        problems = [Problem.from_json(d) for d in data.get("problems", [])]
        changed = {
            Ref(folder, block, comp): change
            for folder, block, comp, change in data.get("changed", [])
        }
        self._show_problems(problems, changed)

    async def _run_check(self) -> tuple[bytes, bytes]:
        """Run ``refkit.edit.check`` on the repository; its output and its errors."""
        # the start is shielded: a check cancelled while its process starts still gets the
        # process, to end it (else it ran on, unreaped, after the editor closed)
        spawn = asyncio.ensure_future(
            asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "refkit.edit.check",
                str(self.session.repo.root),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        )
        self._checks.add(spawn)  # until its process is reaped (on_unmount reaps what is left)
        try:
            proc = await asyncio.shield(spawn)
        except asyncio.CancelledError:
            # (cancelled again while ending it, by a still newer check: on_unmount ends it)
            await _end(await asyncio.shield(spawn))
            self._checks.discard(spawn)
            raise
        self._check_proc = proc
        try:
            out, err = await proc.communicate()
        except asyncio.CancelledError:
            # a newer check replaces this one, or the editor closes: end the process and
            # reap it, so that nothing is left running (nor warned about) after the editor
            await _end(proc)
            self._checks.discard(spawn)
            raise
        finally:
            if self._check_proc is proc:
                self._check_proc = None
        self._checks.discard(spawn)
        return out, err

    def _show_problems(self, problems: list[Problem], changed: dict[Ref, str]) -> None:
        self.problems = problems
        for changed_ref in list(changed):  # a block holding a changed competency is changed too
            up = changed_ref.parent
            while up is not None and up.kind != "framework":
                changed.setdefault(up, "modified")
                up = up.parent
        base = self.screen_stack[0]
        tree = base.query_one("#tree", ItemTree)
        tree.markers.changed = changed
        tree.markers.problems = base.query_one("#problems", ProblemsPanel).show(
            problems, self.session
        )
        tree.relabel()

    @on(ListView.Selected, "#problems")
    def _goto_problem(self, event: ListView.Selected) -> None:
        from refkit.tui.certification import CERTIFICATION_RULES, block_of

        if not isinstance(event.item, ProblemItem):
            return
        problem = event.item.problem
        ref, name = self.session.ref_of(problem)
        if ref is None:
            self.notify(
                f"{problem.file}:{problem.line}:{problem.col} — {problem.hint_text(self.lang)}"
            )
            return
        said = f"{problem.text(self.lang)} — {problem.hint_text(self.lang)}"
        if problem.rule in CERTIFICATION_RULES:
            # its fix lives in the certification rules, whichever file it points at
            self._refresh_framework(ref.folder, ref)
            try:
                fw = self.session.framework(ref.folder)
                known = {b.id for b in fw.blocks} | {s.block for s in fw.shared_blocks}
            except RefkitError:
                known = set()
            self.action_certification(block_of(problem, known))
            self.set_status(said)
            return
        self._refresh_framework(ref.folder, ref)
        self.set_status(said)
        spec = next((f for f in FIELDS[ref.kind] if name and f.name.split(".")[0] == name), None)
        if spec is not None:
            focus_now(self.query_one(f"#{widget_id(ref.kind, spec.name)}"))
        else:
            focus_now(self.item_tree)


async def _end(proc: asyncio.subprocess.Process) -> None:
    """End a check's process and reap it."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):  # it had just ended by itself
            proc.kill()
    await proc.wait()
