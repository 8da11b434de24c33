"""Provides import and export of 1EdTech CASE packages (CFPackage JSON, CASE 1.0 and 1.1).

A CASE package is a document (``CFDocument``), its items (``CFItems``) and typed associations
between them (``CFAssociations``). Import:

* the hierarchy comes from ``isChildOf``: an item of the document's first level that has items
  under it becomes a block, everything under it a competency of that block (an item whose parent
  is not the block records it as ``x-case.parent``); first-level items with nothing under them are
  gathered in one block standing for the document itself (``x-case.container: document``);
* every competency and block keeps the item's CASE fields in ``x-case`` (identifier, uri,
  humanCodingScheme, CFItemType...), so that an export gives them back and a re-import of the
  export matches item for item; the refkit id is the item's identifier (a UUID), or a UUID derived
  from it when it is not a valid id (older ASN-style identifiers);
* other associations are kept on their origin item (``x-case.associations``); ``exactMatchOf``
  an ESCO skill becomes the competency's ``esco`` alignment, ``precedes`` between two blocks a
  prerequisite; rubric criteria pointing at an item become its assessment criteria.

Export builds a package that validates against the CASE 1.0 CFPackage JSON Schema: identifiers
are kept when they are UUIDs and otherwise derived from refkit's ids (uuid5, stable across
versions), so the same block or competency has the same identifier in every export. A block's
correspondence table can be added as ``exactMatchOf`` (equivalent) and ``replacedBy`` (partial,
split, merged) associations from the old version's blocks to the new ones.

The import is ``refkit.interop.case_import``, the export ``refkit.interop.case_export``, what both
read of a package ``refkit.interop.case_package``, relations ``case_relations`` and the schema check
``case_schema``; this module gives the names callers use.
"""

from __future__ import annotations

from refkit.interop.case_export import Correspondence, export_case
from refkit.interop.case_import import import_case
from refkit.interop.case_package import normalize_package
from refkit.interop.jsonfile import load_json, parse_json

__all__ = [
    "Correspondence",
    "export_case",
    "import_case",
    "load_json",
    "normalize_package",
    "parse_json",
]
