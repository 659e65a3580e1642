"""The library in SQLite: imports change the next plan, removals take items away, bad changes change nothing."""

from __future__ import annotations

import re
import sqlite3
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from planner.errors import DocumentError, LibraryError, NotFoundError
from planner.library import store
from planner.library.search import HIGHLIGHT_END, HIGHLIGHT_START, SearchQueryError, search_passages, search_words
from planner.library.store import (
    import_documents,
    list_documents,
    load_library,
    remove_document,
    set_document_enabled,
    sync_shipped_documents,
)
from planner.plan.generate import generate_plan
from planner.storage.search_sqlite import SEARCH_ALL, fts_query, search_match
from tests.conftest import make_assessment
from tests.paths import REPO

NEW_DOC = """---
id: CLINIC-EXTRA
title: Our aquatic therapy convention
source: Local convention
version: 1
kind: convention
---

## Aquatic therapy

Our pool programme suits patients with moderate pain who walk independently.

::: recommendation extra-aquatic
target: pt
order: 60
when: pain_band == 'moderate' and ambulation == 'independent'
title: Aquatic therapy programme
detail: Pain NRS {pain_nrs}; walks independently.
:::
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def item_ids(plan: dict[str, Any]) -> set[str]:
    return {item["id"] for section in plan["sections"] for item in section["items"]}


def snapshot(db_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute("SELECT id, version, sha256, enabled, origin FROM document ORDER BY id").fetchall()
        rows += connection.execute("SELECT id, document_id FROM recommendation ORDER BY id").fetchall()
        rows += connection.execute("SELECT count(*) FROM passage").fetchall()
    return rows


ASSESSMENT = make_assessment(pain={"nrs": 5}, function={"ambulation": "independent"})


def test_shipped_documents_are_loaded_once(db: Any) -> None:
    ids = {d.id for d in list_documents(db)}
    assert {"ANATOMY", "CLINIC"} <= ids
    assert all(d.origin == "shipped" for d in list_documents(db))
    assert sync_shipped_documents(db) == store.SyncReport([], [])


def test_import_changes_the_next_plan_and_removal_takes_it_away(db: Any, tmp_path: Path) -> None:
    assert "extra-aquatic" not in item_ids(generate_plan(ASSESSMENT, load_library(db)))
    import_documents(db, [write(tmp_path, "extra.md", NEW_DOC)])
    plan = generate_plan(ASSESSMENT, load_library(db))
    item = next(i for s in plan["sections"] for i in s["items"] if i["id"] == "extra-aquatic")
    assert item["detail"] == "Pain NRS 5; walks independently."
    assert item["evidence"][0]["document"] == "Our aquatic therapy convention"
    assert item["evidence"][0]["section"] == "Aquatic therapy"
    assert item["evidence"][0]["text"].startswith("Our pool programme")
    remove_document(db, "CLINIC-EXTRA")
    assert "extra-aquatic" not in item_ids(generate_plan(ASSESSMENT, load_library(db)))


MANY_PROBLEMS = """---
id: CLINIC-BROKEN
title: Broken in several places
source: Local convention
version: 1
kind: convention
colour: red
---

## First

::: recommendation broken-when
target: pt
when: pain_nrs >= 4 &&
  ambulation == 'independent'
title: One
:::

::: recommendation broken-field
target: pt
when: true
title: Two
colour: blue
:::

