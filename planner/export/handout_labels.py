"""The handout's fixed words in each language: headings, form labels, dates and dosages.

These are the user interface of a printed page ("Your exercises", "How often", "Call us"), never clinical
advice: every sentence of advice comes from the documents or their translations (planner.library.translations).
One table per language; a language must have every label English has (a test checks it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from planner.export.pdf_text import local_time
from planner.plan.text import DRAFT_MARK

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "language": "English",
        "title": "Your plan from your therapist",
        "document": "Your plan",
        "for": "For",
        "date": "Date",
        "therapist": "Your therapist",
        "next_appointment": "Your next appointment",
        "next_checkup": "Your next check-up",
        "between": "between {start} and {end}",
        "overdue_since": "due since {date}: please call us to book it",
        "clinic_phone": "Clinic phone",
        "urgent_heading": "Urgent: do this first",
        "call_heading": "When to call us",
        "call_us": "Call us on",
        "call_overleaf": "When to call us: see the next page.",
        "phone_blank": "Phone",
        "plan_heading": "Your plan",
        "checklist": "Daily checklist",
        "exercises": "Your exercises",
        "exercise": "Exercise {number}",
        "how_to": "How to do it",
        "how_much": "How much",
        "hold": "Hold",
        "rest": "Rest",
        "for_time": "For",
        "how_often": "How often",
        "take_care": "Take care",
        "note": "Note from your therapist",
        "changed": "Your therapist set this for you.",
        "equipment": "Your equipment",
        "use_safely": "How to use it safely",
        "status_recommended": "We recommend you get this",
        "status_issued": "We gave you this",
        "status_owned": "You already have this",
        "chart": "Your exercise chart",
        "chart_help": "Tick a box on each day you do the exercise. Bring this chart to your next visit.",
        "continued": "(continued)",
        "week": "Week {number}",
        "day": "Day",
        "your_clinic": "Your clinic",
        "notes": "Notes",
        "draft_mark": DRAFT_MARK,
        "draft_note": "",
        "library_version": "Library version",
        "picture_missing": "No picture",
        "fallback_note": "",
        "stale": "",
        "missing": "",
        "page": "Page {number} of {total}",
        "generated": "Printed",
        "sections.pt": "Therapy",
        "sections.ot": "Everyday activities",
        "sections.orthosis": "Walking aids and braces",
        "sections.orthosis_not_walking": "Wheelchair and splints",
        "sections.lymphedema": "Swelling care",
        "sections.analgesia": "Managing pain",
        "sections.medical": "Tests and appointments",
        "sections.monitoring": "Check-ups",
        "months": "January February March April May June July August September October November December",
        "date_format": "{day} {month} {year}",
        "time_format": "{date}, {time}",
    },
    "es": {
        "language": "Español",
        "title": "El plan de su terapeuta",
        "document": "Su plan",
        "for": "Para",
        "date": "Fecha",
        "therapist": "Su terapeuta",
        "next_appointment": "Su próxima cita",
        "next_checkup": "Su próxima revisión",
        "between": "entre el {start} y el {end}",
        "overdue_since": "pendiente desde el {date}: llámenos para pedir la cita",
        "clinic_phone": "Teléfono de la clínica",
        "urgent_heading": "Urgente: haga esto primero",
        "call_heading": "Cuándo llamarnos",
        "call_us": "Llámenos al",
        "call_overleaf": "Cuándo llamarnos: vea la página siguiente.",
        "phone_blank": "Teléfono",
        "plan_heading": "Su plan",
        "checklist": "Lista diaria",
        "exercises": "Sus ejercicios",
        "exercise": "Ejercicio {number}",
        "how_to": "Cómo hacerlo",
        "how_much": "Cuánto",
        "hold": "Mantenga",
        "rest": "Descanse",
        "for_time": "Durante",
        "how_often": "Con qué frecuencia",
        "take_care": "Cuidado",
        "note": "Nota de su terapeuta",
        "changed": "Su terapeuta le indicó esta cantidad.",
        "equipment": "Su equipo de ayuda",
        "use_safely": "Cómo usarlo con seguridad",
        "status_recommended": "Le recomendamos conseguirlo",
        "status_issued": "Se lo hemos dado",
        "status_owned": "Usted ya lo tiene",
        "chart": "Su registro de ejercicios",
        "chart_help": "Marque una casilla cada día que haga el ejercicio. Traiga este registro a su próxima cita.",
        "continued": "(continuación)",
        "week": "Semana {number}",
        "day": "Día",
        "your_clinic": "Su clínica",
        "notes": "Notas",
        "draft_mark": "Borrador, pendiente de revisión",
        "draft_note": "Su terapeuta aún no ha firmado este plan.",
        "library_version": "Versión de las guías",
        "picture_missing": "Sin dibujo",
        "fallback_note": "Algunos textos de este plan están en inglés, porque su traducción falta o no está al "
        "día. Pida a su equipo que se los explique.",
        "stale": "en inglés: la traducción no está al día",
        "missing": "en inglés: falta la traducción",
        "page": "Página {number} de {total}",
        "generated": "Impreso",
        "sections.pt": "Terapia",
        "sections.ot": "Actividades diarias",
        "sections.orthosis": "Ayudas para caminar y férulas",
        "sections.orthosis_not_walking": "Silla de ruedas y férulas",
        "sections.lymphedema": "Cuidado de la hinchazón",
        "sections.analgesia": "Control del dolor",
        "sections.medical": "Pruebas y citas",
        "sections.monitoring": "Revisiones",
        "months": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "date_format": "{day} de {month} de {year}",
        "time_format": "{date}, {time}",
    },
}

_COUNTS: dict[str, dict[str, Any]] = {
    "en": {
        "sets": ("{sets} set of {reps}", "{sets} sets of {reps}"),
        "reps": ("{n} time", "{n} times"),
        "second": ("{n} second", "{n} seconds"),
        "minute": ("{n} minute", "{n} minutes"),
        "hour": ("{n} hour", "{n} hours"),
        "per": {1: "once a {per}", 2: "twice a {per}", None: "{n} times a {per}"},
        "every": "every {duration}",
        "every_one": {1: "every minute", 60: "every hour"},
        "day": "day",
        "week": "week",
    },
    "es": {
        "sets": ("{sets} serie de {reps}", "{sets} series de {reps}"),
        "reps": ("{n} vez", "{n} veces"),
        "second": ("{n} segundo", "{n} segundos"),
        "minute": ("{n} minuto", "{n} minutos"),
        "hour": ("{n} hora", "{n} horas"),
        "per": {1: "una vez {per}", 2: "dos veces {per}", None: "{n} veces {per}"},
        "every": "cada {duration}",
        "every_one": {1: "cada minuto", 60: "cada hora"},
        "day": "al día",  # the article goes with its noun: "al día", but "a la semana"
        "week": "a la semana",
    },
}


def labels(language: str | None) -> dict[str, str]:
    """The label table of ``language`` (English for none or an unknown one)."""
    return LABELS.get(language or "en", LABELS["en"])


def long_date(value: str | date, language: str | None) -> str:
    """A date as a patient reads it: '29 December 2026', '29 de diciembre de 2026'."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    table = labels(language)
    month = table["months"].split()[day.month - 1]
    return table["date_format"].format(day=day.day, month=month, year=day.year)


