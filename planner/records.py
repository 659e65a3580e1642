"""The clinical record: patients, assessments and the plan versions drafted from them.

One user action, one transaction: an assessment is never stored without its patient or its draft plan, and
a failure stores none of them. A plan version holds the assessment it was drafted from, the generated
content and the clinician's edits; once signed it is read-only, and any later change starts a new draft
version of the same assessment's plan.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, func, select

from planner import audit, followup
from planner.clock import utc_now
from planner.dates import as_date, format_date
from planner.db.engine import Database, get_or_raise
from planner.edits import PlanEdits, apply_edits, check_text, unconfirmed
from planner.errors import NotFoundError, UserError
from planner.identity import id_key, is_normalized_id, name_key, normalize_id
from planner.library.store import load_library
from planner.models import Assessment, Patient, Plan
from planner.patient_list import PatientRow, list_patients
from planner.plan.draft import draft_plan

DRAFT = "draft"
SIGNED = "signed"


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


class SimilarPatientError(UserError):
    """A new patient has the name and birth date of a stored one; creating it anyway takes a second yes."""


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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


def _record(plan: Plan, patient_id: str) -> PlanRecord:
    assert plan.id is not None
    return PlanRecord(
        id=plan.id,
        assessment_id=plan.assessment_id,
        patient_id=patient_id,
        version=plan.version,
        status=plan.status,
        assessment=json.loads(plan.assessment),
        content=json.loads(plan.content),
        edits=PlanEdits.from_json(json.loads(plan.edits)),
        library_version=plan.library_version,
        created_at=plan.created_at,
        signer=plan.signer,
        signer_credentials=plan.signer_credentials,
        signed_at=plan.signed_at,
        content_hash=plan.content_hash,
        row_version=plan.row_version,
    )


def signature_hash(plan: Plan) -> str:
    """What a signature covers: the assessment, the generated content, the edits, who signed and when."""
    payload = {
        "assessment": json.loads(plan.assessment),
        "content": json.loads(plan.content),
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


def _changed_by(session: Session, plan: Plan) -> str:
    """Who last changed ``plan`` and when, from the audit log, for a message."""
    from planner.models import AuditEntry

    entry = session.exec(
        select(AuditEntry).where(AuditEntry.subject == f"plan:{plan.id}").order_by(col(AuditEntry.id).desc())
    ).first()
    if entry is None:
        return "by someone else"
    what = {"plan.sign": "signed", "plan.save_draft": "saved", "assessment.store": "stored"}.get(
        entry.action, "changed"
    )
    when = entry.at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{what} by {entry.actor} at {when}"


def _refuse_if_changed(session: Session, latest: Plan | None, opened: PlanStamp, doing: str) -> None:
    """Refuse when the assessment's latest plan is not the row version the screen opened."""
    if latest is not None and latest.id == opened.plan_id and latest.row_version == opened.row_version:
        return
    if latest is None:
        raise PlanChangedError(f"{doing}: the plan you opened no longer exists. Your entries are kept.")
    raise PlanChangedError(
        f"{doing}: plan version {latest.version} of this assessment was {_changed_by(session, latest)}, since you "
        "opened it. Nothing was stored and your entries are kept; open the plan again to see that change."
    )


def _stored_patient_id(session: Session, raw_id: str) -> str | None:
    """The stored id that ``raw_id`` names: the id exactly as given, else its normalised form, else a stored id
    that normalises to the same (stored before ids were normalised; never rewritten, see planner.identity)."""
    for candidate in dict.fromkeys((raw_id, normalize_id(raw_id))):
        if candidate and session.get(Patient, candidate) is not None:
            return candidate
    wanted = normalize_id(raw_id)
    for (stored,) in session.execute(text("SELECT id FROM patient")):
        if normalize_id(stored) == wanted:
            return stored
    return None


def find_patient_id(database: Database, raw_id: str) -> str:
    """The stored id of the patient a user named (``--patient``, ``history ID``); NotFoundError when none."""
    with database.read() as session:
        found = _stored_patient_id(session, raw_id)
    if found is None:
        raise NotFoundError(f"no patient with id {normalize_id(raw_id)!r}")
    return found


