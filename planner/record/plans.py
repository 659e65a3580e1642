"""Plan versions: what each holds, how it is stored and read, signing, and the hashes behind a signature.

A plan version holds the assessment it was drafted from, the generated content and the clinician's edits;
once signed it is read-only (the schema refuses changes too), and a later change starts a new draft version
of the same assessment's plan (planner.record.assessments.save_draft: amending). The content is stored packed
(planner.storage.plan_parts) and read back exactly as generated, so a signature's hash, computed over the
content as generated, verifies the same before and after.

Two screens on one plan: a plan row carries a row version that every change increments; a save or sign-off
names the row version its screen opened (:class:`PlanStamp`) and is refused with who changed it and when
(:class:`PlanChangedError`) when that is no longer the latest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from planner.dates import format_date
from planner.edits import PlanEdits, apply_edits, check_text, unconfirmed
from planner.errors import DamagedDataError, NotFoundError, UserError
from planner.storage.database import Database, get_or_raise
from planner.storage.plan_parts import canonical_json, pack, unpack

if TYPE_CHECKING:
    from sqlmodel import Session

    from planner.models import Plan

DRAFT = "draft"
SIGNED = "signed"

__all__ = [
    "DRAFT",
    "SIGNED",
    "PlanChangedError",
    "PlanRecord",
    "PlanSignedError",
    "PlanStamp",
    "canonical_json",
    "draft_hash",
    "get_plan",
    "latest_plan",
    "plan_versions",
    "sign_plan",
    "sign_stored_plan",
    "signature_hash",
]


class PlanSignedError(UserError):
    """A signed plan was about to be changed; amending creates a new version instead."""


class PlanChangedError(UserError):
    """Someone changed the plan since the screen opened it (another window or workstation): the save or the
    sign-off was refused and nothing was stored; the message names who and when, from the audit log."""


@dataclass(frozen=True, slots=True)
class PlanStamp:
    """Which plan row a screen opened, and in which row version: what a save or a sign-off is checked against."""

    plan_id: int
    row_version: int


@dataclass(frozen=True, slots=True)
class PlanRecord:
    id: int
    assessment_id: int
    patient_id: str
    version: int
    status: str
    assessment: dict[str, Any]
    content: dict[str, Any]
    edits: PlanEdits
    library_version: str
    created_at: datetime
    signer: str | None = None
    signer_credentials: str | None = None
    signed_at: datetime | None = None
    content_hash: str | None = None
    row_version: int = 1
    signed_login: str | None = None
    """The login that signed: the account on a workstation, the connection's own role on a clinic server."""

    @property
    def signed(self) -> bool:
        return self.status == SIGNED

    @property
    def stamp(self) -> PlanStamp:
        return PlanStamp(self.id, self.row_version)

    @property
    def draft_hash(self) -> str:
        """The hash of what this version holds (see :func:`draft_hash`)."""
        return draft_hash(self.assessment, self.content, self.edits.to_json())

    def final(self) -> dict[str, Any]:
        """The plan as the clinician left it (edits applied)."""
        return apply_edits(self.content, self.edits)


def plan_record(plan: Plan, patient_id: str, content: dict[str, Any]) -> PlanRecord:
    assert plan.id is not None
    return PlanRecord(
        id=plan.id,
        assessment_id=plan.assessment_id,
        patient_id=patient_id,
        version=plan.version,
        status=plan.status,
        assessment=json.loads(plan.assessment),
        content=content,
        edits=PlanEdits.from_json(json.loads(plan.edits)),
        library_version=plan.library_version,
        created_at=plan.created_at,
        signer=plan.signer,
        signer_credentials=plan.signer_credentials,
        signed_at=plan.signed_at,
        content_hash=plan.content_hash,
        row_version=plan.row_version,
        signed_login=plan.signed_login,
    )