def long_datetime(value: datetime, language: str | None) -> str:
    """A printing time as a reader of ``language`` reads it, in the clinic's zone and whatever the machine's
    locale: '6 December 2026, 03:05 UTC', '6 de diciembre de 2026, 03:05 UTC'."""
    moment, zone = local_time(value)
    time = f"{moment:%H:%M} {zone}".rstrip()
    return labels(language)["time_format"].format(date=long_date(moment.date(), language), time=time)


def _plural(language: str, key: str, number: int) -> str:
    one, many = _COUNTS[language][key]
    return (one if number == 1 else many).format(n=number)


def duration(seconds: int, language: str) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return _plural(language, "hour", seconds // 3600)
    if seconds >= 60 and seconds % 60 == 0:
        return _plural(language, "minute", seconds // 60)
    return _plural(language, "second", seconds)


def dosage_rows(dosage: dict[str, Any] | None, language: str | None) -> list[tuple[str, str]]:
    """An exercise's dosage as (label, value) rows in the patient's words: how much, hold, rest, how often."""
    if not dosage:
        return []
    language = language if language in _COUNTS else "en"
    table, counts = labels(language), _COUNTS[language]
    rows: list[tuple[str, str]] = []
    sets, reps, minutes = dosage.get("sets"), dosage.get("reps"), dosage.get("minutes")
    if reps is not None:
        amount = (
            (counts["sets"][0] if sets == 1 else counts["sets"][1]).format(sets=sets, reps=reps)
            if sets
            else _plural(language, "reps", reps)
        )
        rows.append((table["how_much"], amount))
    if minutes is not None:
        rows.append((table["for_time"], _plural(language, "minute", minutes)))
    if dosage.get("hold_seconds"):
        rows.append((table["hold"], duration(dosage["hold_seconds"], language)))
    if dosage.get("rest_seconds"):
        rows.append((table["rest"], duration(dosage["rest_seconds"], language)))
    times, per, every = dosage.get("times"), dosage.get("per"), dosage.get("every_minutes")
    if times is not None and per in ("day", "week"):
        pattern = counts["per"].get(times, counts["per"][None])
        rows.append((table["how_often"], pattern.format(n=times, per=counts[per])))
    elif every is not None:
        single = counts["every_one"].get(every)  # "every hour", never "every 1 hour"
        rows.append((table["how_often"], single or counts["every"].format(duration=duration(every * 60, language))))
    return rows
