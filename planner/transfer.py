"""Moving a workstation's data into a clinic server: ``planner --db FILE db migrate-to postgresql://HOST/DB``.

Everything a workstation holds is copied in one server transaction (all or nothing): patients, assessments,
every plan version with its signature and hash (its content packed again there), follow-up, the clinic's own
documents and settings, and the audit log. Then every copied row is read back from the server and compared
with the workstation's, column by column.

Nothing is merged silently:

* a patient whose id is on the server with another name, birth date or sex is a conflict: reported, and
  none of that patient's records are copied (the server's stay as they are);
* a patient already on the server with the same identity is the same patient: their assessments are added
  (an assessment already there, identical, is recognised and not copied twice), which the report says;
* a plan version, follow-up item, setting or clinic document that exists on the server with other content
  is a conflict: reported, the server's kept.

Row ids are the server's: assessments, plans and follow-up rows get new ids, their references follow. The
audit log's entries are appended to the server's chain in their order, each keeping its time, actor and
action, its detail naming the workstation database and the entry's id there; an entry about a record that
was not copied names it as ``workstation:<database id>/plan:<id>``. A last entry records the copy, the
workstation's database id and the hash that ended its chain, so the workstation's own log (kept in its
file and backups) can still be checked against it; copying the same workstation again copies only what is
new. The schema's owner runs this (the server lets no other login write entries in another actor's name).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.storage.database import Database, ServerDatabase

COPY_ACTION = "database.copy_in"


@dataclass
class TransferReport:
    copied: Counter[str] = field(default_factory=Counter)
    same: Counter[str] = field(default_factory=Counter)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    compared: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.differences

    def lines(self) -> list[str]:
        out = [f"copied: {_counts(self.copied) or 'nothing new'}"]
        if self.same:
            out.append(f"already on the server, identical: {_counts(self.same)}")
        out += [f"CONFLICT: {conflict}" for conflict in self.conflicts]
        out += [f"note: {note}" for note in self.notes]
        out += [f"DIFFERS AFTER COPY: {difference}" for difference in self.differences]
        verdict = "every row compared equal" if not self.differences else f"{len(self.differences)} rows differ"
        out.append(f"{self.compared} rows compared with the server's: {verdict}")
        return out


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{count} {name}" for name, count in counter.items() if count)


def _moment(value: Any) -> Any:
    """Times as the same instant whichever database gave them (SQLite: naive UTC; PostgreSQL: aware)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _values(row: Any, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: _moment(v) for k, v in row.model_dump().items() if k not in leave_out}


def _identity(patient: Any) -> tuple[Any, ...]:
    return (patient.name, patient.birth_date, patient.sex)


@dataclass
class _Maps:
    patients: dict[str, str] = field(default_factory=dict)  # copied or joined patient ids
    new_patients: set[str] = field(default_factory=set)
    assessments: dict[int, int] = field(default_factory=dict)
    new_assessments: set[int] = field(default_factory=set)
    plans: dict[int, int] = field(default_factory=dict)
    new_plans: set[int] = field(default_factory=set)
    follow_ups: dict[int, int] = field(default_factory=dict)
    settings: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)


def _stored_id(session: Any, row: Any) -> int:
    """Insert ``row`` now and return the id the server gave it."""
    session.add(row)
    session.flush()
    assert row.id is not None  # a flushed row has its id
    return int(row.id)


def migrate_to(source: Database, target: ServerDatabase) -> TransferReport:
    """Copy ``source`` (a workstation's file) into ``target`` (a clinic server) and compare every row."""
    from planner.storage.identity import read_database_id

    report = TransferReport()
    maps = _Maps()
    with source.connection() as connection:
        source_id = read_database_id(connection) or "unknown"
    with source.read() as src, target.write() as out:
        _copy_patients(src, out, report, maps)
        _copy_assessments(src, out, report, maps)
        _copy_plans(src, out, report, maps)
        _copy_follow_ups(src, out, report, maps)
        _copy_settings(src, out, report, maps)
        _copy_documents(src, out, report, maps)
        _copy_audit(src, out, report, maps, source_id)
    _compare(source, target, report, maps)
    return report


