"""SQLModel tables: the library (documents, passages, recommendations, definitions), the clinical record
(patients, assessments, plans, follow-up, plan parts), the audit trail, clinic settings and the database's
id. Import from here; the modules are split by what they hold."""

from planner.models.audit import AuditEntry
from planner.models.clinic_settings import ClinicSetting
from planner.models.clinical import Assessment, FollowUp, Patient, Plan, PlanPart
from planner.models.database_identity import DatabaseIdentity
from planner.models.library import Definition, Document, Passage, Recommendation

__all__ = [
    "Assessment",
    "AuditEntry",
    "ClinicSetting",
    "DatabaseIdentity",
    "Definition",
    "Document",
    "FollowUp",
    "Passage",
    "Patient",
    "Plan",
    "PlanPart",
    "Recommendation",
]
