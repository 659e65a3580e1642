"""Clinic-wide settings (clinic name, address, logo, default assessor), one row per key (see
planner.storage.clinic_settings)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ClinicSetting(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str
