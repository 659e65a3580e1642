"""Autosaved drafts: the assessment being typed is written to a small file a few seconds after each change,
so a crash or a power cut costs at most those seconds; the next start offers the drafts back.

Drafts live in the user data folder beside the database, one file per assessment, written atomically and
readable by the user only. A draft is removed once its assessment is saved or discarded.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.clock import utc_now


@dataclass(frozen=True, slots=True)
class Draft:
    path: Path
    patient_id: str
    patient_name: str
    assessment_id: int | None
    assessment: dict[str, Any]
    edits: dict[str, Any]
    saved_at: str


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, patient_id: str, assessment_id: int | None) -> str:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in patient_id)[:80]
        return f"{safe}-{assessment_id if assessment_id is not None else 'new'}"

    def write(
        self, patient_id: str, assessment_id: int | None, assessment: dict[str, Any], edits: dict[str, Any]
    ) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{self.key(patient_id, assessment_id)}.json"
        payload = {
            "patient_id": patient_id,
            "patient_name": (assessment.get("patient") or {}).get("name", ""),
            "assessment_id": assessment_id,
            "assessment": assessment,
            "edits": edits,
            "saved_at": utc_now().isoformat(timespec="seconds"),
        }
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".draft-", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        return target

    def remove(self, patient_id: str, assessment_id: int | None) -> None:
        (self.folder / f"{self.key(patient_id, assessment_id)}.json").unlink(missing_ok=True)

    def drafts(self) -> list[Draft]:
        found = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                found.append(
                    Draft(
                        path,
                        str(data["patient_id"]),
                        str(data.get("patient_name", "")),
                        data.get("assessment_id"),
                        dict(data["assessment"]),
                        dict(data.get("edits") or {}),
                        str(data.get("saved_at", "")),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue  # an unreadable draft is left in place for a person to look at, never deleted
        return found
