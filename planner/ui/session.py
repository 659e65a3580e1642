"""One assessment being edited: its values, the clinician's plan edits, undo/redo, validation and the live plan.

Every widget writes through :meth:`AssessmentSession.set_value` or :meth:`AssessmentSession.set_edits`, which
push a QUndoCommand; the command calls back into :meth:`_apply_value` / :meth:`_apply_edits`. So undo and
redo cover every edit, and there is exactly one place where the state changes. Validation and plan
generation are the core's (``validate_assessment``, ``draft_plan``); nothing is re-implemented here. Each
plan decision is one pure function of :mod:`planner.edits` whose result the caller hands to ``set_edits``; a
value changed in the form also ends its "carried forward" mark, in the same undo step.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from planner.assessment.schema import ASSESSMENT_FORMAT
from planner.assessment.validate import validate_assessment
from planner.edits import PlanEdits, apply_edits, settle_value
from planner.errors import AssessmentError, FieldIssue, NotFoundError
from planner.library.store import load_library
from planner.plan.carry import follow_up_assessment
from planner.plan.draft import draft_plan
from planner.record.assessments import save_draft, store_assessment
from planner.record.plans import PlanChangedError, PlanRecord, PlanStamp, draft_hash, get_plan, sign_plan
from planner.record.visits import earlier_visits, patient_assessments
from planner.storage.database import Database

Path = tuple[str, ...]
_MERGE_ID = 0x4C5350  # any constant: consecutive edits of one field merge into one undo step


def get_path(data: dict[str, Any], path: Path) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def set_path(data: dict[str, Any], path: Path, value: Any) -> None:
    """Set (or with None, remove) a nested value, dropping dicts left empty below the top level."""
    node = data
    trail = []
    for key in path[:-1]:
        trail.append((node, key))
        node = node.setdefault(key, {})
    if value is None:
        node.pop(path[-1], None)
        for parent, key in reversed(trail[1:]):
            if parent[key]:
                break
            parent.pop(key)
    else:
        node[path[-1]] = value


__all__ = ["AssessmentSession", "blank_assessment", "follow_up_assessment"]

REQUIRED_PARTS = ("history", "strength", "pain")
"""Parts of the format that are required objects: kept while empty, so the problems name the fields missing
in them ("Pain NRS: enter a number") rather than the whole part."""


def clean(value: Any) -> Any:
    """Drop None values and empty containers below the top level, as the format's optional fields allow."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = clean(item)
            if item is None or (isinstance(item, dict) and not item and key not in REQUIRED_PARTS):
                continue
            out[key] = item
        return out
    return value


def blank_assessment(patient: dict[str, Any], assessor: str = "", today: date | None = None) -> dict[str, Any]:
    """A first assessment: the patient and the date filled in, every clinical fact left for the clinician to
    record (no cause, side or pain is assumed; the plan says what it still needs)."""
    return {
        "format": ASSESSMENT_FORMAT,
        "patient": {k: v for k, v in patient.items() if v},
        "assessed_on": (today or date.today()).isoformat(),
        "assessor": assessor or None,
        "history": {},
        "strength": {},
        "pain": {},
    }


class _SetValue(QUndoCommand):
    """A value of the form; a carried-forward mark on it ends with it (``marks``: the edits before and after)."""

    def __init__(
        self,
        session: AssessmentSession,
        path: Path,
        old: Any,
        new: Any,
        label: str,
        marks: tuple[PlanEdits, PlanEdits] | None = None,
    ) -> None:
        super().__init__(label)
        self.session, self.path, self.old, self.new, self.marks = session, path, old, new, marks

    def redo(self) -> None:
        if self.marks:
            self.session._edits = self.marks[1].copy()
        self.session._apply_value(self.path, self.new)

    def undo(self) -> None:
        if self.marks:
            self.session._edits = self.marks[0].copy()
        self.session._apply_value(self.path, self.old)

    def id(self) -> int:
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _SetValue) or other.path != self.path or isinstance(self.new, bool) or other.marks:
            return False
        self.new = other.new
        return True


class _SetEdits(QUndoCommand):
    def __init__(self, session: AssessmentSession, old: PlanEdits, new: PlanEdits, label: str) -> None:
        super().__init__(label)
        self.session, self.old, self.new = session, old.copy(), new.copy()

    def redo(self) -> None:
        self.session._apply_edits(self.new)

    def undo(self) -> None:
        self.session._apply_edits(self.old)


