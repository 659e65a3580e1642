"""What a printed plan needs beyond the plan itself: the clinic header and the signing state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ClinicInfo:
    name: str = ""
    address: str = ""
    logo_path: Path | None = None


@dataclass(frozen=True, slots=True)
class Signature:
    signer: str
    credentials: str
    signed_at: datetime


@dataclass(frozen=True, slots=True)
class ExportContext:
    clinic: ClinicInfo
    generated_at: datetime
    signature: Signature | None = None  # None: a draft, marked "Draft, for clinician review"
    plan_version: int | None = None
