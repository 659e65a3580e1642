"""Clinic mode on a real PostgreSQL server: the guards refuse raw SQL from a clinician's own login, the roles
are enforced by the server itself (front desk reads and logs prints, never edits or signs), the signer's
login comes from the connection, ``db check`` finds a disabled guard, and search finds the same passages as
on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from planner.assessment.validate import load_assessment_file
from planner.library.search import search_passages
from planner.opening import open_database
from planner.record.assessments import save_draft, store_assessment
from planner.record.patients import list_patients
from planner.record.plans import get_plan, sign_stored_plan
from planner.storage.check import check_database
from planner.storage.errors import PermissionRefusedError
from tests.conftest import example_paths, make_assessment, url_as

pytestmark = pytest.mark.postgres


@pytest.fixture
def clinic(postgres_db: Any, logins: dict[str, str]) -> Any:
    """A clinic database (as its owner) holding one signed plan and a draft of a second version."""
    stored = store_assessment(postgres_db, load_assessment_file(example_paths()[0]))
    signed = sign_stored_plan(postgres_db, stored.plan_id, "J. Rivera", "PT")
    draft = save_draft(postgres_db, stored.assessment_id, signed.assessment, signed.edits, opened=signed.stamp)
    postgres_db.signed, postgres_db.draft = signed, draft
    return postgres_db


@pytest.fixture
def raw_as(clinic: Any) -> Iterator[Any]:
    """Plain psycopg connections as another tool would open them, as a given login (autocommit)."""
    import psycopg

    opened: list[Any] = []

    def connect(login: str) -> Any:
        connection = psycopg.connect(url_as(clinic, login), autocommit=True)
        opened.append(connection)
        return connection

    yield connect
    for connection in opened:
        connection.close()


def refused(connection: Any, statement: str, *words: str) -> str:
    import psycopg

    with pytest.raises(psycopg.Error) as caught:
        connection.execute(statement)
    message = str(caught.value)
    assert any(word in message for word in words), (statement, message)
    return message


def test_every_sql_form_that_would_rewrite_a_signed_plan_is_refused_to_a_clinician(clinic: Any, raw_as: Any) -> None:
    s, d = clinic.signed, clinic.draft
    alice = raw_as("alice")
    before = alice.execute("SELECT * FROM plan ORDER BY id").fetchall()
    columns = "id, assessment_id, version, status, assessment, packed_content, edits, library_version, created_at"
    for statement in (
        f"UPDATE plan SET status = 'draft' WHERE id = {s.id}",
        f"UPDATE plan SET edits = '{{}}' WHERE id = {s.id}",
        f"DELETE FROM plan WHERE id = {s.id}",
        f"INSERT INTO plan ({columns}) SELECT {columns} FROM plan WHERE id = {s.id} "
        "ON CONFLICT (id) DO UPDATE SET status = 'draft'",
        f"UPDATE plan SET id = {s.id + 1000} WHERE id = {d.id}",
        f"UPDATE plan SET version = {s.version} WHERE id = {d.id}",
    ):
        refused(alice, statement, "signed plan", "keeps its id", "permission denied")  # a clinician deletes nothing
    for statement in ("TRUNCATE plan CASCADE", "ALTER TABLE plan DISABLE TRIGGER plan_before_update"):
        refused(alice, statement, "permission denied", "must be owner")
    refused(alice, "DROP TRIGGER plan_before_update ON plan", "must be owner")
    refused(alice, "SET session_replication_role = replica", "permission denied")
    assert alice.execute("SELECT * FROM plan ORDER BY id").fetchall() == before
    assert check_database(clinic).ok


def test_the_audit_log_and_plan_parts_cannot_be_rewritten(clinic: Any, raw_as: Any) -> None:
    alice = raw_as("alice")
    last_id, last_hash = alice.execute("SELECT id, entry_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    values = "'2026-11-22 10:00:00', 'alice', 'plan.sign', 'plan:1', '{}'"
    for statement in (
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log WHERE id = 1",
        f"INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, entry_hash) "
        f"VALUES ({last_id + 1}, {values}, 'not the last hash', 'x')",
        f"INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, entry_hash) "
        f"VALUES (1, {values}, NULL, 'x')",
    ):
        refused(alice, statement, "append-only", "permission denied")
    # an entry in someone else's name is refused, even at the end of the chain
    refused(
        alice,
        "INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, entry_hash) "
        f"VALUES ({last_id + 1}, '2026-11-22 10:00:00', 'lena', 'plan.sign', 'plan:1', '{{}}', '{last_hash}', 'x')",
        "names the login",
    )
    part = alice.execute("SELECT hash FROM plan_part LIMIT 1").fetchone()[0]
    refused(alice, f"UPDATE plan_part SET body = 'x' WHERE hash = '{part}'", "permission denied", "cannot be changed")
    refused(alice, f"DELETE FROM plan_part WHERE hash = '{part}'", "permission denied", "cannot be deleted")
    refused(
        alice,
        f"INSERT INTO plan_part (hash, body) VALUES ('{part}', 'other') ON CONFLICT (hash) DO NOTHING",
        "cannot be replaced",
    )
    assert check_database(clinic).ok


def test_the_front_desk_cannot_update_delete_or_sign_through_raw_sql(clinic: Any, raw_as: Any) -> None:
    frank = raw_as("frank")
    d = clinic.draft
    assert frank.execute("SELECT count(*) FROM patient").fetchone()[0] == 1  # reads the patient list
    for statement in (
        f"UPDATE plan SET status = 'signed', signer = 'F', signed_at = now() WHERE id = {d.id}",
        f"UPDATE plan SET edits = '{{}}' WHERE id = {d.id}",
        f"DELETE FROM plan WHERE id = {d.id}",
        "UPDATE patient SET name = 'x'",
        "DELETE FROM patient",
        "DELETE FROM follow_up",
        "INSERT INTO patient (id, name, archived, created_at, updated_at) VALUES ('X', 'x', false, now(), now())",
        "UPDATE document SET enabled = false",
    ):
        refused(frank, statement, "permission denied")
    assert frank.execute(f"SELECT status FROM plan WHERE id = {d.id}").fetchone()[0] == "draft"


def test_a_clinician_signs_as_their_login_whatever_the_application_sends(clinic: Any, raw_as: Any) -> None:
    alice = raw_as("alice")
    d = clinic.draft
    alice.execute(
        f"UPDATE plan SET status = 'signed', signer = 'A. Okafor', signer_credentials = 'PT', signed_at = now(), "
        f"signed_login = 'lena' WHERE id = {d.id}"
    )
    assert alice.execute(f"SELECT signed_login FROM plan WHERE id = {d.id}").fetchone()[0] == "alice"


def test_roles_in_the_app_say_what_they_may_not_do(clinic: Any, logins: Any) -> None:
    """Through the planner's own functions: the front desk lists patients but is refused signing with a clear
    message, nothing changed; a clinician signs, and the plan and the audit log name their login."""
    front_desk = open_database(url_as(clinic, "frank"))
    clinician = open_database(url_as(clinic, "alice"))
    try:
        assert [p.id for p in list_patients(front_desk)] == [clinic.signed.patient_id]
        with pytest.raises(PermissionRefusedError, match="may not do this") as refusal:
            sign_stored_plan(front_desk, clinic.draft.id, "F. Desk", "none")
        assert "clinician, front desk or clinical lead" in str(refusal.value)
        assert not get_plan(clinic, clinic.draft.id).signed
        with pytest.raises(PermissionRefusedError):
            store_assessment(front_desk, make_assessment())
        signed = sign_stored_plan(clinician, clinic.draft.id, "A. Okafor", "PT")
        assert signed.signed
        from planner.storage.audit import entries

        last = entries(clinic, limit=1)[0]
        assert (last.action, last.actor) == ("plan.sign", "alice") and '"signer": "A. Okafor"' in last.detail
        from sqlalchemy import text

        with clinic.connection() as connection:
            login = connection.execute(text("SELECT signed_login FROM plan WHERE id = :id"), {"id": signed.id})
            assert login.scalar() == "alice"
        assert check_database(clinic).ok
    finally:
        front_desk.dispose()
        clinician.dispose()


def test_check_finds_a_disabled_or_missing_guard(clinic: Any) -> None:
    import psycopg

    with psycopg.connect(clinic.address.libpq_url(), autocommit=True) as owner:
        owner.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
        owner.execute("DROP TRIGGER plan_signed_no_delete ON plan")
    problems = check_database(clinic).problems
    assert "the guard trigger audit_log_no_update is disabled" in problems
    assert "the guard trigger plan_signed_no_delete is missing" in problems


SEARCHES = [
    "lymphedema",
    "lymphoedema",
    "bandages",
    "walking",
    "orthoses",
    "foot drop",
    "pain",
    "neuropathic pain",
    "radiation",
    "fall",
    "compression",
    "ankle",
    "dressing",
    "transfers",
    "the",
    "cafe",
    "pacemaker",
    "DVT",
    "MRC 4",
    "gabapentin",
    "duloxetine",
    "weak",
    "exerc",
    "sta",
]


def test_search_finds_the_same_passages_as_on_sqlite(db: Any, postgres_db: Any) -> None:
    """The shipped library, both engines: the same set of (document, heading) for every search; only the
    order may differ (ts_rank is not bm25)."""
    differences = {}
    found_any = 0
    for query in SEARCHES:
        on_sqlite = {(h.document_id, h.heading) for h in search_passages(db, query, limit=1000)}
        on_server = {(h.document_id, h.heading) for h in search_passages(postgres_db, query, limit=1000)}
        found_any += bool(on_sqlite)
        if on_sqlite != on_server:
            differences[query] = (sorted(on_sqlite - on_server), sorted(on_server - on_sqlite))
    assert differences == {}
    assert found_any >= len(SEARCHES) - 3


def test_every_word_of_the_shipped_passages_finds_the_same_passages(db: Any, postgres_db: Any) -> None:
    """Every word as the search box reads it (any length, numbers and *cm³* included), searched alone: the
    same passages on both engines, with no exception (the server reads words as SQLite's index does:
    migration 0010)."""
    from planner.library.files import read_shipped_documents

    text = " ".join(f"{p.heading} {p.text}" for document in read_shipped_documents() for p in document.passages)
    words = sorted(set("".join(c if c.isalnum() else " " for c in text.lower()).split()))  # as search_words
    assert len(words) > 1600 and {"neurology", "cm³", "is", "5"} <= set(words)
    differing = {}
    for word in words:
        on_sqlite = {(h.document_id, h.heading) for h in search_passages(db, word, limit=1000)}
        on_server = {(h.document_id, h.heading) for h in search_passages(postgres_db, word, limit=1000)}
        if on_sqlite != on_server:
            differing[word] = (len(on_sqlite), len(on_server))
    assert differing == {}


PORTER_CASES = [
    "neurology",
    "apologies",
    "possibly",
    "humbly",
    "hopping",
    "filing",
    "agreed",
    "feed",
    "generalizations",
    "oscillators",
    "conditional",
    "rational",
    "valency",
    "digitizer",
    "radically",
    "differently",
    "vilely",
    "analogously",
    "vietnamization",
    "predication",
    "operator",
    "feudalism",
    "decisiveness",
    "hopefulness",
    "callousness",
    "formality",
    "sensitivity",
    "sensibility",
    "triplicate",
    "formative",
    "formalize",
    "electricity",
    "electrical",
    "hopeful",
    "goodness",
    "revival",
    "allowance",
    "inference",
    "airliner",
    "gyroscopic",
    "adjustable",
    "defensible",
    "irritant",
    "replacement",
    "adjustment",
    "dependent",
    "adoption",
    "homologous",
    "communism",
    "activate",
    "angularity",
    "effective",
    "bowdlerize",
    "probate",
    "rate",
    "cease",
    "controll",
    "roll",
    "sky",
    "yes",
    "ying",
    "aed",
    "is",
    "as",
    "a",
    "cm³",
]
"""Words that take each rule of Porter's algorithm (the examples of his paper) and FTS5's departures from it."""


def test_the_server_stems_every_word_as_sqlites_index_does(postgres_db: Any, tmp_path: Any) -> None:
    """planner_porter is FTS5's stemmer: the same stem for every word of the shipped passages and for a word
    taking each rule, read from SQLite's own index (fts5vocab)."""
    import sqlite3

    from planner.library.files import read_shipped_documents

    text = " ".join(f"{p.heading} {p.text}" for document in read_shipped_documents() for p in document.passages)
    words = sorted(set("".join(c if c.isalnum() else " " for c in text.lower()).split()) | set(PORTER_CASES))
    index = sqlite3.connect(tmp_path / "stems.sqlite3")
    index.execute("CREATE VIRTUAL TABLE f USING fts5(w, tokenize='porter unicode61 remove_diacritics 2')")
    index.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, 'instance')")
    index.executemany("INSERT INTO f(rowid, w) VALUES (?, ?)", list(enumerate(words)))
    on_sqlite = {words[row]: term for term, row in index.execute("SELECT term, doc FROM v")}
    index.close()
    with postgres_db.connection() as connection:
        rows = connection.exec_driver_sql(
            "SELECT w, planner_porter(w) FROM unnest(%(words)s::text[]) AS w", {"words": words}
        ).all()
    assert len(rows) == len(words) > 1600
    assert {word: stem for word, stem in rows if stem != on_sqlite[word]} == {}
    assert on_sqlite["neurology"] == "neurolog" and on_sqlite["possibly"] == "possibl"