class AssessmentSession(QObject):
    """The state behind the assessment editor and the plan review for one assessment."""

    valueChanged = Signal(object)  # the path that changed, or () for everything
    planChanged = Signal()
    changed = Signal()
    savedChanged = Signal()

    def __init__(
        self,
        database: Database,
        assessment: dict[str, Any],
        *,
        assessment_id: int | None = None,
        record: PlanRecord | None = None,
        read_only: bool = False,
        opened: PlanStamp | None = None,
        draft_writer: str = "",
        edits: PlanEdits | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self._data = copy.deepcopy(assessment)
        self.assessment_id = assessment_id
        self.record = record
        # The plan row version this screen works from (a recovered draft's may be older than ``record``'s): a
        # save or a sign-off is refused when the plan changed since.
        self.opened = opened or (record.stamp if record else None)
        # Names this session's autosaved draft apart from another window's of the same assessment; a recovered
        # draft's session goes on writing (and finally removes) that draft.
        self.draft_writer = draft_writer or uuid.uuid4().hex[:12]
        # ``edits`` starts a new visit from decisions carried over (see planner.plan.carry): where the session
        # starts, not a step to undo.
        self._edits = edits.copy() if edits is not None else (record.edits.copy() if record else PlanEdits())
        self.read_only = read_only or bool(record and record.signed)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(lambda _clean: self.savedChanged.emit())
        self.issues: list[FieldIssue] = []
        self._stored_visits: list[tuple[int, dict[str, Any]]] | None = None
        self.content: dict[str, Any] | None = None
        self.plan: dict[str, Any] | None = None
        self.plan_is_current = False
        self.refresh_plan()

    # --- reading -------------------------------------------------------------------------------------------
    def value(self, path: Path) -> Any:
        return get_path(self._data, path)

    def assessment(self) -> dict[str, Any]:
        """The assessment as it would be stored (None and empty optional parts dropped)."""
        return clean(self._data)

    @property
    def edits(self) -> PlanEdits:
        return self._edits.copy()

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean() or (self.assessment_id is None and self.record is None)

    @property
    def signed(self) -> bool:
        return bool(self.record and self.record.signed)

    def issue_for(self, path: Path) -> FieldIssue | None:
        """The first problem of the field at ``path`` (or of an element of it)."""
        field = ".".join(path)
        for issue in self.issues:
            if issue.field == field or issue.field.startswith(field + "["):
                return issue
        return None

    # --- writing (through the undo stack) ----------------------------------------------------------------
    def set_value(self, path: Path, value: Any, label: str | None = None) -> None:
        if self.read_only:
            self.valueChanged.emit(path)  # put the widget back to the stored value
            return
        old = copy.deepcopy(self.value(path))
        if old == value:
            return
        settled = settle_value(self._edits, path)
        marks = (self._edits.copy(), settled) if settled.carried != self._edits.carried else None
        self.undo_stack.push(_SetValue(self, path, old, copy.deepcopy(value), label or f"Edit {'.'.join(path)}", marks))

    def set_edits(self, edits: PlanEdits, label: str) -> None:
        if self.read_only or edits.to_json() == self._edits.to_json():
            return
        self.undo_stack.push(_SetEdits(self, self._edits, edits, label))

    def unlock_for_amendment(self) -> None:
        """After signing, the clinician may start a new draft version; the signed one stays as it is."""
        self.read_only = False
        self.changed.emit()

    # --- called by the undo commands ---------------------------------------------------------------------
    def _apply_value(self, path: Path, value: Any) -> None:
        set_path(self._data, path, copy.deepcopy(value))
        self.valueChanged.emit(path)
        self.refresh_plan()
        self.changed.emit()

    def _apply_edits(self, edits: PlanEdits) -> None:
        self._edits = edits.copy()
        self._render_plan()
        self.changed.emit()

    # --- plan ----------------------------------------------------------------------------------------------
    def refresh_plan(self) -> None:
        """Validate and, when valid, regenerate the plan; an invalid entry keeps the last valid plan shown.

        A stored version shown read-only (signed, or earlier than the latest) is shown as it was stored: it is
        not validated again, so nothing about today (a machine clock behind its assessment date, a library
        changed since) can blank it or stop its export.
        """
        if self.read_only and self.record is not None:
            self.issues = []
            self.content = self.record.content
            self.plan_is_current = True
            self._render_plan()
            return
        try:
            assessment = validate_assessment(self.assessment())
        except AssessmentError as exc:
            self.issues = exc.issues
            self.plan_is_current = False
        else:
            self.issues = []
            self.content = draft_plan(self.database, assessment, self.assessment_id, visits=self._visits(assessment))
            self.plan_is_current = True
        self._render_plan()

    @property
    def library(self) -> Any:
        """The enabled document library (compiled once and cached by the store)."""
        return load_library(self.database)

    def library_exercise(self, exercise_id: str) -> dict[str, Any]:
        """A library exercise rendered for this patient, to add to the plan by hand: refused (UserError, with
        the reason) while the safety screen holds it, or while the assessment has problems to fix."""
        from planner.errors import UserError
        from planner.plan.generate import library_entry

        try:
            assessment = validate_assessment(self.assessment())
        except AssessmentError:
            raise UserError("Fix the problems listed on the Assessment tab first.") from None
        return library_entry(self.library, exercise_id, assessment, self._history(assessment))

    def exercise_choices(self) -> list[dict[str, Any]]:
        """The library's exercises with, for each, the safety screen's reasons when it holds it for this patient
        (empty while the assessment has problems to fix)."""
        from planner.plan.generate import exercise_choices

        try:
            assessment = validate_assessment(self.assessment())
        except AssessmentError:
            return []
        return exercise_choices(self.library, assessment, self._history(assessment))

    def review(self) -> list[Any]:
        """What the clinician has to review: decisions and values carried over from the last visit, and
        decisions about what this plan no longer contains (planner.plan.carry.review_entries)."""
        from planner.plan.carry import review_entries

        if self.plan is None:
            return []
        return review_entries(self._edits, self.plan, self.assessment())

    def _visits(self, assessment: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
        """The patient's stored (id, assessment) pairs, read once per session."""
        if self._stored_visits is None:
            try:
                self._stored_visits = patient_assessments(self.database, assessment["patient"]["id"])
            except NotFoundError:  # a patient not stored yet has no history
                self._stored_visits = []
        return self._stored_visits

    def _history(self, assessment: dict[str, Any]) -> list[dict[str, Any]]:
        """The patient's stored assessments before this one (by its date as edited now)."""
        return earlier_visits(self._visits(assessment), assessment["assessed_on"], self.assessment_id)

    def _render_plan(self) -> None:
        self.plan = apply_edits(self.content, self._edits) if self.content else None
        self.planChanged.emit()

    # --- storing -------------------------------------------------------------------------------------------
    def save(self) -> PlanRecord:
        """Store the assessment and the draft plan (a new version if the last one was signed)."""
        assessment = validate_assessment(self.assessment())
        if self.assessment_id is None:
            stored = store_assessment(self.database, assessment, self._edits)
            self.assessment_id = stored.assessment_id
            self.record = get_plan(self.database, stored.plan_id)
        else:
            assert self.opened is not None, "a stored assessment is opened with its plan"
            self.record = save_draft(self.database, self.assessment_id, assessment, self._edits, opened=self.opened)
        self.opened = self.record.stamp
        self.undo_stack.setClean()
        self.savedChanged.emit()
        self.changed.emit()
        return self.record

    def shown_hash(self) -> str:
        """The :func:`~planner.record.plans.draft_hash` of the plan as this screen shows it."""
        assert self.content is not None
        return draft_hash(validate_assessment(self.assessment()), self.content, self._edits.to_json())

    def shows_stored(self, shown: str | None = None) -> bool:
        """Whether the stored draft is the plan as this screen shows it (``shown``: its hash, worked out when not
        given): nothing unsaved, and nothing drafted again from a library changed since it was saved."""
        if self.dirty or self.record is None:
            return False
        return self.record.draft_hash == (shown if shown is not None else self.shown_hash())

    def sign(self, signer: str, credentials: str) -> PlanRecord:
        """Sign what the screen shows. It is saved first when it is not what is stored (unsaved entries, or a
        draft regenerated from a library changed since it was saved); the sign-off is refused if the stored
        plan then differs from the one shown, or someone changed it since it was opened."""
        shown = self.shown_hash()
        if not self.shows_stored(shown):
            self.save()
        assert self.record is not None and self.opened is not None
        try:
            self.record = sign_plan(
                self.database, self.record.id, signer, credentials, opened=self.opened, shown_hash=shown
            )
        except PlanChangedError:
            self._stored_visits = None  # show the plan as it is drafted now, to be reviewed again
            self.refresh_plan()
            raise
        self.opened = self.record.stamp
        self.read_only = True
        self.undo_stack.clear()
        self.refresh_plan()
        self.savedChanged.emit()
        self.changed.emit()
        return self.record
