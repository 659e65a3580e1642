"""Migration 0007_search_stemming: the passages' index is rebuilt with stemming, and back on downgrade."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from alembic import command

from planner.library.search import search_passages
from planner.opening import open_database
from planner.storage.migrate import alembic_config
from tests.paths import FIXTURES

FIXTURE = FIXTURES / "schema-0002.sqlite3"


def fts_sql(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'passage_fts'").fetchone()[0]
    connection.close()
    return sql


def test_an_old_database_gets_a_stemming_index_over_its_passages(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, path)
    assert "porter" not in fts_sql(path)
    database = open_database(path)  # migrates, then loads the shipped documents (the synonyms among them)
    assert "porter unicode61" in fts_sql(path)
    with sqlite3.connect(path) as connection:
        check = connection.execute("INSERT INTO passage_fts(passage_fts, rank) VALUES ('integrity-check', 1)")
        assert check is not None  # raises when the index and the passages disagree
    connection.close()
    assert [hit.document_id for hit in search_passages(database, "passages")] == ["FIX-DOC"]  # stemmed
    assert search_passages(database, "lymphoedemas")  # stemmed, and expanded by the shipped synonyms

    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.downgrade(config, "0006_guards_and_versions")  # type: ignore[arg-type]
    assert "porter" not in fts_sql(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'synonym_fts'").fetchone() == (0,)
        hits = connection.execute("SELECT count(*) FROM passage_fts WHERE passage_fts MATCH 'lymphedema'").fetchone()
    connection.close()
    assert hits[0] > 0  # the plain index was rebuilt from the passages
    database.dispose()
