"""SQLModel tables: the library (documents, passages, recommendations, definitions) and the clinical
record (patients, assessments, plans). Import from here; the modules are split by what they hold."""

from planner.models.audit import AuditEntry
from planner.models.identity import DatabaseIdentity
from planner.models.library import Definition, Document, Passage, Recommendation
from planner.models.record import Assessment, FollowUp, Patient, Plan
from planner.models.settings import Setting

__all__ = [
    "Assessment",
    "AuditEntry",
    "DatabaseIdentity",
    "Definition",
    "Document",
    "FollowUp",
    "Passage",
    "Patient",
    "Plan",
    "Recommendation",
    "Setting",
]