def _copy_patients(src: Any, out: Any, report: TransferReport, maps: _Maps) -> None:
    from sqlmodel import col, select

    from planner.models import Patient

    for patient in src.exec(select(Patient).order_by(col(Patient.id))):
        existing = out.get(Patient, patient.id)
        if existing is None:
            out.add(Patient(**patient.model_dump()))
            maps.new_patients.add(patient.id)
            report.copied["patients"] += 1
        elif _identity(existing) != _identity(patient):
            report.conflicts.append(
                f"patient {patient.id} is on the server as {existing.name!r} (born {existing.birth_date or '?'}, "
                f"sex {existing.sex or '?'}) and here as {patient.name!r} (born {patient.birth_date or '?'}, sex "
                f"{patient.sex or '?'}): none of this patient's records were copied"
            )
            continue
        else:
            report.same["patients"] += 1
        maps.patients[patient.id] = patient.id
    out.flush()


def _copy_assessments(src: Any, out: Any, report: TransferReport, maps: _Maps) -> None:
    from sqlmodel import col, select

    from planner.models import Assessment

    joined: Counter[str] = Counter()
    for assessment in src.exec(select(Assessment).order_by(col(Assessment.id))):
        if assessment.patient_id not in maps.patients:
            continue
        if assessment.patient_id not in maps.new_patients:
            same = out.exec(
                select(Assessment).where(
                    Assessment.patient_id == assessment.patient_id,
                    Assessment.assessed_on == assessment.assessed_on,
                    Assessment.document == assessment.document,
                )
            ).first()
            if same is not None:
                maps.assessments[assessment.id] = same.id
                report.same["assessments"] += 1
                continue
            joined[assessment.patient_id] += 1
        copy = Assessment(**_values(assessment, ("id",)))
        maps.assessments[assessment.id] = _stored_id(out, copy)
        maps.new_assessments.add(assessment.id)
        report.copied["assessments"] += 1
    for patient_id, count in sorted(joined.items()):
        report.notes.append(
            f"patient {patient_id} was already on the server with the same name, birth date and sex: "
            f"{count} assessments from here were added to their record"
        )


PLAN_CONTENT = (
    "status",
    "assessment",
    "edits",
    "library_version",
    "signer",
    "signer_credentials",
    "signed_at",
    "content_hash",
)


def _copy_plans(src: Any, out: Any, report: TransferReport, maps: _Maps) -> None:
    """Each plan version with its content packed again on the server: a packed plan refers to its parts by
    the ids they have in one database (planner.storage.plan_parts), so the content is read here and stored
    there, parts and all; what was signed (the content, not its packing) is unchanged, and so is its hash."""
    from sqlmodel import col, select

    from planner.models import Plan
    from planner.storage.plan_parts import pack, unpack

    for plan in src.exec(select(Plan).order_by(col(Plan.id))):
        assessment_id = maps.assessments.get(plan.assessment_id)
        if assessment_id is None:
            continue
        content = unpack(src, [plan.packed_content])[0]
        existing = out.exec(
            select(Plan).where(Plan.assessment_id == assessment_id, Plan.version == plan.version)
        ).first()
        if existing is not None:
            same = all(_moment(getattr(existing, name)) == _moment(getattr(plan, name)) for name in PLAN_CONTENT)
            if same and unpack(out, [existing.packed_content])[0] == content:
                maps.plans[plan.id] = existing.id
                report.same["plan versions"] += 1
            else:
                report.conflicts.append(
                    f"plan version {plan.version} of assessment {plan.assessment_id} (here) differs from version "
                    f"{existing.version} of assessment {assessment_id} on the server: the server's was kept"
                )
            continue
        packed = pack(out, content)
        values = _values(plan, ("id", "assessment_id", "packed_content"))
        copy = Plan(**values, assessment_id=assessment_id, packed_content=packed)
        maps.plans[plan.id] = _stored_id(out, copy)
        maps.new_plans.add(plan.id)
        report.copied["plan versions"] += 1


