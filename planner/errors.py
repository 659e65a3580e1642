"""The errors a user can cause, kept apart from bugs.

Every subclass of :class:`UserError` carries a message that names what was wrong (the file, the field or
line, and the rule broken) and is shown as it is, by the command line (exit status 2) and by the GUI (a
dialog or an inline note). Anything else that escapes is a bug: it is logged, never shown as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """Bad input or a refused request: the message is for the user."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a document: where (1-based line, 0 when it is about the whole file; 1-based column
    within the line, 0 when it is about the whole line) and what."""

    line: int
    message: str
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.message
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


class DocumentError(UserError):
    """A guidance document was rejected; nothing of it was stored.

    ``partial`` is what could be read of a document the parser refused (a ParsedDocument without the parts
    that had problems), so the library compiler can check the rest and every problem of the file is reported
    at once; None when the file could not be read at all.
    """

    def __init__(
        self, origin: str, problems: list[Problem], document_id: str | None = None, partial: object = None
    ) -> None:
        self.origin = origin
        self.problems = sorted(problems, key=lambda p: (p.line, p.column))
        self.document_id = document_id
        self.partial = partial
        super().__init__(self._format())

    def _format(self) -> str:
        shown = self.problems[:20]
        lines = [f"{self.origin}: {problem}" for problem in shown]
        if len(self.problems) > len(shown):
            lines.append(f"{self.origin}: ... and {len(self.problems) - len(shown)} more problems")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One field of an assessment that breaks a rule of lsp-assessment/1.

    ``field`` and ``rule`` are the format's words (the command line prints them); ``code`` names the kind of
    rule and ``params`` its figures (bounds, choices, the other field), so a screen can say the same thing in
    the words of its own labels ("Left leg, point 2: enter a circumference between 5 and 150 cm").
    """

    field: str
    rule: str
    code: str = ""
    params: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return f"{self.field}: {self.rule}" if self.field else self.rule

    def param(self, name: str, default: object = None) -> object:
        return dict(self.params).get(name, default)


class AssessmentError(UserError):
    """An assessment that does not follow lsp-assessment/1; every issue names its field."""

    def __init__(self, issues: list[FieldIssue], origin: str | None = None) -> None:
        self.issues = issues
        self.origin = origin
        prefix = f"{origin}: " if origin else ""
        super().__init__("\n".join(f"{prefix}{issue}" for issue in issues))


class NotFoundError(UserError):
    """A patient, assessment, plan or document that does not exist."""


class LibraryError(UserError):
    """A change to the document library that would leave it inconsistent (refused, nothing changed)."""


class StorageError(UserError):
    """The database could not be read or written; the message says what to do."""


class DamagedDataError(StorageError):
    """Stored data that no longer matches its own checksum: damage SQLite cannot see (a changed byte inside a
    text). Nothing is drafted or written from it."""


class EvaluationError(UserError):
    """A document's condition or derived finding failed while a plan was drafted. The message names the
    document and the recommendation or finding, and the kind of failure; never a value of the patient's (an
    exception's own message may quote one, so it is not repeated)."""

    def __init__(self, document_id: str, what: str, error: BaseException) -> None:
        super().__init__(
            f"{document_id}: {what} could not be evaluated ({type(error).__name__}); the plan was not drafted. "
            "Check the document with 'planner docs check'."
        )