def test_a_server_search_highlights_its_matches(postgres_db: Any) -> None:
    hits = search_passages(postgres_db, "bandages")
    assert hits and all("\x02" in hit.snippet and "\x03" in hit.snippet for hit in hits[:5])
    search_passages(postgres_db, "'); DROP TABLE passage; -- :* & ! <->")  # words only, never query syntax
    assert search_passages(postgres_db, "bandage")  # the table is still there


def test_the_schema_history_goes_down_and_up_again_on_a_server(postgres_server: Any) -> None:
    """Every migration runs on PostgreSQL both ways: an empty clinic database to the newest schema, back to
    nothing, and up again."""
    from sqlalchemy import inspect

    from planner.storage.database import open_server_schema
    from planner.storage.migrate import HEAD_REVISION, current_revision, downgrade
    from tests.postgres_server import fresh_database

    with fresh_database(postgres_server) as name:
        database = open_server_schema(postgres_server.url(name))
        try:
            assert current_revision(database) == HEAD_REVISION
            downgrade(database, "base")
            with database.connection() as connection:
                assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
            database.dispose()
            import psycopg

            with psycopg.connect(postgres_server.url(name), autocommit=True) as owner:  # all else is gone: up again
                owner.execute("DROP TABLE alembic_version")
            database = open_server_schema(postgres_server.url(name))
            assert current_revision(database) == HEAD_REVISION and check_database(database).ok
        finally:
            database.dispose()


