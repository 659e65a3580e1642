"""A clinic server's own schema (PostgreSQL): the guards, the text search and the roles, as migration 0009 makes
them, and ``planner db check``'s comparison of a server's guards with them.

The guards refuse what the SQLite triggers of planner.storage.guards refuse, with the same messages. SQLite's
REPLACE conflicts do not exist here; ``INSERT ... ON CONFLICT DO UPDATE`` fires the update guards, and
TRUNCATE (which fires no row trigger) has a statement guard of its own. The trigger functions and triggers
belong to the schema's owner: a clinic's logins are members of the planner's group roles, never the owner,
so none of them can drop or disable a guard (``ALTER TABLE`` and ``DROP TRIGGER`` need ownership;
``session_replication_role`` a superuser).

Signing is guarded by the server too: a plan becomes signed only by a member of ``planner_clinician``, and
``signed_login`` is set to the connection's login whatever the application sent; each audit entry's actor
must be the connection's login (the schema's owner alone may write other actors: copying a workstation's
log in, planner.storage.transfer).

Changing anything here changes what a new clinic database gets: do it with a new migration that carries its
own copy of the statements it runs.
"""

from __future__ import annotations

from typing import Any

ROLES = ("planner_front_desk", "planner_clinician", "planner_clinical_lead")
"""The group roles, each with the rights of the one before it and more."""
ROLE_NAMES = {
    "planner_front_desk": "front desk",
    "planner_clinician": "clinician",
    "planner_clinical_lead": "clinical lead",
}

SEARCH_CONFIGURATION = "planner_search"
"""The text search configuration: words without accents (unaccent), then the Porter stemmer (as SQLite's
``porter unicode61 remove_diacritics 2``), no stop words."""

WORD_SEPARATORS = "/@._:"
"""Characters PostgreSQL's parser keeps inside one token (a path such as mg/day, an e-mail, a host, a decimal
number) where SQLite's unicode61 tokenizer, like the search box, separates words: they become spaces first."""


def search_text(column: str) -> str:
    """The SQL of a column's text as the index reads it: separators as spaces."""
    return f"translate({column}, '{WORD_SEPARATORS}', '{' ' * len(WORD_SEPARATORS)}')"


PASSAGE_VECTOR = (
    f"setweight(to_tsvector('{SEARCH_CONFIGURATION}', {search_text('heading')}), 'A') || "
    f"setweight(to_tsvector('{SEARCH_CONFIGURATION}', {search_text('text')}), 'D')"
)
"""A passage's search vector: the heading weighted A, the text D (ranked above and below one another)."""

_REFUSE = """CREATE FUNCTION planner_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
END $$"""

_PLAN_BEFORE_UPDATE = """CREATE FUNCTION planner_plan_before_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION USING MESSAGE = 'a signed plan cannot be changed; amend it as a new version',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.assessment_id IS DISTINCT FROM OLD.assessment_id
            OR NEW.version IS DISTINCT FROM OLD.version THEN
        RAISE EXCEPTION USING MESSAGE = 'a plan keeps its id, assessment and version',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.row_version IS NOT DISTINCT FROM OLD.row_version THEN
        NEW.row_version := OLD.row_version + 1;
    END IF;
    IF NEW.status = 'signed' THEN
        IF NOT (pg_has_role(session_user, 'planner_clinician', 'MEMBER')
                OR pg_has_role(session_user, (SELECT tableowner FROM pg_tables
                    WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME), 'MEMBER')) THEN
            RAISE EXCEPTION USING MESSAGE = 'only a clinician may sign a plan', ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.signed_login := session_user;
    END IF;
    RETURN NEW;
END $$"""

_PLAN_BEFORE_INSERT = """CREATE FUNCTION planner_plan_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'signed' THEN
        IF NOT (pg_has_role(session_user, 'planner_clinician', 'MEMBER')
                OR pg_has_role(session_user, (SELECT tableowner FROM pg_tables
                    WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME), 'MEMBER')) THEN
            RAISE EXCEPTION USING MESSAGE = 'only a clinician may sign a plan', ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END $$"""

