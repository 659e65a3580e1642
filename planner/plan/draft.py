"""One way to draft a plan: the assessment, the compiled library and the patient's history, then generation.

Every caller with a database drafts through :func:`draft_plan` (the app's editor on every change, storing an
assessment, saving a draft, the patient's latest plan for ``planner plan --patient`` and the history, ``planner
plan FILE`` and ``planner export FILE``), so a plan printed from the command line compares with the patient's
earlier visits exactly as the one the app shows. :func:`planner.plan.generate.generate_plan` stays the pure step
underneath (the benchmarks, the plan lint and the demo data call it with a library and history they made
themselves).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planner.library.store import load_library
from planner.plan.generate import generate_plan

if TYPE_CHECKING:
    from sqlmodel import Session

    from planner.library.compiler import CompiledLibrary
    from planner.storage.database import Database


def draft_plan(
    database: Database,
    assessment: dict[str, Any],
    assessment_id: int | None = None,
    *,
    session: Session | None = None,
    library: CompiledLibrary | None = None,
    language: str | None = None,
    visits: list[tuple[int, dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The draft plan for ``assessment`` with the patient's earlier stored assessments as its history.

    ``assessment_id`` names the stored assessment this is (its own row is never its history; visits stored on the
    same day before it are); None is a new visit, which follows every stored one. A patient not stored has no
    history. ``session`` reads the history inside the caller's transaction (storing and saving do);
    ``library`` spares a caller that already holds the compiled library a second look-up; ``language`` prints
    the patient's texts in that language instead of the patient's own (``planner export --language``).
    ``visits`` are the patient's stored (id, assessment) pairs when the caller already holds them: the app's
    editor reads them once per open patient, so that a keystroke redrafts without reading the database.
    """
    from planner.record.visits import earlier_visits, stored_history

    library = library or load_library(database)
    if visits is not None:
        history = earlier_visits(visits, assessment["assessed_on"], assessment_id)
    elif session is not None:
        history = stored_history(session, assessment, assessment_id)
    else:
        with database.read() as reading:
            history = stored_history(reading, assessment, assessment_id)
    return generate_plan(assessment, library, history, language)


@dataclass(frozen=True, slots=True)
class Draft:
    """A plan drafted before a write transaction, with what it was drafted from, so that the write can tell
    whether it is still the plan for what is stored (:func:`draft_to_store`)."""

    assessment: dict[str, Any]
    history: list[dict[str, Any]]
    content: dict[str, Any]


def draft_before_writing(
    database: Database, assessment: dict[str, Any], assessment_id: int | None, library: CompiledLibrary
) -> Draft:
    """Draft the plan a write will store, before the write takes the database's write lock.

    Drafting is the slow, pure part of storing or saving; done under the lock, every other workstation's
    save would queue behind it. The history is read in a short read transaction of its own and the plan is
    generated with no transaction open."""
    from planner.record.visits import stored_history

    with database.read() as reading:
        history = stored_history(reading, assessment, assessment_id)
    return Draft(assessment, history, generate_plan(assessment, library, history))


def draft_to_store(
    session: Session,
    draft: Draft,
    assessment: dict[str, Any],
    assessment_id: int | None,
    library: CompiledLibrary,
) -> dict[str, Any]:
    """The plan to store, inside the write transaction: ``draft`` when it was drafted from this assessment
    and from the history stored now; drafted again here otherwise (another visit of the patient was stored
    or saved between the draft and the write), so what is stored is always the plan of what is stored."""
    from planner.record.visits import stored_history

    history = stored_history(session, assessment, assessment_id)
    if assessment == draft.assessment and history == draft.history:
        return draft.content
    return generate_plan(assessment, library, history)