def unnormalized_patient_ids(database: Database) -> list[str]:
    """Notes for ``db check``: stored ids that are not in normalised form, or that look like another stored id.
    They are reported, never rewritten: signed plans and the audit trail refer to them as they are."""
    with database.read() as session:
        ids = [stored for (stored,) in session.execute(text("SELECT id FROM patient ORDER BY id"))]
    notes = [
        f"patient id {stored!r} is stored in a form new ids no longer take ({normalize_id(stored)!r}); "
        "lookups by either form find it"
        for stored in ids
        if not is_normalized_id(stored)
    ]
    by_key: dict[str, list[str]] = {}
    for stored in ids:
        by_key.setdefault(id_key(stored), []).append(stored)
    notes += [
        f"patient ids {', '.join(repr(i) for i in same)} cannot be told apart on screen or paper; check whether "
        "they are one patient"
        for same in by_key.values()
        if len(same) > 1
    ]
    return notes


def _new_patient_checks(session: Session, patient_id: str, name: str, birth_date: str | None) -> list[str]:
    """Before a new patient is created: refuse an id that looks like a stored one; return a note for a stored
    patient with the same name and birth date (the caller decides whether that stops it)."""
    key = id_key(patient_id)
    similar_name = name_key(name)
    notes = []
    rows = session.execute(text("SELECT id, name, birth_date FROM patient")).all()
    for stored_id, stored_name, stored_birth in rows:
        if id_key(stored_id) == key:
            raise UserError(
                f"patient.id: '{patient_id}' cannot be told apart from the id '{stored_id}' of the stored patient "
                f"{stored_name} (they differ only in case, spacing, width or invisible characters). Use that "
                "patient's id, or an id that differs visibly."
            )
        if birth_date and stored_birth == birth_date and name_key(stored_name) == similar_name:
            notes.append(
                f"the new patient {patient_id} has the same name and birth date as the stored patient {stored_id}: "
                "check that they are two people, not one person under two ids"
            )
    return notes


def _upsert_patient(session: Session, info: dict[str, Any]) -> bool:
    now = utc_now()
    patient = session.get(Patient, info["id"])
    created = patient is None
    if patient is None:
        patient = Patient(id=info["id"], name=info["name"], created_at=now, updated_at=now)
    patient.name = info["name"]
    patient.birth_date = info.get("birth_date") or patient.birth_date
    patient.sex = info.get("sex") or patient.sex
    patient.updated_at = now
    session.add(patient)
    session.flush()  # the patient row must exist before the assessment that refers to it
    return created


def _fill_assessment(row: Assessment, assessment: dict[str, Any]) -> None:
    row.assessed_on = assessment["assessed_on"]
    row.assessor = assessment.get("assessor")
    row.etiology = assessment["history"]["etiology"]
    row.affected_side = assessment["history"]["affected_side"]
    row.pain_nrs = assessment["pain"]["nrs"]
    row.document = canonical_json(assessment)


@dataclass(frozen=True, slots=True)
class StoredAssessment:
    patient_id: str
    patient_created: bool
    assessment_id: int
    plan_id: int
    plan_version: int
    notes: tuple[str, ...] = ()
    """What the user should know about the import (a patient who looks like another), in words."""


def earlier_visits(
    visits: list[tuple[int, dict[str, Any]]], assessed_on: str, assessment_id: int | None = None
) -> list[dict[str, Any]]:
    """Of a patient's stored (id, assessment) pairs, those before this one, oldest first: earlier dates, and
    on the same date those stored before it (a new assessment, with no id yet, follows every stored one).

    Dates are compared as dates: a value stored in another ISO form before input was strict (a week date)
    still sorts on its day."""
    day = as_date(assessed_on)
    earlier = []
    for visit_id, visit in visits:
        if visit_id == assessment_id:
            continue
        visit_day = as_date(visit["assessed_on"])
        if visit_day < day or (visit_day == day and (assessment_id is None or visit_id < assessment_id)):
            earlier.append((visit_day, visit_id, visit))
    return [visit for *_key, visit in sorted(earlier, key=lambda e: e[:2])]


def _stored_visits(session: Session, patient_id: str) -> list[tuple[int, dict[str, Any]]]:
    """(id, assessment) of the patient's stored assessments, oldest first by date (as dates), then by id."""
    query = select(Assessment.id, Assessment.document).where(Assessment.patient_id == patient_id)
    visits = [(row_id, json.loads(document)) for row_id, document in session.exec(query).all()]  # type: ignore[misc]
    return sorted(visits, key=lambda visit: (as_date(visit[1]["assessed_on"]), visit[0]))