::: finding broken_finding
pain_nrs > (3 => 'high'
otherwise => 'low'
:::

::: recommendation broken-title
target: pt
when: pain_nrss > 3
title: Three {nope}
:::
"""


def test_import_lists_every_problem_of_a_file_in_line_order(db: Any, db_path: Path, tmp_path: Path) -> None:
    """Parser and compiler problems of one file come in one report (the parser's used to hide the others),
    sorted by line; an expression's problem names its column, also on a continued line."""
    before = snapshot(db_path)
    with pytest.raises(DocumentError) as caught:
        import_documents(db, [write(tmp_path, "broken.md", MANY_PROBLEMS)])
    found = [str(problem) for problem in caught.value.problems]
    assert found == [
        "line 7: unknown header key 'colour' (known: date, id, kind, publisher, source, title, version)",
        "line 14, column 21: when: '&&' is not part of this language: write 'and'",
        "line 23: unknown field 'colour' (known: cites, detail, due, exclusive, handout, level, order, screen, target, "
        "title, when)",
        "line 27, column 12: finding 'broken_finding': '(' is never closed: a ')' is missing",
        "line 33, column 7: when: unknown finding 'pain_nrss' (did you mean 'pain_nrs'?)",
        "line 34: title: unknown finding '{nope}' in the text",
    ]
    assert snapshot(db_path) == before


EVERY_KIND = """---
id: CLINIC-KINDS
title: Problems in every kind of block
source: Local convention
version: 1
kind: convention
---

## Blocks

::: exercise ex-broken
category: active
name: Knee lifts
purpose: Makes your thigh stronger.
step: Sit on a chair.
dosage: 2 sets, 10 reps, once a day
when: mrc_knee_extension == 3 and
  (pain_nrs > 4
illustration: icon-reacher
:::

::: equipment eq-broken
category: home
name: Wheat bag
purpose: Warms a sore area.
step: Warm it as the label says.
when: true
screen: heat_hold, warmth_hold
illustration: icon-reacher
:::

::: figure fig-broken
body: sitting
start: hip 90, knee 400
:::

::: finding kinds_band
pain_nrs > 3 => 'high' +
otherwise => 'low'
:::

::: table settings
| name  | value |
| ----- | ----- |
| speed | 3     |
:::
"""


def test_every_kind_of_block_names_the_column_of_its_problem(db: Any, db_path: Path, tmp_path: Path) -> None:
    """Exercises, equipment, figures, findings and tables are read by the same field and cell readers as
    recommendations: each problem in one report, in line order, at the column of the part at fault (on a
    continued ``when:`` line too)."""
    before = snapshot(db_path)
    with pytest.raises(DocumentError) as caught:
        import_documents(db, [write(tmp_path, "kinds.md", EVERY_KIND)])
    found = [str(problem) for problem in caught.value.problems]
    assert found == [
        "line 18, column 3: when: '(' is never closed: a ')' is missing",
        "line 28, column 20: screen: unknown finding 'warmth_hold'",
        "line 34, column 16: figure 'fig-broken': start: knee must be from 0 to 150, not 400",
        "line 38, column 25: finding 'kinds_band': the condition ends after '+': a value is missing",
        "line 45, column 3: unknown setting 'speed' (known: weak_mrc_at_most)",
    ], found
    assert snapshot(db_path) == before


def test_bad_document_is_rejected_whole_and_library_unchanged(db: Any, db_path: Path, tmp_path: Path) -> None:
    before = snapshot(db_path)
    bad = NEW_DOC.replace("pain_band == 'moderate'", "pain_bnad == 'moderate'")
    with pytest.raises(DocumentError) as caught:
        import_documents(db, [write(tmp_path, "bad.md", bad)])
    assert "bad.md: line 16, column 7: when: unknown finding 'pain_bnad'" in str(caught.value)
    assert snapshot(db_path) == before


def test_multi_file_import_is_all_or_nothing(db: Any, db_path: Path, tmp_path: Path) -> None:
    before = snapshot(db_path)
    good = write(tmp_path, "good.md", NEW_DOC)
    bad = write(
        tmp_path,
        "bad.md",
        NEW_DOC.replace("CLINIC-EXTRA", "OTHER")
        .replace("extra-aquatic", "x-1")
        .replace("target: pt", "target: nowhere"),
    )
    with pytest.raises(DocumentError):
        import_documents(db, [good, bad])
    assert snapshot(db_path) == before


def test_removing_a_document_others_depend_on_is_refused(db: Any, db_path: Path, tmp_path: Path) -> None:
    override = (REPO / "resources" / "documents" / "clinic.md").read_text(encoding="utf-8")
    import_documents(db, [write(tmp_path, "clinic.md", override.replace("version: ", "version: 99-local-", 1))])
    assert next(d for d in list_documents(db) if d.id == "CLINIC").origin == "imported"
    # Disabling CLINIC would leave pain_band undefined for the documents that use it.
    before = snapshot(db_path)
    with pytest.raises(LibraryError, match="would break the library"):
        set_document_enabled(db, "CLINIC", False)
    assert snapshot(db_path) == before
    # Removing the clinic's override restores the shipped version.
    remove_document(db, "CLINIC")
    restored = next(d for d in list_documents(db) if d.id == "CLINIC")
    assert restored.origin == "shipped"


def test_shipped_documents_cannot_be_removed_only_disabled(db: Any) -> None:
    with pytest.raises(LibraryError, match="disable it instead"):
        remove_document(db, "ANATOMY")
    with pytest.raises(NotFoundError):
        remove_document(db, "NO-SUCH")


def test_shipped_update_does_not_touch_clinic_imports(db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_documents(db, [write(tmp_path, "extra.md", NEW_DOC)])
    shipped_dir = tmp_path / "shipped"
    shipped_dir.mkdir()
    for path in (REPO / "resources" / "documents").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        if path.name == "anatomy.md":
            text = re.sub(r"^version: .*$", "version: 99", text, count=1, flags=re.M)
        (shipped_dir / path.name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(store, "shipped_document_paths", lambda: sorted(shipped_dir.glob("*.md")))
    report = sync_shipped_documents(db)
    assert report.updated == ["ANATOMY"] and report.added == []
    documents = {d.id: d for d in list_documents(db)}
    assert documents["ANATOMY"].version == "99"
    assert documents["CLINIC-EXTRA"].origin == "imported"


def test_search_ranks_and_highlights(db: Any) -> None:
    hits = search_passages(db, "joint position")
    assert hits, "the anatomy document talks about joint position sense"
    assert any(h.heading == "Joint position sense" for h in hits[:3])
    assert all(HIGHLIGHT_START in h.snippet and HIGHLIGHT_END in h.snippet for h in hits)
    assert search_passages(db, "zzzqqq") == []
    assert isinstance(search_passages(db, '"unbalanced OR ('), list)  # never an FTS syntax error


def test_search_follows_imports_and_removals(db: Any, tmp_path: Path) -> None:
    assert search_passages(db, "pool programme") == []
    import_documents(db, [write(tmp_path, "extra.md", NEW_DOC)])
    assert [h.document_id for h in search_passages(db, "pool programme")] == ["CLINIC-EXTRA"]
    remove_document(db, "CLINIC-EXTRA")
    assert search_passages(db, "pool programme") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [("walker", '"walker"*'), ("deep vein", '"deep" AND "vein"*'), ('a" OR b', '"a" AND "OR" AND "b"*'), ("  ", "")],
)
def test_fts_query_quotes_every_word(query: str, expected: str) -> None:
    assert fts_query(search_words(query)) == expected


def test_disabled_document_leaves_plans_and_search(db: Any, tmp_path: Path) -> None:
    import_documents(db, [write(tmp_path, "extra.md", NEW_DOC)])
    set_document_enabled(db, "CLINIC-EXTRA", False)
    assert "extra-aquatic" not in item_ids(generate_plan(ASSESSMENT, load_library(db)))
    assert search_passages(db, "pool programme") == []
    set_document_enabled(db, "CLINIC-EXTRA", True)
    assert "extra-aquatic" in item_ids(generate_plan(ASSESSMENT, load_library(db)))


# The search as it was written before it was made fast: one statement joining every match to its passage and
# document. search_passages must answer exactly this (titles, headings, snippets, ranks, order).
REFERENCE_SEARCH = (
    "SELECT p.document_id, d.title, p.heading, snippet(passage_fts, 1, :hs, :he, '…', 16), "
    "bm25(passage_fts, 4.0, 1.0) AS rank "
    "FROM passage_fts JOIN passage p ON p.id = passage_fts.rowid JOIN document d ON d.id = p.document_id "
    "WHERE passage_fts MATCH :q AND d.enabled ORDER BY rank, p.document_id, p.ordinal LIMIT :limit"
)
WORDS = ["walker", "orthosis", "neuropathic", "bandage", "gait", "transfer", "femoral", "sciatic", "lumbar"]


def tied_document(number: int) -> str:
    """Documents whose passages tie in rank (same words), in two sections with the same text, so that only
    the document id and then the passage's place break the ties."""
    text = " ".join(WORDS[(number // 3 + k) % len(WORDS)] for k in range(12))
    return "\n".join(
        [
            "---",
            f"id: TIE-{number}",
            f"title: Tied {number}",
            "source: Test",
            "version: 1",
            "kind: convention",
            "---",
            "",
            "## First section",
            "",
            text,
            "",
            "## Second section",
            "",
            text,
            "",
        ]
    )


def test_search_answers_as_the_plain_join_did(db: Any, db_path: Path, tmp_path: Path) -> None:
    # Imported out of id order (TIE-10 sorts before TIE-2), so the passage rowids do not follow the ids.
    numbers = [7, 2, 11, 0, 10, 5, 1, 9, 3, 8, 6, 4]
    import_documents(db, [write(tmp_path, f"tie-{n}.md", tied_document(n)) for n in numbers])
    queries = ["walker", "gait fem", "neuropathic gait", "sciatic lumbar", "joint position", "pain", "b", "w"]
    queries += ["lymphoedema", "orthoses gait", "walking oedema", "tumour"]  # expanded by the synonym table
    params = {"hs": HIGHLIGHT_START, "he": HIGHLIGHT_END}

    def reference(query: str, limit: int) -> list[tuple[Any, ...]]:
        with db.connection() as connection:
            match = search_match(connection, search_words(query))
        with sqlite3.connect(db_path) as connection:
            return connection.execute(REFERENCE_SEARCH, {**params, "q": match, "limit": limit}).fetchall()

    def answered(query: str, limit: int) -> list[tuple[Any, ...]]:
        return [
            (h.document_id, h.document_title, h.heading, h.snippet, h.rank) for h in search_passages(db, query, limit)
        ]

    def check_all() -> None:
        for query in queries:
            for limit in (1, 3, 10, 50):
                assert answered(query, limit) == reference(query, limit), (query, limit)

    check_all()
    hits = search_passages(db, "walker", 50)
    tied = [(a, b) for a, b in pairwise(hits) if a.rank == b.rank]
    assert any(a.document_id != b.document_id for a, b in tied), "ties between documents"
    assert any(a.document_id == b.document_id for a, b in tied), "ties within a document"
    # Disabled documents among the best passages: the statement over all documents would show them, so the
    # search must take the slower statement over the enabled ones.
    best = hits[0].document_id
    set_document_enabled(db, best, False)
    set_document_enabled(db, "TIE-10", False)
    with db.connection() as connection:
        match = search_match(connection, ["walker"])
        everything = connection.execute(
            SEARCH_ALL, {"highlight_start": HIGHLIGHT_START, "highlight_end": HIGHLIGHT_END, "match": match, "limit": 5}
        ).all()
    assert any(row[1] is None for row in everything)
    check_all()
    assert not {best, "TIE-10"} & {hit.document_id for hit in search_passages(db, "walker", 50)}


def passages_with(db_path: Path, word: str) -> set[tuple[str, str]]:
    """(document, heading) of the enabled passages whose text has ``word`` as a whole word (any case)."""
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute(
            "SELECT p.document_id, p.heading, p.heading || ' ' || p.text FROM passage p "
            "JOIN document d ON d.id = p.document_id WHERE d.enabled"
        ).fetchall()
    return {(d, h) for d, h, text in rows if word in "".join(c if c.isalnum() else " " for c in text.lower()).split()}


def found(db: Any, query: str) -> set[tuple[str, str]]:
    return {(hit.document_id, hit.heading) for hit in search_passages(db, query, limit=500)}


def test_search_finds_british_and_american_spellings_and_plural_forms(db: Any, db_path: Path) -> None:
    american = passages_with(db_path, "lymphedema")
    assert american and not passages_with(db_path, "lymphoedema")  # the shipped documents spell it one way
    assert found(db, "lymphoedema") == found(db, "lymphedema") >= american
    singular, plural = passages_with(db_path, "orthosis"), passages_with(db_path, "orthoses")
    assert singular - plural and plural - singular
    assert found(db, "orthoses") == found(db, "orthosis") >= singular | plural
    assert found(db, "tumours") >= passages_with(db_path, "tumor")  # a plural of the other spelling, stemmed
    assert found(db, "bandages") >= passages_with(db_path, "bandage")  # the stemmer alone


def test_synonyms_come_from_the_enabled_documents(db: Any, tmp_path: Path) -> None:
    set_document_enabled(db, "SEARCH-TERMS", False)
    assert found(db, "lymphoedema") == set()
    set_document_enabled(db, "SEARCH-TERMS", True)
    assert found(db, "lymphoedema")
    extra = NEW_DOC.replace(
        "## Aquatic therapy",
        "## Aquatic therapy\n\n::: table search_synonyms\n| words |\n| --- |\n| pool, hydrotherapy |\n:::",
    )
    import_documents(db, [write(tmp_path, "extra.md", extra)])
    assert [hit.document_id for hit in search_passages(db, "hydrotherapy")] == ["CLINIC-EXTRA"]
    remove_document(db, "CLINIC-EXTRA")
    assert search_passages(db, "hydrotherapy") == []


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("| walker |", "a row lists 2 to 12 words"),
        ("| walker, frame-walker |", "'frame-walker' is not one word"),
        ("| " + ", ".join(f"w{i}" for i in range(13)) + " |", "2 to 12 words"),
    ],
)
def test_synonym_rows_are_checked(db: Any, tmp_path: Path, rows: str, message: str) -> None:
    extra = NEW_DOC.replace(
        "## Aquatic therapy", f"## Aquatic therapy\n\n::: table search_synonyms\n| words |\n| --- |\n{rows}\n:::"
    )
    with pytest.raises(DocumentError, match=f"line 14: search_synonyms: .*{re.escape(message)}"):
        import_documents(db, [write(tmp_path, "extra.md", extra)])


def test_a_search_is_bounded_before_it_costs_anything(db: Any) -> None:
    pasted = "A pasted page of text. " * 500_000  # 11 MB: refused at once, before any of it is read
    with pytest.raises(SearchQueryError, match="at most 200 characters"):
        search_passages(db, pasted)
    with pytest.raises(SearchQueryError, match="at most 16"):
        search_passages(db, " ".join(["gait"] * 17))
    assert found(db, " ".join(["gait"] * 16)) == found(db, "gait")
