"""A plan version's content as stored: each part once, by the hash of its text, and the rest compressed.

A drafted plan repeats what the library says: every item, exercise card and equipment entry cites its
passages in full, and most patients get many of the same items, worded the same. Stored as it is, a plan
version took about 125 KB, three quarters of it text that thousands of other plans held too; 10,000 patients
made a 2.6 GB file and a daily backup of over ten seconds.

So a plan is stored in two places:

* ``plan_part``: every JSON object that is an element of a list in the plan (a cited passage, a plan item,
  an alert, an exercise, an equipment entry, a line of the handout...) and whose canonical JSON text is at
  least :data:`MIN_PART_CHARS` long, stored once: found by the SHA-256 of that text (unique), referred to
  by its row id. Parts are packed from the inside out, so an item's text holds its passages as references
  too. Rows are only ever added: the schema refuses an update, a delete, or another text under a stored id
  or hash (migration 0008), so what a signed plan cites can never change under it, and each text is checked
  against its hash when read and by ``planner db check``.
* ``plan.packed_content``: the plan with each such part replaced by ``{"$": <id>}``, as canonical JSON
  compressed with zlib. A reference is a number rather than the hash itself: a plan holds about fifty, and
  fifty hashes (random, so they do not compress) were two thirds of a packed plan.

Reading resolves every reference and gives back the content exactly as it was generated: the lsp-careplan/1
JSON that ``planner plan --json``, the app and the PDFs see, and over which a signed plan's hash is computed,
is unchanged. Nothing here knows what a plan means; any JSON object packs and unpacks the same way. Every
statement is in planner.storage.queries and runs on an SQLAlchemy session or connection.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

from planner.errors import DamagedDataError

MIN_PART_CHARS = 200
"""A smaller object stays inline: a part row (its text, its hash twice: row and index) would take more than
the object compressed inline."""
REFERENCE = "$"
"""The one key of a reference object; no lsp-careplan/1 object has a key of that name."""
COMPRESSION_LEVEL = 6


def canonical_json(value: Any) -> str:
    """The one JSON text of a value: keys sorted, no spaces, characters as they are. Stored plans, their
    parts and the hashes of signed plans are all computed over this text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def part_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _pack(value: Any, in_list: bool, ids: dict[str, int], wanted: set[str]) -> tuple[Any, bool]:
    """``value`` with each part whose id is known replaced by its reference, and whether every part in it
    was; the text of each part whose inner parts all have ids, but which has none yet itself, goes to
    ``wanted``."""
    if isinstance(value, dict):
        if REFERENCE in value:
            raise ValueError(f"a plan holds an object with a key {REFERENCE!r}, which packing reserves")
        packed = {}
        complete = True
        for key, item in value.items():
            packed[key], done = _pack(item, False, ids, wanted)
            complete = complete and done
        if in_list and complete:
            body = canonical_json(packed)
            if len(body) >= MIN_PART_CHARS:
                if body in ids:
                    return {REFERENCE: ids[body]}, True
                wanted.add(body)
                return packed, False
        return packed, complete
    if isinstance(value, list):
        items = [_pack(item, True, ids, wanted) for item in value]
        return [item for item, _done in items], all(done for _item, done in items)
    return value, True


def _part_ids(executor: Any, bodies: set[str]) -> dict[str, int]:
    """The ids of the parts with these texts, storing those not stored yet."""
    from planner.storage.queries import ADD_PLAN_PART, STORED_PLAN_PARTS

    by_hash = {part_hash(body): body for body in bodies}
    hashes = {"hashes": sorted(by_hash)}
    stored = dict(executor.execute(STORED_PLAN_PARTS, hashes).all())
    new = [{"hash": digest, "body": body} for digest, body in by_hash.items() if digest not in stored]
    if new:
        executor.execute(ADD_PLAN_PART, new)
        stored = dict(executor.execute(STORED_PLAN_PARTS, hashes).all())
    return {body: stored[digest] for digest, body in by_hash.items()}


def pack(executor: Any, content: dict[str, Any]) -> bytes:
    """Store the parts of ``content`` not stored yet (in the caller's transaction, on ``executor``: a session
    or a connection) and return the packed plan for ``plan.packed_content``.

    Parts are stored from the inside out, one statement or two per level of nesting (a passage, then the
    item citing it): an item's text holds its passages' references, so it is known once they have ids."""
    ids: dict[str, int] = {}
    while True:
        wanted: set[str] = set()
        skeleton, _complete = _pack(content, False, ids, wanted)
        if not wanted:
            return zlib.compress(canonical_json(skeleton).encode("utf-8"), COMPRESSION_LEVEL)
        ids.update(_part_ids(executor, wanted))


def _is_reference(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and type(value.get(REFERENCE)) is int


def _references(value: Any) -> Iterator[int]:
    if isinstance(value, dict):
        if _is_reference(value):
            yield value[REFERENCE]
            return
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def _resolve(value: Any, parts: dict[int, Any]) -> Any:
    """``value`` with every reference replaced by its part, each occurrence a new object (as JSON parsing
    would make it), so a caller changing one place of the plan changes no other."""
    if isinstance(value, dict):
        if _is_reference(value):
            return _resolve(parts[value[REFERENCE]], parts)
        return {key: _resolve(item, parts) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, parts) for item in value]
    return value


def _skeleton(packed: bytes) -> Any:
    try:
        return json.loads(zlib.decompress(packed).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError, TypeError):
        raise DamagedDataError(
            "a stored plan no longer reads back (its packed content is damaged): the database is damaged. "
            "Nothing was changed; run 'planner db check', or restore a backup with 'planner db restore'."
        ) from None


def _damaged_part(what: str) -> DamagedDataError:
    return DamagedDataError(
        f"a part of a stored plan {what}: the database is damaged. Nothing was changed; run 'planner db check', "
        "or restore a backup with 'planner db restore'."
    )


def unpack(executor: Any, packed: Sequence[bytes]) -> list[dict[str, Any]]:
    """The contents of stored plans (their ``packed_content``), exactly as they were generated, in order.

    Parts are read in as many statements as parts nest (a passage inside an item inside the plan: two), for
    all the plans at once. A part that is missing, or whose text no longer matches its hash, is damage
    (:class:`~planner.errors.DamagedDataError`)."""
    from planner.storage.queries import PLAN_PARTS

    skeletons = [_skeleton(one) for one in packed]
    parts: dict[int, Any] = {}
    wanted = {part_id for skeleton in skeletons for part_id in _references(skeleton)}
    while wanted:
        found = executor.execute(PLAN_PARTS, {"ids": sorted(wanted)}).all()
        for part_id, digest, body in found:
            if part_hash(body) != digest:
                raise _damaged_part("no longer matches its hash")
            parts[part_id] = json.loads(body)
        if len(found) != len(wanted):
            raise _damaged_part("is missing")
        wanted = {inner for part_id, _digest, _body in found for inner in _references(parts[part_id])} - parts.keys()
    return [_resolve(skeleton, parts) for skeleton in skeletons]


def part_problems(connection: Any, limit: int = 20) -> list[str]:
    """Stored parts whose text no longer matches the hash they are stored under (for ``planner db check``)."""
    from planner.storage.queries import EVERY_PLAN_PART

    problems = []
    for _part_id, digest, body in connection.execute(EVERY_PLAN_PART):
        if part_hash(body) != digest:
            problems.append(f"the stored plan part {digest[:16]} no longer matches its hash")
            if len(problems) >= limit:
                break
    return problems