def stored_history(
    session: Session, assessment: dict[str, Any], assessment_id: int | None = None
) -> list[dict[str, Any]]:
    """The patient's stored assessments before ``assessment`` (see :func:`earlier_visits`), oldest first; none when
    the patient is not stored. What :func:`planner.plan.draft.draft_plan` drafts with."""
    patient_id = _stored_patient_id(session, assessment["patient"]["id"])
    if patient_id is None:
        return []
    return earlier_visits(_stored_visits(session, patient_id), assessment["assessed_on"], assessment_id)


def find_stored_assessment(database: Database, assessment: dict[str, Any]) -> int | None:
    """The id of a stored assessment with exactly this content (an exported file that was imported before), so
    that drafting it does not count the same visit twice; None when there is none."""
    with database.read() as session:
        patient_id = _stored_patient_id(session, assessment["patient"]["id"])
        if patient_id is None:
            return None
        wanted = {**assessment, "patient": {**assessment["patient"], "id": patient_id}}
        for visit_id, visit in _stored_visits(session, patient_id):
            if visit == wanted:
                return visit_id
    return None


def store_assessment(
    database: Database, assessment: dict[str, Any], edits: PlanEdits | None = None
) -> StoredAssessment:
    """Store a validated assessment and a draft plan generated from it, creating the patient when new.

    The patient id is normalised (see :mod:`planner.identity`): an id naming a stored patient in another
    spelling joins that patient; a new id that cannot be told apart from a stored one is refused; a new
    patient with a stored patient's name and birth date is stored and reported in ``notes``.
    The plan sees the patient's earlier assessments, so its progress findings compare with them.
    """
    library = load_library(database)
    with database.write() as session:
        info = assessment["patient"]
        patient_id = _stored_patient_id(session, info["id"])
        notes: list[str] = []
        if patient_id is None:
            patient_id = normalize_id(info["id"])
            notes = _new_patient_checks(session, patient_id, info["name"], info.get("birth_date"))
        if patient_id != info["id"]:
            assessment = {**assessment, "patient": {**info, "id": patient_id}}
        plan = draft_plan(database, assessment, session=session, library=library)
        created = _upsert_patient(session, assessment["patient"])
        row = Assessment(
            patient_id=patient_id,
            created_at=utc_now(),
            assessed_on="",
            etiology="",
            affected_side="",
            pain_nrs=0,
            document="",
        )
        _fill_assessment(row, assessment)
        session.add(row)
        session.flush()
        assert row.id is not None
        stored = Plan(
            assessment_id=row.id,
            version=1,
            assessment=canonical_json(assessment),
            content=canonical_json(plan),
            edits=canonical_json((edits or PlanEdits()).to_json()),
            library_version=library.version,
            created_at=utc_now(),
        )
        session.add(stored)
        session.flush()
        assert stored.id is not None
        followup.sync_plan(session, stored, row.patient_id, plan, edits or PlanEdits())
        audit.record(
            session,
            "assessment.store",
            f"assessment:{row.id}",
            {"patient": row.patient_id, "plan": stored.id, "new_patient": created},
        )
        return StoredAssessment(row.patient_id, created, row.id, stored.id, stored.version, tuple(notes))


def _latest_plan(session: Session, assessment_id: int) -> Plan | None:
    query = select(Plan).where(Plan.assessment_id == assessment_id).order_by(col(Plan.version).desc())
    return session.exec(query).first()