def signature_hash(plan: Plan, content: dict[str, Any]) -> str:
    """What a signature covers: the assessment, the generated content (as generated, not as packed), the edits,
    who signed and when."""
    payload = {
        "assessment": json.loads(plan.assessment),
        "content": content,
        "edits": json.loads(plan.edits),
        "signer": plan.signer,
        "credentials": plan.signer_credentials,
        "signed_at": plan.signed_at.isoformat() if plan.signed_at else None,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def draft_hash(assessment: dict[str, Any], content: dict[str, Any], edits: dict[str, Any]) -> str:
    """What a screen shows of a plan version, as one hash: the assessment, the generated content and the
    clinician's edits. Signing compares the screen's with the stored version's, so a clinician never signs
    content other than what they see."""
    payload = {"assessment": assessment, "content": content, "edits": edits}
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def store_version(
    session: Session,
    plan: Plan,
    assessment: dict[str, Any],
    content: dict[str, Any],
    edits: PlanEdits,
    library_version: str,
) -> dict[str, Any]:
    """Put a draft's assessment, generated content and edits into ``plan`` (a new row or the latest draft),
    the content packed with its parts stored once (planner.storage.plan_parts), in the caller's transaction.
    Returns the content as it reads back (JSON: lists for tuples)."""
    packed = pack(session, content)  # first: its statements flush the session, and the row must change once
    plan.assessment = canonical_json(assessment)
    plan.packed_content = packed
    plan.edits = canonical_json(edits.to_json())
    plan.library_version = library_version
    session.add(plan)
    session.flush()
    return json.loads(canonical_json(content))


def stored_content(session: Session, plan: Plan) -> dict[str, Any]:
    """The plan's content as it was generated."""
    return unpack(session, [plan.packed_content])[0]


def plan_contents(
    session: Session, plans: Sequence[Plan], batch: int = 500
) -> tuple[dict[int, dict[str, Any]], list[tuple[Plan, str]]]:
    """The contents of many plans, by plan id, read a batch at a time; and the plans whose content cannot be
    read (a part missing or damaged), each with the reason, for ``planner db check``."""
    contents: dict[int, dict[str, Any]] = {}
    unreadable: list[tuple[Plan, str]] = []
    for start in range(0, len(plans), batch):
        chunk = plans[start : start + batch]
        try:
            read = unpack(session, [plan.packed_content for plan in chunk])
        except DamagedDataError:
            read = []
            for plan in chunk:
                try:
                    read.append(stored_content(session, plan))
                except DamagedDataError as exc:
                    read.append(None)  # type: ignore[arg-type]
                    unreadable.append((plan, str(exc).split(":")[0]))
        for plan, content in zip(chunk, read, strict=True):
            if content is not None:
                assert plan.id is not None
                contents[plan.id] = content
    return contents, unreadable


def _changed_by(session: Session, plan: Plan) -> str:
    """Who last changed ``plan`` and when, from the audit log, for a message."""
    from sqlmodel import col, select

    from planner.models import AuditEntry

    entry = session.exec(
        select(AuditEntry).where(AuditEntry.subject == f"plan:{plan.id}").order_by(col(AuditEntry.id).desc())
    ).first()
    if entry is None:
        return "by someone else"
    what = {"plan.sign": "signed", "plan.save_draft": "saved", "assessment.store": "stored"}.get(
        entry.action, "changed"
    )
    at = entry.at if entry.at.tzinfo is not None else entry.at.replace(tzinfo=UTC)
    when = at.astimezone().strftime("%Y-%m-%d %H:%M")
    signer = json.loads(entry.detail or "{}").get("signer")  # on a clinic server the actor is the login
    who = f"{signer} (login {entry.actor})" if signer else entry.actor
    return f"{what} by {who} at {when}"


def refuse_if_changed(session: Session, latest: Plan | None, opened: PlanStamp, doing: str) -> None:
    """Refuse when the assessment's latest plan is not the row version the screen opened."""
    if latest is not None and latest.id == opened.plan_id and latest.row_version == opened.row_version:
        return
    if latest is None:
        raise PlanChangedError(f"{doing}: the plan you opened no longer exists. Your entries are kept.")
    raise PlanChangedError(
        f"{doing}: plan version {latest.version} of this assessment was {_changed_by(session, latest)}, since you "
        "opened it. Nothing was stored and your entries are kept; open the plan again to see that change."
    )


def latest_plan_row(session: Session, assessment_id: int) -> Plan | None:
    from sqlmodel import col, select

    from planner.models import Plan

    query = select(Plan).where(Plan.assessment_id == assessment_id).order_by(col(Plan.version).desc())
    return session.exec(query).first()


def sign_plan(
    database: Database, plan_id: int, signer: str, credentials: str, *, opened: PlanStamp, shown_hash: str
) -> PlanRecord:
    """Sign a draft plan version, exactly as the signer's screen shows it: ``opened`` is the row version the
    screen holds and ``shown_hash`` the :func:`draft_hash` of what it shows. When the plan changed since, or
    holds other content than shown, nothing is signed (:class:`PlanChangedError`). The desktop app and
    ``planner sign`` both sign through here."""
    from planner.clock import utc_now
    from planner.models import Assessment, Plan
    from planner.storage import audit

    signer = check_text("signer", signer, required=True)
    credentials = check_text("credentials", credentials, required=True)
    with database.write() as session:
        plan = get_or_raise(session, Plan, plan_id)
        refuse_if_changed(session, plan, opened, "Not signed")
        if plan.status == SIGNED:
            raise PlanSignedError(f"plan {plan_id} (version {plan.version}) is already signed by {plan.signer}")
        waiting = unconfirmed(PlanEdits.from_json(json.loads(plan.edits)))
        if waiting:
            visits = ", ".join(format_date(visit) for visit in sorted({mark.visit for mark in waiting.values()}))
            raise UserError(
                f"Not signed: {len(waiting)} decision{'s' if len(waiting) != 1 else ''} or value"
                f"{'s' if len(waiting) != 1 else ''} carried over from the visit of {visits} "
                f"{'are' if len(waiting) != 1 else 'is'} not reviewed yet: confirm or change "
                f"{'them' if len(waiting) != 1 else 'it'} first."
            )
        content = stored_content(session, plan)
        if draft_hash(json.loads(plan.assessment), content, json.loads(plan.edits)) != shown_hash:
            raise PlanChangedError(
                f"Not signed: plan {plan_id} (version {plan.version}) as stored differs from the plan shown. "
                "Nothing was signed; review the plan as it is now and sign again."
            )
        plan.status = SIGNED
        plan.signer = signer
        plan.signer_credentials = credentials
        plan.signed_at = utc_now()
        plan.content_hash = signature_hash(plan, content)
        plan.signed_login = audit.current_user()  # a clinic server sets its connection's login instead
        session.add(plan)
        session.flush()
        if database.is_server:
            session.refresh(plan, ["signed_login"])
        audit.record(
            session,
            "plan.sign",
            f"plan:{plan.id}",
            {"version": plan.version, "credentials": credentials, "hash": plan.content_hash},
            actor=signer,
        )
        patient_id = session.get(Assessment, plan.assessment_id).patient_id  # type: ignore[union-attr]
        return plan_record(plan, patient_id, content)


def sign_stored_plan(database: Database, plan_id: int, signer: str, credentials: str) -> PlanRecord:
    """Sign a draft plan version as it is stored now, for ``planner sign`` and scripts (which show the signer
    nothing but what is stored), through :func:`sign_plan`."""
    record = get_plan(database, plan_id)
    return sign_plan(database, plan_id, signer, credentials, opened=record.stamp, shown_hash=record.draft_hash)


def get_plan(database: Database, plan_id: int) -> PlanRecord:
    from planner.models import Assessment, Plan

    with database.read() as session:
        plan = get_or_raise(session, Plan, plan_id)
        patient_id = session.get(Assessment, plan.assessment_id).patient_id  # type: ignore[union-attr]
        return plan_record(plan, patient_id, stored_content(session, plan))


def plan_versions(database: Database, assessment_id: int) -> list[PlanRecord]:
    from sqlmodel import col, select

    from planner.models import Assessment, Plan

    with database.read() as session:
        row = get_or_raise(session, Assessment, assessment_id)
        plans = list(session.exec(select(Plan).where(Plan.assessment_id == assessment_id).order_by(col(Plan.version))))
        contents = unpack(session, [plan.packed_content for plan in plans])
        return [plan_record(plan, row.patient_id, content) for plan, content in zip(plans, contents, strict=True)]


def latest_plan(database: Database, assessment_id: int) -> PlanRecord:
    from planner.models import Assessment

    with database.read() as session:
        row = get_or_raise(session, Assessment, assessment_id)
        plan = latest_plan_row(session, assessment_id)
        if plan is None:
            raise NotFoundError(f"assessment {assessment_id} has no plan")
        return plan_record(plan, row.patient_id, stored_content(session, plan))
