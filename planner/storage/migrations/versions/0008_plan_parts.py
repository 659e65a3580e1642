"""Plan content stored packed: each part once, by the hash of its text, and the rest compressed.

A stored plan version held its generated content in full (``plan.content``, about 125 KB), most of it passages
and items that thousands of other plans held word for word. Each plan's content is now stored as
planner.storage.plan_parts describes: its larger parts (cited passages, plan items, exercises, equipment
entries, handout lines...) once each in the new ``plan_part`` table (an id, the SHA-256 of the part's
canonical JSON text, unique, and the text), and the plan itself as ``plan.packed_content``, the rest with
references to the parts' ids, zlib-compressed. It
reads back exactly as it was generated, so every signed plan's hash, computed over that content, still
verifies.

- ``plan_part`` is insert-only: triggers refuse an update, a delete, and an insert under a stored id or of
  another text under a stored hash (``INSERT OR REPLACE`` included), as the signed plans' own guards do.
- Every plan, signed ones included, is rewritten once here: the signed plans' update guard and the row
  version trigger are set aside for this one rewrite (row versions stay as they were) and made again as they
  were (texts of 0003 and 0006). Then ``plan.content`` is dropped (plain ``ALTER TABLE``: a batch rebuild of
  the table would drop its guards).

The packing itself is planner.storage.plan_parts.pack; whatever it becomes later, plans packed here read
back, since reading resolves references wherever they stand.

Revision ID: 0008_plan_parts
Revises: 0007_search_stemming
Create Date: 2026-12-06
"""

import json

import sqlalchemy as sa
from alembic import op

from planner.storage.plan_parts import canonical_json, pack, unpack

revision = "0008_plan_parts"
down_revision = "0007_search_stemming"
branch_labels = None
depends_on = None

PLAN_SIGNED_NO_UPDATE = (
    "CREATE TRIGGER plan_signed_no_update BEFORE UPDATE ON plan WHEN OLD.status = 'signed' "
    "BEGIN SELECT RAISE(ABORT, 'a signed plan cannot be changed; amend it as a new version'); END"
)
PLAN_ROW_VERSION = (
    "CREATE TRIGGER plan_row_version AFTER UPDATE ON plan WHEN NEW.row_version IS OLD.row_version "
    "BEGIN UPDATE plan SET row_version = OLD.row_version + 1 WHERE id = NEW.id; END"
)
PART_GUARDS = (
    "CREATE TRIGGER plan_part_no_update BEFORE UPDATE ON plan_part "
    "BEGIN SELECT RAISE(ABORT, 'a stored plan part cannot be changed'); END",
    "CREATE TRIGGER plan_part_no_delete BEFORE DELETE ON plan_part "
    "BEGIN SELECT RAISE(ABORT, 'a stored plan part cannot be deleted'); END",
    "CREATE TRIGGER plan_part_no_replace BEFORE INSERT ON plan_part "
    "WHEN EXISTS (SELECT 1 FROM plan_part WHERE id = NEW.id OR (hash = NEW.hash AND body IS NOT NEW.body)) "
    "BEGIN SELECT RAISE(ABORT, 'a stored plan part cannot be replaced'); END",
)
BATCH = 200


def _rewrite_plans(bind: sa.engine.Connection, select: str, convert: object, update: str) -> None:
    """Convert every plan's content, ``BATCH`` plans at a time (a large database does not fit in memory),
    with the signed plans' update guard and the row version trigger set aside meanwhile (on SQLite: a new
    clinic server database has no plans and no guards yet)."""
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER plan_signed_no_update")
        op.execute("DROP TRIGGER plan_row_version")
    last = 0
    while True:
        rows = bind.execute(sa.text(select), {"after": last, "batch": BATCH}).all()
        if not rows:
            break
        for plan_id, value in rows:
            bind.execute(sa.text(update), {"value": convert(value), "id": plan_id})  # type: ignore[operator]
        last = rows[-1][0]
    if sqlite:
        op.execute(PLAN_SIGNED_NO_UPDATE)
        op.execute(PLAN_ROW_VERSION)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "plan_part",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hash", sa.String(), nullable=False, unique=True),
        sa.Column("body", sa.String(), nullable=False),
    )
    sqlite = bind.dialect.name == "sqlite"
    empty = sa.text("x''") if sqlite else sa.text("''::bytea")
    op.add_column("plan", sa.Column("packed_content", sa.LargeBinary(), nullable=False, server_default=empty))
    _rewrite_plans(
        bind,
        "SELECT id, content FROM plan WHERE id > :after ORDER BY id LIMIT :batch",
        lambda content: pack(bind, json.loads(content)),
        "UPDATE plan SET packed_content = :value WHERE id = :id",
    )
    op.execute("ALTER TABLE plan DROP COLUMN content")
    if sqlite:  # PostgreSQL's guards are made by 0009_clinic_server
        for trigger in PART_GUARDS:
            op.execute(trigger)


def downgrade() -> None:
    bind = op.get_bind()
    for trigger in ("plan_part_no_replace", "plan_part_no_delete", "plan_part_no_update"):
        if bind.dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER {trigger}")
    op.add_column("plan", sa.Column("content", sa.String(), nullable=False, server_default=""))
    _rewrite_plans(
        bind,
        "SELECT id, packed_content FROM plan WHERE id > :after ORDER BY id LIMIT :batch",
        lambda packed: canonical_json(unpack(bind, [packed])[0]),
        "UPDATE plan SET content = :value WHERE id = :id",
    )
    op.execute("ALTER TABLE plan DROP COLUMN packed_content")
    op.drop_table("plan_part")