def test_backup_and_restore_a_clinic_database_with_pg_dump(
    clinic: Any, postgres_server: Any, tmp_path: Any, capsys: Any
) -> None:
    from planner.cli import run
    from planner.record.plans import plan_versions
    from tests.postgres_server import fresh_database

    dump = tmp_path / "clinic.pgdump"
    assert run(["--db", clinic.location, "db", "backup", str(dump)]) == 0
    assert dump.stat().st_size > 10_000 and not list(tmp_path.glob("*.part"))
    assert "backup of postgresql://" in capsys.readouterr().out
    with fresh_database(postgres_server) as name:
        url = postgres_server.url(name)
        assert run(["--db", url, "db", "restore", str(dump)]) == 0
        restored = open_database(url)
        try:
            report = check_database(restored)
            assert report.ok, report.problems
            assert report.counts == check_database(clinic).counts
            versions = plan_versions(restored, clinic.signed.assessment_id)
            assert [(v.version, v.content_hash) for v in versions] == [
                (v.version, v.content_hash) for v in plan_versions(clinic, clinic.signed.assessment_id)
            ]
            assert search_passages(restored, "bandages")  # the search column and its index came back
        finally:
            restored.dispose()
        capsys.readouterr()
        assert run(["--db", url, "db", "restore", str(dump)]) == 2  # not empty now: refused, nothing changed
        assert "not empty" in capsys.readouterr().err


