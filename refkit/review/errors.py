"""Provides the errors of proposals: refused as things are (exit 1), or asked wrongly (exit 2)."""

from __future__ import annotations

from refkit.errors import ExitCode, RefkitError


class ProposalError(RefkitError):
    """The proposal asked for does not exist, or the request cannot be understood (exit 2)."""


class ProposalRefused(RefkitError):
    """Refused as things are here (exit 1): nothing was changed."""

    exit_code = ExitCode.PROBLEMS