def save_draft(
    database: Database, assessment_id: int, assessment: dict[str, Any], edits: PlanEdits, *, opened: PlanStamp
) -> PlanRecord:
    """Save the edited assessment and the clinician's edits, regenerating the draft plan.

    ``opened`` is the plan row version the screen opened: when the assessment's latest plan is another one
    now (someone saved, signed or amended it meanwhile), nothing is stored and :class:`PlanChangedError` says
    who and when. When the latest plan version is signed, a new draft version is started (the signed one is
    untouched).
    """
    library = load_library(database)
    with database.write() as session:
        row = get_or_raise(session, Assessment, assessment_id)
        if normalize_id(assessment["patient"]["id"]) != normalize_id(row.patient_id):
            raise UserError("patient.id: cannot change on a stored assessment (record a new patient instead)")
        if assessment["patient"]["id"] != row.patient_id:
            assessment = {**assessment, "patient": {**assessment["patient"], "id": row.patient_id}}
        latest = _latest_plan(session, assessment_id)
        _refuse_if_changed(session, latest, opened, "Not saved")
        content = draft_plan(database, assessment, assessment_id, session=session, library=library)
        _upsert_patient(session, assessment["patient"])
        _fill_assessment(row, assessment)
        session.add(row)
        if latest is None or latest.status == SIGNED:
            latest = Plan(
                assessment_id=assessment_id,
                version=(latest.version + 1) if latest else 1,
                assessment="",
                content="",
                library_version="",
                created_at=utc_now(),
            )
        latest.assessment = canonical_json(assessment)
        latest.content = canonical_json(content)
        latest.edits = canonical_json(edits.to_json())
        latest.library_version = library.version
        session.add(latest)
        session.flush()
        followup.sync_plan(session, latest, row.patient_id, content, edits)
        audit.record(
            session,
            "plan.save_draft",
            f"plan:{latest.id}",
            {
                "assessment": assessment_id,
                "version": latest.version,
                "excluded": edits.excluded,
                "reworded": sorted(edits.rewritten),
                "added": [a.id for a in edits.added],
                **_decisions(edits),
            },
        )
        return _record(latest, row.patient_id)


def _decisions(edits: PlanEdits) -> dict[str, Any]:
    """The exercise and equipment decisions of a save, for the audit trail (only those made)."""
    out: dict[str, Any] = {}
    if edits.exercise_excluded:
        out["exercises_excluded"] = edits.exercise_excluded
    if edits.exercise_added:
        out["exercises_added"] = [entry["id"] for entry in edits.exercise_added]
    if edits.dosage:
        out["dosage_changed"] = sorted(edits.dosage)
    if edits.equipment:
        out["equipment"] = edits.equipment
    if edits.handout:
        out["patient_texts"] = sorted(edits.handout)
    return out


def sign_plan(
    database: Database, plan_id: int, signer: str, credentials: str, *, opened: PlanStamp, shown_hash: str
) -> PlanRecord:
    """Sign a draft plan version, exactly as the signer's screen shows it: ``opened`` is the row version the
    screen holds and ``shown_hash`` the :func:`draft_hash` of what it shows. When the plan changed since, or
    holds other content than shown, nothing is signed (:class:`PlanChangedError`). The desktop app and
    ``planner sign`` both sign through here."""
    signer = check_text("signer", signer, required=True)
    credentials = check_text("credentials", credentials, required=True)
    with database.write() as session:
        plan = get_or_raise(session, Plan, plan_id)
        _refuse_if_changed(session, plan, opened, "Not signed")
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
        stored = draft_hash(json.loads(plan.assessment), json.loads(plan.content), json.loads(plan.edits))
        if stored != shown_hash:
            raise PlanChangedError(
                f"Not signed: plan {plan_id} (version {plan.version}) as stored differs from the plan shown. "
                "Nothing was signed; review the plan as it is now and sign again."
            )
        plan.status = SIGNED
        plan.signer = signer
        plan.signer_credentials = credentials
        plan.signed_at = utc_now()
        plan.content_hash = signature_hash(plan)
        session.add(plan)
        session.flush()
        audit.record(
            session,
            "plan.sign",
            f"plan:{plan.id}",
            {"version": plan.version, "credentials": credentials, "hash": plan.content_hash},
            actor=signer,
        )
        patient_id = session.get(Assessment, plan.assessment_id).patient_id  # type: ignore[union-attr]
        return _record(plan, patient_id)


def sign_stored_plan(database: Database, plan_id: int, signer: str, credentials: str) -> PlanRecord:
    """Sign a draft plan version as it is stored now, for ``planner sign`` and scripts (which show the signer
    nothing but what is stored), through :func:`sign_plan`."""
    record = get_plan(database, plan_id)
    return sign_plan(database, plan_id, signer, credentials, opened=record.stamp, shown_hash=record.draft_hash)


def get_plan(database: Database, plan_id: int) -> PlanRecord:
    with database.read() as session:
        plan = get_or_raise(session, Plan, plan_id)
        patient_id = session.get(Assessment, plan.assessment_id).patient_id  # type: ignore[union-attr]
        return _record(plan, patient_id)


def plan_versions(database: Database, assessment_id: int) -> list[PlanRecord]:
    with database.read() as session:
        row = get_or_raise(session, Assessment, assessment_id)
        plans = session.exec(select(Plan).where(Plan.assessment_id == assessment_id).order_by(col(Plan.version)))
        return [_record(p, row.patient_id) for p in plans]