FOLLOW_UP_CONTENT = ("section", "title", "due_on", "due_until", "completed_on", "completed_by")


def _copy_follow_ups(src: Any, out: Any, report: TransferReport, maps: _Maps) -> None:
    from sqlmodel import col, select

    from planner.models import FollowUp

    for item in src.exec(select(FollowUp).order_by(col(FollowUp.id))):
        assessment_id, plan_id = maps.assessments.get(item.assessment_id), maps.plans.get(item.plan_id)
        if assessment_id is None or plan_id is None:
            continue
        existing = out.exec(
            select(FollowUp).where(FollowUp.assessment_id == assessment_id, FollowUp.item_id == item.item_id)
        ).first()
        if existing is not None:
            if all(getattr(existing, name) == getattr(item, name) for name in FOLLOW_UP_CONTENT):
                maps.follow_ups[item.id] = existing.id
                report.same["follow-up items"] += 1
            else:
                report.conflicts.append(
                    f"follow-up {item.item_id!r} of assessment {item.assessment_id} differs on the server: the "
                    "server's was kept"
                )
            continue
        values = _values(item, ("id", "assessment_id", "plan_id"))
        copy = FollowUp(**values, assessment_id=assessment_id, plan_id=plan_id)
        maps.follow_ups[item.id] = _stored_id(out, copy)
        report.copied["follow-up items"] += 1


def _copy_settings(src: Any, out: Any, report: TransferReport, maps: _Maps) -> None:
    from sqlmodel import select

    from planner.models import ClinicSetting

    for setting in src.exec(select(ClinicSetting)):
        existing = out.get(ClinicSetting, setting.key)
        if existing is None:
            out.add(ClinicSetting(key=setting.key, value=setting.value))
            report.copied["settings"] += 1
        elif existing.value != setting.value:
            report.conflicts.append(f"the clinic setting {setting.key!r} differs on the server: the server's was kept")
            continue
        else:
            report.same["settings"] += 1
        maps.settings.add(setting.key)
    out.flush()


def _copy_documents(src: Any, out: Any, report: TransferReport, maps: _Maps) -> None:
    from sqlmodel import col, select

    from planner.library.store import IMPORTED, write_document_text
    from planner.models import Document

    for document in src.exec(select(Document).order_by(col(Document.id))):
        existing = out.get(Document, document.id)
        if existing is not None and existing.sha256 == document.sha256:
            report.same["documents"] += 1
            maps.documents.add(document.id)
            if existing.enabled != document.enabled:
                report.notes.append(
                    f"document {document.id} is {'enabled' if existing.enabled else 'disabled'} on the server and "
                    f"{'enabled' if document.enabled else 'disabled'} here: the server's choice was kept"
                )
        elif document.origin != IMPORTED:
            report.notes.append(
                f"shipped document {document.id} is another version here ({document.version}) than on the server: "
                "the server keeps the version its planner ships"
            )
        elif existing is not None:
            report.conflicts.append(
                f"clinic document {document.id} is another text on the server (version {existing.version}; here "
                f"{document.version}): the server's was kept"
            )
        else:
            write_document_text(out, document.body, document.file_name or document.id, IMPORTED, document.enabled)
            maps.documents.add(document.id)
            report.copied["clinic documents"] += 1
    out.flush()


def _subject(subject: str, maps: _Maps, source_id: str) -> str:
    """An entry's subject on the server: the copied record's new id, or the workstation's record named as such."""
    kind, _, key = subject.partition(":")
    table = {"plan": (maps.plans, maps.new_plans), "assessment": (maps.assessments, maps.new_assessments)}.get(kind)
    if table is None or not key.isdigit():
        return subject
    mapping, new = table
    if int(key) in new:
        return f"{kind}:{mapping[int(key)]}"
    return f"workstation:{source_id}/{subject}"


