"""What a printed plan needs beyond the plan itself: the clinic header and the signing state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class ClinicInfo:
    name: str = ""
    address: str = ""
    logo_path: Path | None = None
    phone: str = ""


def short_hash(content_hash: str) -> str:
    """The first 64 bits of a signed plan's content hash in groups of four, for paper: enough to check a
    printout against the record (``planner history`` and ``db check`` show the same)."""
    head = content_hash[:16]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


@dataclass(frozen=True, slots=True)
class Signature:
    signer: str
    credentials: str
    signed_at: datetime
    content_hash: str = ""  # of what was signed (planner.record.plans.signature_hash); printed in short form


@dataclass(frozen=True, slots=True)
class ExportContext:
    clinic: ClinicInfo
    generated_at: datetime
    signature: Signature | None = None  # None: a draft, marked with DRAFT_MARK (planner.plan.text)
    plan_version: int | None = None
    figures: Mapping[str, Any] = field(default_factory=dict)
    """The library's figures by id (planner.figures.spec.FigureSpec): the handout draws each card's picture from
    them. A figure not found prints as an empty frame with a note, never as a failed export."""