def test_a_restore_refuses_another_databases_dump_unless_forced(
    clinic: Any, postgres_server: Any, tmp_path: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database a server restore fills is empty: the dump must be of the database this workstation last
    opened at that address, or (at an address it does not know) of one it has opened."""
    from planner.cli import run
    from planner.storage.identity import read_database_id
    from tests.postgres_server import fresh_database

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    clinic_dump, other_dump = tmp_path / "clinic.pgdump", tmp_path / "other.pgdump"
    assert run(["--db", clinic.location, "db", "backup", str(clinic_dump)]) == 0
    with fresh_database(postgres_server) as other_name:
        other = open_database(postgres_server.url(other_name))  # a database of its own: another id
        with other.connection() as connection, clinic.connection() as theirs:
            assert read_database_id(connection) != read_database_id(theirs)
        other.dispose()
        assert run(["--db", postgres_server.url(other_name), "db", "backup", str(other_dump)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "elsewhere"))  # a workstation that has opened nothing
    name = postgres_server.new_database_name("target")
    target = postgres_server.url(name)
    postgres_server.admin(f'CREATE DATABASE "{name}"')
    try:
        assert run(["--db", target, "db", "restore", str(clinic_dump)]) == 2  # the clinic was never opened here
        message = capsys.readouterr().err
        assert "cannot be shown to be a backup of" in message and "never opened" in message
        assert "Traceback" not in message
        open_database(clinic.location).dispose()  # now this workstation knows the clinic's database
        assert run(["--db", target, "db", "restore", str(clinic_dump)]) == 0
        capsys.readouterr()
        postgres_server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')  # the same address, empty again
        postgres_server.admin(f'CREATE DATABASE "{name}"')
        assert run(["--db", target, "db", "restore", str(other_dump)]) == 2
        message = capsys.readouterr().err
        assert "is a backup of another database" in message and "add --force" in message
        with psycopg_connect(target) as connection:  # nothing was restored
            assert connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
        assert run(["--db", target, "db", "restore", str(other_dump), "--force"]) == 0
    finally:
        postgres_server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def psycopg_connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def test_db_check_on_the_command_line_on_a_server(clinic: Any, capsys: Any) -> None:
    from planner.cli import run

    assert run(["--db", clinic.location, "db", "check"]) == 0
    assert "ok (2 plans, 1 signed, 1 patients" in capsys.readouterr().out


def test_a_workstation_moves_into_the_server_with_every_row_compared(db: Any, postgres_db: Any, capsys: Any) -> None:
    """A workstation with a signed plan, a draft, a follow-up, a setting and its audit log, copied into a
    server that already holds another workstation's patient under the same id: that conflict is reported and
    its records are not copied; everything else is, compared row by row; the signed hashes verify on the
    server; a second copy adds nothing."""
    from planner.cli import run
    from planner.record.plans import plan_versions
    from planner.record.visits import assessments_for
    from planner.storage.clinic_settings import get_settings, set_settings
    from planner.transfer import migrate_to

    stored = store_assessment(db, load_assessment_file(example_paths()[0]))
    signed = sign_stored_plan(db, stored.plan_id, "J. Rivera", "PT")
    save_draft(db, stored.assessment_id, signed.assessment, signed.edits, opened=signed.stamp)
    clash = store_assessment(db, make_assessment(patient={"id": "T-9", "name": "Here Person"}))
    store_assessment(postgres_db, make_assessment(patient={"id": "T-9", "name": "Other Person"}))
    set_settings(db, {"clinic_phone": "+1 555 0100"})
    same_person = {"id": "T-5", "name": "Same Person"}
    store_assessment(db, make_assessment(patient=same_person, assessed_on="2026-11-20"))
    store_assessment(postgres_db, make_assessment(patient=same_person, assessed_on="2026-10-01"))

    report = migrate_to(db, postgres_db)
    assert report.differences == [] and report.compared > 20
    assert (
        len(report.conflicts) == 1 and "patient T-9" in report.conflicts[0] and "'Other Person'" in report.conflicts[0]
    )
    assert report.copied["patients"] == 1 and report.copied["assessments"] == 2 and report.copied["plan versions"] == 3
    assert any("patient T-5 was already on the server" in note for note in report.notes)
    assert [a.assessed_on for a in assessments_for(postgres_db, "T-5")] == ["2026-11-20", "2026-10-01"]
    assert report.copied["audit entries"] > 3
    check = check_database(postgres_db)
    assert check.ok, check.problems
    server_patient = [p for p in list_patients(postgres_db) if p.id == signed.patient_id]
    here_patient = [p for p in list_patients(db) if p.id == signed.patient_id]
    assert server_patient and server_patient[0].name == here_patient[0].name
    other = next(p for p in list_patients(postgres_db) if p.id == "T-9")
    assert other.name == "Other Person"  # the server's patient was left alone
    assert get_settings(postgres_db).get("clinic_phone") == "+1 555 0100"
    copied_assessment = max(a.id for a in assessments_for(postgres_db, signed.patient_id))
    versions = plan_versions(postgres_db, copied_assessment)
    assert [(v.version, v.status, v.content_hash) for v in versions] == [
        (v.version, v.status, v.content_hash) for v in plan_versions(db, stored.assessment_id)
    ]
    assert clash.patient_created

    again = migrate_to(db, postgres_db)  # the same workstation again: nothing new, nothing doubled
    assert not again.copied.get("assessments") and not again.copied.get("audit entries")
    assert again.same["assessments"] == 2 and check_database(postgres_db).ok

    assert run(["--db", str(db.path), "db", "migrate-to", postgres_db.location]) == 1  # the conflict stands
    out = capsys.readouterr().out
    assert "CONFLICT: patient T-9" in out and "rows compared with the server's: every row compared equal" in out


SERVER_SEARCH = {
    "ADD_SYNONYMS": {"words": "walker frame", "document_id": "ANATOMY"},
    "REMOVE_SYNONYMS": {"document_id": "ANATOMY"},
    "SYNONYMS": {"word": "walker"},
    "UNINDEXED": {},
}


def test_every_hand_written_statement_runs_on_a_server(postgres_db: Any) -> None:
    """The statements of planner.storage.queries (and the server's search) on a clinic database holding a
    signed plan, as tests/test_queries.py runs them on SQLite."""
    from planner.storage import queries, search_postgres
    from tests.storage.test_queries import PORTABLE, _run_all, statements

    stored = store_assessment(postgres_db, make_assessment(patient={"id": "Q-1", "name": "Query Patient"}))
    sign_stored_plan(postgres_db, stored.plan_id, "J. Rivera", "PT")
    results = _run_all(postgres_db, queries, PORTABLE)
    assert [row[0] for row in results["PATIENT_LIST"]] == ["Q-1"]
    assert results["PATIENT_FOLLOW_UPS"] and results["EVERY_PLAN_PART"]
    assert [row[0] for row in results["AUDIT_ENTRIES_OF"]] == [f"plan:{stored.plan_id}"]
    assert set(statements(search_postgres)) == set(SERVER_SEARCH)
    found = _run_all(postgres_db, search_postgres, SERVER_SEARCH)
    assert found["UNINDEXED"] == [(0,)]


def test_the_password_is_asked_for_once_and_never_shown_or_stored(
    postgres_db: Any, postgres_server: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """A login that must give a password: libpq's PGPASSWORD works; without it the planner asks once (the
    app's dialog, the terminal's prompt) and keeps the answer in memory only; a wrong one is a clear refusal."""
    from planner.cli import run
    from planner.errors import StorageError
    from tests.postgres_server import PASSWORD_LOGIN

    if postgres_server.external_url is not None:
        pytest.skip("the password login exists on the throwaway server only")
    postgres_server.admin(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PASSWORD_LOGIN}') THEN "
        f"CREATE ROLE {PASSWORD_LOGIN} LOGIN PASSWORD 's3cret'; END IF; END $$"
    )
    postgres_server.admin(f"GRANT planner_clinician TO {PASSWORD_LOGIN}")
    url = url_as(postgres_db, PASSWORD_LOGIN)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    asked: list[str] = []

    def ask(shown: str) -> str:
        asked.append(shown)
        return "s3cret"

    database = open_database(url, ask_password=ask)
    try:
        assert len(asked) == 1 and "s3cret" not in asked[0] and PASSWORD_LOGIN in asked[0]
        assert list_patients(database) == [] and len(asked) == 1  # new connections reuse it: asked once
        assert "s3cret" not in database.location and "s3cret" not in repr(database.address)
    finally:
        database.dispose()
    with pytest.raises(StorageError, match="refused the login"):
        open_database(url, ask_password=lambda shown: "wrong")
    with pytest.raises(StorageError, match="refused the login"):
        open_database(url)  # no way to ask: said so, not a traceback
    monkeypatch.setenv("PGPASSWORD", "s3cret")  # libpq's own convention
    assert run(["--db", url, "db", "check"]) == 0
    assert "s3cret" not in capsys.readouterr().out


def test_an_owner_without_superuser_rights_sets_up_a_clinic_database(postgres_server: Any, logins: Any) -> None:
    """As the README says: an owner login with CREATEROLE, a database it owns; opening it as that owner makes
    the schema, the guards, the search and the grants; a clinician then works in it."""
    from tests.postgres_server import fresh_database

    postgres_server.admin(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'planner_owner') THEN "
        "CREATE ROLE planner_owner LOGIN CREATEROLE; END IF; END $$"
    )
    with fresh_database(postgres_server) as name:
        postgres_server.admin(f'ALTER DATABASE "{name}" OWNER TO planner_owner')
        owner = open_database(postgres_server.url(name, "planner_owner"))
        try:
            report = check_database(owner)
            assert report.ok and report.counts["documents"] > 10, report.problems
        finally:
            owner.dispose()
        clinician = open_database(postgres_server.url(name, "alice"))
        try:
            stored = store_assessment(clinician, make_assessment())
            assert sign_stored_plan(clinician, stored.plan_id, "A. Okafor", "PT").signed_login == "alice"
            assert search_passages(clinician, "bandages")
        finally:
            clinician.dispose()


@pytest.mark.slow
def test_a_workstation_killed_mid_write_loses_nothing_committed_and_blocks_no_one(postgres_db: Any) -> None:
    """SIGKILL a writer at random moments, 15 times: every record it said was stored is there whole, nothing
    half-written remains, and the write lock it may have held is gone at once (the server ends the dead
    connection's transaction), so the next save goes through."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    from sqlalchemy import text

    from tests.conftest import REPO

    rng = random.Random(20261206)
    confirmed: set[tuple[int, int]] = set()
    for round_number in range(15):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.durability_writer", postgres_db.location, f"K{round_number}", "10000"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        output, _ = child.communicate()
        for line in output.splitlines():
            if line.startswith("stored "):
                _, assessment_id, plan_id, _tag = line.split()
                confirmed.add((int(assessment_id), int(plan_id)))
        started = time.monotonic()
        store_assessment(postgres_db, make_assessment(patient={"id": f"AFTER-{round_number}", "name": "After Kill"}))
        assert time.monotonic() - started < 5, "a killed writer's lock held the next save"
    assert len(confirmed) > 5, "the writer should have committed some records between kills"
    with postgres_db.connection() as connection:
        plans = dict(connection.execute(text("SELECT id, assessment_id FROM plan")).all())
        orphans = connection.execute(
            text(
                "SELECT count(*) FROM assessment a WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.assessment_id = "
                "a.id) OR NOT EXISTS (SELECT 1 FROM patient t WHERE t.id = a.patient_id)"
            )
        ).scalar()
    assert all(plans.get(plan_id) == assessment_id for assessment_id, plan_id in confirmed)
    assert orphans == 0
    assert check_database(postgres_db).ok