def _copy_audit(src: Any, out: Any, report: TransferReport, maps: _Maps, source_id: str) -> None:
    from sqlmodel import select

    from planner.clock import stored_time, utc_now
    from planner.models import AuditEntry
    from planner.storage.audit import _as_stored, append_entry
    from planner.storage.postgres import current_role
    from planner.storage.queries import AUDIT_CHAIN

    done = 0
    for entry in out.exec(select(AuditEntry).where(AuditEntry.action == COPY_ACTION)):
        if entry.subject == f"database:{source_id}":
            done = max(done, int(json.loads(entry.detail).get("last_entry", 0)))
    last_hash, last_id, copied = None, done, 0
    for entry_id, at, actor, action, subject, detail, _prev, entry_hash in src.execute(AUDIT_CHAIN):
        last_hash, last_id = entry_hash, entry_id
        if entry_id <= done:
            continue
        values = json.loads(detail or "{}")
        values |= {"copied_from": source_id, "original_id": entry_id}
        append_entry(out, _as_stored(at), actor, action, _subject(subject, maps, source_id), values)
        copied += 1
    report.copied["audit entries"] += copied
    if done:
        report.same["audit entries"] += done
    summary = {
        "last_entry": last_id,
        "last_hash": last_hash,
        **{name: count for name, count in report.copied.items()},
    }
    append_entry(
        out, stored_time(utc_now()), current_role(out.connection()), COPY_ACTION, f"database:{source_id}", summary
    )


def _compare(source: Database, target: ServerDatabase, report: TransferReport, maps: _Maps) -> None:
    """Read every copied row back from the server and compare it with the workstation's, column by column
    (ids through the maps)."""
    from sqlmodel import select

    from planner.models import Assessment, ClinicSetting, Document, FollowUp, Patient, Plan
    from planner.storage.plan_parts import unpack

    def compare(kind: str, here: Any, there: Any, leave_out: tuple[str, ...]) -> None:
        report.compared += 1
        if there is None:
            report.differences.append(f"{kind} {here} is missing on the server")
            return
        mine, theirs = _values(here, leave_out), _values(there, leave_out)
        changed = sorted(name for name in mine if mine[name] != theirs.get(name))
        if changed:
            report.differences.append(f"{kind} differs in {', '.join(changed)}")

    with source.read() as src, target.read() as out:
        for patient in src.exec(select(Patient)):
            if patient.id in maps.new_patients:
                compare(f"patient {patient.id}", patient, out.get(Patient, patient.id), ())
        for assessment in src.exec(select(Assessment)):
            if assessment.id in maps.assessments:
                compare(
                    f"assessment {assessment.id}",
                    assessment,
                    out.get(Assessment, maps.assessments[assessment.id]),
                    ("id",),
                )
        for plan in src.exec(select(Plan)):
            if plan.id in maps.plans:  # the content compared as read, its packing being each database's own
                there = out.get(Plan, maps.plans[plan.id])
                compare(f"plan {plan.id}", plan, there, ("id", "assessment_id", "row_version", "packed_content"))
                report.compared += 1
                if there is not None and unpack(out, [there.packed_content]) != unpack(src, [plan.packed_content]):
                    report.differences.append(f"plan {plan.id}: its content differs on the server")
        for item in src.exec(select(FollowUp)):
            if item.id in maps.follow_ups:
                compare(
                    f"follow-up {item.id}",
                    item,
                    out.get(FollowUp, maps.follow_ups[item.id]),
                    ("id", "assessment_id", "plan_id"),
                )
        for setting in src.exec(select(ClinicSetting)):
            if setting.key in maps.settings:
                compare(f"setting {setting.key}", setting, out.get(ClinicSetting, setting.key), ())
        for document in src.exec(select(Document)):
            if document.id in maps.documents:
                compare(f"document {document.id}", document, out.get(Document, document.id), ("loaded_at", "enabled"))