def latest_plan(database: Database, assessment_id: int) -> PlanRecord:
    versions = plan_versions(database, assessment_id)
    if not versions:
        raise NotFoundError(f"assessment {assessment_id} has no plan")
    return versions[-1]


def get_assessment(database: Database, assessment_id: int) -> dict[str, Any]:
    with database.read() as session:
        row = get_or_raise(session, Assessment, assessment_id)
        return json.loads(row.document)


@dataclass(frozen=True, slots=True)
class AssessmentSummary:
    id: int
    patient_id: str
    assessed_on: str
    assessor: str | None
    etiology: str
    pain_nrs: int
    latest_plan_version: int | None
    latest_plan_status: str | None


def assessments_for(database: Database, patient_id: str) -> list[AssessmentSummary]:
    """A patient's assessments, newest first (dates compared as dates), with the state of each one's latest plan."""
    with database.read() as session:
        rows = session.exec(select(Assessment).where(Assessment.patient_id == patient_id)).all()
        rows = sorted(rows, key=lambda row: (as_date(row.assessed_on), row.id or 0), reverse=True)
        out = []
        for row in rows:
            assert row.id is not None
            plan = _latest_plan(session, row.id)
            out.append(
                AssessmentSummary(
                    row.id,
                    row.patient_id,
                    row.assessed_on,
                    row.assessor,
                    row.etiology,
                    row.pain_nrs,
                    plan.version if plan else None,
                    plan.status if plan else None,
                )
            )
        return out


def patient_assessments(database: Database, patient_id: str) -> list[tuple[int, dict[str, Any]]]:
    """(id, assessment) for every stored assessment of the patient, oldest first."""
    with database.read() as session:
        get_or_raise(session, Patient, patient_id)
        return _stored_visits(session, patient_id)


def count_rows(database: Database) -> dict[str, int]:
    with database.read() as session:
        return {
            model.__tablename__: session.exec(select(func.count()).select_from(model)).one()  # type: ignore[attr-defined]
            for model in (Patient, Assessment, Plan)
        }


def save_patient(
    database: Database,
    patient_id: str,
    name: str,
    birth_date: str | None = None,
    sex: str | None = None,
    *,
    new: bool,
    allow_similar: bool = False,
) -> PatientRow:
    """Create (``new``) or update a patient, with the same rules as the assessment format.

    A new id is normalised and refused when it cannot be told apart from a stored one; a new patient with a
    stored patient's name and birth date raises :class:`SimilarPatientError` unless ``allow_similar``.
    """
    from planner.assessment.validate import validate_patient

    info = validate_patient({"id": patient_id, "name": name, "birth_date": birth_date or None, "sex": sex or None})
    with database.write() as session:
        stored_id = _stored_patient_id(session, info["id"])
        existing = session.get(Patient, stored_id) if stored_id is not None else None
        if new and existing is not None:
            raise UserError(f"patient.id: '{normalize_id(info['id'])}' is already used by {existing.name}")
        if not new and existing is None:
            raise NotFoundError(f"no patient with id '{info['id']}'")
        if new:
            info["id"] = normalize_id(info["id"])
            notes = _new_patient_checks(session, info["id"], info["name"], info.get("birth_date"))
            if notes and not allow_similar:
                raise SimilarPatientError(f"{notes[0][0].upper()}{notes[0][1:]}. Choose OK again to create it anyway.")
        else:
            info["id"] = stored_id
        now = utc_now()
        patient = existing or Patient(id=info["id"], name=info["name"], created_at=now, updated_at=now)
        patient.name, patient.birth_date, patient.sex, patient.updated_at = (
            info["name"],
            info.get("birth_date"),
            info.get("sex"),
            now,
        )
        session.add(patient)
        audit.record(session, "patient.create" if new else "patient.update", f"patient:{info['id']}")
    return next(p for p in list_patients(database) if p.id == info["id"])


def set_patient_archived(database: Database, patient_id: str, archived: bool) -> None:
    with database.write() as session:
        patient = get_or_raise(session, Patient, patient_id)
        patient.archived = archived
        patient.updated_at = utc_now()
        session.add(patient)
        audit.record(session, "patient.archive" if archived else "patient.restore", f"patient:{patient_id}")