_AUDIT_BEFORE_INSERT = """CREATE FUNCTION planner_audit_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL OR NEW.id <= (SELECT coalesce(max(id), 0) FROM audit_log)
            OR NEW.prev_hash IS DISTINCT FROM (SELECT entry_hash FROM audit_log ORDER BY id DESC LIMIT 1) THEN
        RAISE EXCEPTION USING
            MESSAGE = 'the audit log is append-only: an entry goes after the last one and names its hash',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.actor IS DISTINCT FROM session_user::text AND NOT pg_has_role(session_user,
            (SELECT tableowner FROM pg_tables WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME),
            'MEMBER') THEN
        RAISE EXCEPTION USING MESSAGE = 'an audit entry names the login that wrote it',
            ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$"""

_PART_BEFORE_INSERT = """CREATE FUNCTION planner_part_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM plan_part WHERE id = NEW.id OR (hash = NEW.hash AND body IS DISTINCT FROM NEW.body)) THEN
        RAISE EXCEPTION USING MESSAGE = 'a stored plan part cannot be replaced',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$"""

_IDENTITY_BEFORE_INSERT = """CREATE FUNCTION planner_identity_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM database_identity) THEN
        RAISE EXCEPTION USING MESSAGE = 'the database id cannot be changed',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$"""

FUNCTIONS = {
    "planner_refuse": _REFUSE,
    "planner_plan_before_update": _PLAN_BEFORE_UPDATE,
    "planner_plan_before_insert": _PLAN_BEFORE_INSERT,
    "planner_audit_before_insert": _AUDIT_BEFORE_INSERT,
    "planner_part_before_insert": _PART_BEFORE_INSERT,
    "planner_identity_before_insert": _IDENTITY_BEFORE_INSERT,
}


def _refuse(name: str, when: str, table: str, message: str, condition: str = "") -> tuple[str, str]:
    clause = f" WHEN ({condition})" if condition else ""
    level = "STATEMENT" if when == "BEFORE TRUNCATE" else "ROW"
    return name, (
        f"CREATE TRIGGER {name} {when} ON {table} FOR EACH {level}{clause} EXECUTE FUNCTION planner_refuse('{message}')"
    )


def _call(name: str, when: str, table: str, function: str) -> tuple[str, str]:
    return name, f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"


TRIGGERS: dict[str, str] = dict(
    [
        _call("plan_before_update", "BEFORE UPDATE", "plan", "planner_plan_before_update"),
        _call("plan_before_insert", "BEFORE INSERT", "plan", "planner_plan_before_insert"),
        _refuse(
            "plan_signed_no_delete", "BEFORE DELETE", "plan", "a signed plan cannot be deleted", "OLD.status = 'signed'"
        ),
        _refuse("plan_no_truncate", "BEFORE TRUNCATE", "plan", "a signed plan cannot be deleted"),
        _call("audit_log_append_only", "BEFORE INSERT", "audit_log", "planner_audit_before_insert"),
        _refuse("audit_log_no_update", "BEFORE UPDATE", "audit_log", "the audit log is append-only"),
        _refuse("audit_log_no_delete", "BEFORE DELETE", "audit_log", "the audit log is append-only"),
        _refuse("audit_log_no_truncate", "BEFORE TRUNCATE", "audit_log", "the audit log is append-only"),
        _call("plan_part_no_replace", "BEFORE INSERT", "plan_part", "planner_part_before_insert"),
        _refuse("plan_part_no_update", "BEFORE UPDATE", "plan_part", "a stored plan part cannot be changed"),
        _refuse("plan_part_no_delete", "BEFORE DELETE", "plan_part", "a stored plan part cannot be deleted"),
        _refuse("plan_part_no_truncate", "BEFORE TRUNCATE", "plan_part", "a stored plan part cannot be deleted"),
        _call("database_identity_single", "BEFORE INSERT", "database_identity", "planner_identity_before_insert"),
        _refuse(
            "database_identity_no_update", "BEFORE UPDATE", "database_identity", "the database id cannot be changed"
        ),
        _refuse(
            "database_identity_no_delete", "BEFORE DELETE", "database_identity", "the database id cannot be changed"
        ),
        _refuse(
            "database_identity_no_truncate", "BEFORE TRUNCATE", "database_identity", "the database id cannot be changed"
        ),
    ]
)

