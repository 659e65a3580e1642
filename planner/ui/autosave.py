"""Autosaved drafts: the assessment being typed is written to a small file a few seconds after each change,
so a crash or a power cut costs at most those seconds; the next start offers the drafts back.

Drafts live in the user data folder beside the database, one file per assessment, written atomically and
readable by the user only. A draft is removed once its assessment is saved or discarded.

A draft's file name is a readable prefix of the patient id and a hash of the exact (patient id, assessment
id, writer), so two patients' drafts never share a file (ids differing only in characters a file name cannot
hold, or only after the first characters), nor do two windows' drafts of one assessment (each editing
session is a writer; a recovered draft's session takes over its writer); a file is read as a draft only
when its name is the one its own content calls for. A draft also records the plan row version it was typed
over, so saving it after a restart is refused like any save when someone changed the plan since.
"""

from __future__ import annotations

import hashlib
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
    opened: tuple[int, int] | None = None  # (plan id, row version) the entries were typed over
    writer: str = ""  # the editing session that wrote it ("" for drafts from before writers)


def _legacy_key(patient_id: str, assessment_id: int | None) -> str:
    """The file name drafts had before it carried a hash (they may still be waiting to be recovered)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in patient_id)[:80]
    return f"{safe}-{assessment_id if assessment_id is not None else 'new'}"


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, patient_id: str, assessment_id: int | None, writer: str = "") -> str:
        readable = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in patient_id)[:40]
        exact = json.dumps([patient_id, assessment_id, writer], ensure_ascii=False).encode("utf-8", "surrogatepass")
        digest = hashlib.sha256(exact).hexdigest()[:32]
        return f"{readable}-{assessment_id if assessment_id is not None else 'new'}-{digest}"

    def write(
        self,
        patient_id: str,
        assessment_id: int | None,
        assessment: dict[str, Any],
        edits: dict[str, Any],
        opened: tuple[int, int] | None = None,
        writer: str = "",
    ) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{self.key(patient_id, assessment_id, writer)}.json"
        payload = {
            "patient_id": patient_id,
            "patient_name": (assessment.get("patient") or {}).get("name", ""),
            "assessment_id": assessment_id,
            "assessment": assessment,
            "edits": edits,
            "opened": list(opened) if opened else None,
            "writer": writer,
            "saved_at": utc_now().isoformat(timespec="seconds"),
        }
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".draft-", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        return target

    def remove(self, patient_id: str, assessment_id: int | None, writer: str = "") -> None:
        (self.folder / f"{self.key(patient_id, assessment_id, writer)}.json").unlink(missing_ok=True)
        legacy = self.folder / f"{_legacy_key(patient_id, assessment_id)}.json"
        draft = self._read(legacy) if legacy.exists() else None
        if draft is not None and (draft.patient_id, draft.assessment_id) == (patient_id, assessment_id):
            legacy.unlink(missing_ok=True)  # only this patient's: another's may share the old name

    def _read(self, path: Path) -> Draft | None:
        """The draft in ``path``, or None when the file is unreadable or not named for what it holds."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            patient_id, assessment_id = data["patient_id"], data.get("assessment_id")
            writer = data.get("writer") or ""
            if not isinstance(patient_id, str) or not (assessment_id is None or isinstance(assessment_id, int)):
                return None
            if not isinstance(writer, str) or path.stem not in (
                self.key(patient_id, assessment_id, writer),
                _legacy_key(patient_id, assessment_id),
            ):
                return None
            opened = data.get("opened")
            return Draft(
                path,
                patient_id,
                str(data.get("patient_name", "")),
                assessment_id,
                dict(data["assessment"]),
                dict(data.get("edits") or {}),
                str(data.get("saved_at", "")),
                (int(opened[0]), int(opened[1])) if opened else None,
                writer,
            )
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def drafts(self) -> list[Draft]:
        """The drafts waiting to be recovered. A file that cannot be read, or whose name is not the one its
        content calls for, is left in place for a person to look at, never deleted."""
        found = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            draft = self._read(path)
            if draft is not None:
                found.append(draft)
        return found
