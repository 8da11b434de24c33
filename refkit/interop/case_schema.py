"""Provides the checking of a CASE package against a JSON Schema: refkit's own
(``case-package.schema.json``, CASE 1.0/1.1) or one given with ``--schema``; each problem with its
JSON path."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from refkit.errors import RefkitError
from refkit.i18n import N_, Msg
from refkit.interop.inputs import read_input
from refkit.interop.jsonfile import json_path, parse_json, type_name

MAX_SCHEMA_BYTES = 16 * 1024 * 1024  # OpenSALT's CASE schema is 40 KB
_THE_SCHEMA = Msg("the schema")  # how a schema without a file name is named in a refusal


def load_schema(path: Path) -> Any:
    """A JSON Schema file: a regular file under ``MAX_SCHEMA_BYTES``, JSON, an object (or a
    boolean, as JSON Schema allows)."""
    schema = parse_json(
        read_input(path, what=N_("the JSON Schema"), cap=MAX_SCHEMA_BYTES), str(path)
    )
    if not isinstance(schema, dict | bool):
        raise RefkitError(
            Msg(
                "{path} is not a JSON Schema: it holds a JSON {type}, not an object",
                path=path,
                type=type_name(schema).removeprefix("a ").removeprefix("an "),
            ),
            hint=Msg("give a CASE JSON Schema, such as OpenSALT's case-v1p0-cfpackage-schema.json"),
        )
    return schema


def schema_problems(
    package: dict[str, Any], schema: Any, name: str | Msg = _THE_SCHEMA
) -> list[str]:
    """Where ``package`` breaks a CASE JSON Schema (e.g. OpenSALT's CFPackage schema). A schema
    that is not valid, refers to itself without end or to a document refkit does not have (it
    reads nothing from the network) is refused with its place."""
    import jsonschema
    from referencing import Registry
    from referencing.exceptions import Unresolvable

    hint = Msg("give a CASE JSON Schema, such as OpenSALT's case-v1p0-cfpackage-schema.json")
    try:
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        cls.check_schema(schema)
        # an empty registry: "$ref"s resolve inside the schema, never through the network
        validator = cls(schema, registry=Registry())
        # in the package's order: CFItems[2] before CFItems[10]
        errors = sorted(
            validator.iter_errors(package),
            key=lambda e: [
                (0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in e.absolute_path
            ],
        )
    except jsonschema.SchemaError as e:
        where: str | Msg = "/".join(str(p) for p in e.absolute_path) or Msg("(the top level)")
        raise RefkitError(Msg("{name}: not a valid JSON Schema at {where}: {error}", name=name, where=where, error=e.message), hint=hint) from None  # fmt: skip
    except RecursionError:
        raise RefkitError(
            Msg(
                "{name}: the schema refers to itself without end (a $ref that comes back to itself before any check)",
                name=name,
            ),
            hint=hint,
        ) from None
    except Unresolvable as e:
        raise RefkitError(
            Msg(
                "{name}: a $ref of the schema cannot be resolved ({error}): refkit reads only the schema given, nothing from the network",
                name=name,
                error=e,
            ),
            hint=Msg("give a schema that holds every definition it refers to"),
        ) from None
    except (re.error, ValueError, TypeError, LookupError) as e:  # a bad pattern or keyword value
        raise RefkitError(Msg("{name}: the schema cannot be used ({type}: {error})", name=name, type=type(e).__name__, error=e), hint=hint) from None  # fmt: skip
    out = []
    for error in errors:
        if error.context:  # none of several forms fits: the closest one's own complaint
            error = jsonschema.exceptions.best_match(error.context)
        message = str(error.message)
        if len(message) > 200:  # a whole object quoted in the message
            message = message[:197] + "..."
        out.append(f"{json_path(error.absolute_path)}: {message}")
    return out


def shipped_schema() -> Any:
    """refkit's own JSON Schema of a CASE 1.0/1.1 package (``case-package.schema.json``):
    what an import checks the package against when no ``--schema`` is given."""
    from importlib import resources

    return json.loads(
        (resources.files("refkit.interop") / "case-package.schema.json").read_text(encoding="utf-8")
    )