SEARCH = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH DICTIONARY planner_stem (TEMPLATE = snowball, Language = porter)",
    f"CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIGURATION} (COPY = simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIGURATION} ALTER MAPPING FOR asciiword, word, hword, hword_part, "
    "asciihword, hword_asciipart, numword, numhword WITH unaccent, planner_stem",
    f"ALTER TABLE passage ADD COLUMN search tsvector GENERATED ALWAYS AS ({PASSAGE_VECTOR}) STORED",
    "CREATE INDEX ix_passage_search ON passage USING gin (search)",
    "CREATE TABLE search_synonym (id serial PRIMARY KEY, words text NOT NULL, "
    "document_id varchar NOT NULL REFERENCES document (id) ON DELETE CASCADE, "
    f"search tsvector GENERATED ALWAYS AS (to_tsvector('{SEARCH_CONFIGURATION}', words)) STORED)",
    "CREATE INDEX ix_search_synonym_search ON search_synonym USING gin (search)",
    "CREATE INDEX ix_search_synonym_document ON search_synonym (document_id)",
)

_READ = (
    "patient",
    "assessment",
    "plan",
    "plan_part",
    "follow_up",
    "document",
    "passage",
    "recommendation",
    "definition",
    "setting",
    "audit_log",
    "database_identity",
    "alembic_version",
    "search_synonym",
)
GRANTS = (
    *(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"CREATE ROLE {role} NOLOGIN; END IF; END $$"
        for role in ROLES
    ),
    "GRANT planner_front_desk TO planner_clinician",
    "GRANT planner_clinician TO planner_clinical_lead",
    f"GRANT SELECT ON {', '.join(_READ)} TO planner_front_desk",
    "GRANT INSERT ON audit_log TO planner_front_desk",  # printing a handout is logged
    "GRANT INSERT, UPDATE ON patient, assessment, plan, follow_up TO planner_clinician",
    "GRANT DELETE ON follow_up TO planner_clinician",  # a new plan version rewrites its follow-up rows
    "GRANT INSERT ON plan_part TO planner_clinician",
    "GRANT USAGE ON SEQUENCE plan_part_id_seq TO planner_clinician",
    "GRANT USAGE ON SEQUENCE assessment_id_seq, plan_id_seq, follow_up_id_seq TO planner_clinician",
    "GRANT INSERT, UPDATE, DELETE ON document, passage, recommendation, definition, search_synonym, setting "
    "TO planner_clinical_lead",
    "GRANT USAGE ON SEQUENCE passage_id_seq, definition_id_seq, search_synonym_id_seq TO planner_clinical_lead",
)

SCHEMA: tuple[str, ...] = (*FUNCTIONS.values(), *TRIGGERS.values(), *SEARCH, *GRANTS)
"""Every statement of migration 0009 on PostgreSQL, in order."""

DROP_SCHEMA: tuple[str, ...] = (
    "DROP TABLE search_synonym",
    "DROP INDEX ix_passage_search",
    "ALTER TABLE passage DROP COLUMN search",
    f"DROP TEXT SEARCH CONFIGURATION {SEARCH_CONFIGURATION}",
    "DROP TEXT SEARCH DICTIONARY planner_stem",
    *(f"DROP TRIGGER {name} ON {sql.split(' ON ')[1].split()[0]}" for name, sql in TRIGGERS.items()),
    *(f"DROP FUNCTION {name}()" for name in FUNCTIONS),
)


def _normalized(sql: str) -> str:
    return " ".join(sql.split())


def guard_problems(connection: Any) -> list[str]:
    """The guards missing from the server database on ``connection``, disabled, or whose function differs from
    the planner's."""
    from sqlalchemy import text

    stored = dict(connection.execute(text("SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal")).all())
    problems = []
    for name in TRIGGERS:
        if name not in stored:
            problems.append(f"the guard trigger {name} is missing")
        elif stored[name] == "D":
            problems.append(f"the guard trigger {name} is disabled")
    bodies = dict(connection.execute(text("SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'planner%'")).all())
    for name, sql in FUNCTIONS.items():
        expected = sql.split("$$")[1]
        if name not in bodies:
            problems.append(f"the guard function {name} is missing")
        elif _normalized(bodies[name]) != _normalized(expected):
            problems.append(f"the guard function {name} differs from the planner's")
    return problems
