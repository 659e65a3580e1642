"""Document parsing and whole-library compilation: every error names the document and the line."""

from __future__ import annotations

import textwrap

import pytest

from planner.errors import DocumentError
from planner.library.compiler import compile_library, parse_roots
from planner.library.files import read_shipped_documents
from planner.library.parser import parse_document

HEADER = """---
id: TEST-DOC
title: Test document
source: Test source
version: 1
kind: convention
---
"""


def doc(body: str, header: str = HEADER) -> str:
    return header + textwrap.dedent(body)


def compile_with_shipped(text: str):
    parsed = parse_document(text, "test.md")
    documents = {d.id: d for d in read_shipped_documents()}
    documents[parsed.id] = parsed
    return compile_library(documents.values(), prefer_errors_of=parsed.id)


def problems(text: str) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        compile_with_shipped(text)
    assert caught.value.origin == "test.md"
    return [str(p) for p in caught.value.problems]


def test_shipped_library_compiles() -> None:
    library = compile_library(read_shipped_documents())
    assert len(library.muscle_groups) == 11
    assert library.document_settings["weak_mrc_at_most"] == 4
    assert {"pain_band", "lymphedema_severity", "ladder_step", "ambulation_mrc"} <= {d.name for d in library.derived}
    assert library.recommendations, "the shipped library must recommend something"


def test_passages_and_recommendations_are_read_with_lines() -> None:
    parsed = parse_document(
        doc("""
        Preamble text.

        ## First section

        Passage one.
        Second line.

        ::: recommendation test-one
        target: pt
        when: pain_nrs > 3
        title: Title {pain_nrs}
        detail: Detail that goes on
          over two lines.
        :::
        """),
        "x.md",
    )
    assert [p.heading for p in parsed.passages] == ["Test document", "First section"]
    assert parsed.passages[1].text == "Passage one.\nSecond line."
    rec = parsed.recommendations[0]
    assert (rec.id, rec.section, rec.line, rec.when_line) == ("test-one", "First section", 16, 18)
    assert rec.detail == "Detail that goes on over two lines."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no header\n", "line 1: the document must start with a '---' header line"),
        ("---\nid: X\n", "the header is not closed"),
        ("---\nid: X\ntitle: t\nsource: s\nversion: 1\nkind: opinion\n---\n", "kind must be one of"),
        (
            "---\nid: X\ntitle: t\nsource: s\nversion: 1\nkind: evidence\ncolour: red\n---\n",
            "line 7: unknown header key 'colour'",
        ),
        ("---\nid: X\ntitle: t\nversion: 1\nkind: evidence\n---\n", "header key 'source' is required"),
    ],
)
def test_header_errors(text: str, expected: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document(text, "h.md")
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("## S\n::: recommendation r1\ntarget: pt\nwhen: pain_nrs > 3\n", "line 9: block is not closed"),
        ("## S\n::: advice r1\n:::\n", "line 9: unknown block kind 'advice'"),
        (
            "## S\n::: recommendation r1\ntarget: pt\nwhen: x > 3\ntitle: t\n:::\n",
            "line 11, column 7: when: unknown finding 'x'",
        ),
        (
            "## S\n::: recommendation r1\ntarget: pt\nwhen: pain_nrs >\ntitle: t\n:::\n",
            "line 11, column 17: when: the condition ends after '>': a value is missing",
        ),
        ("## S\n::: recommendation r1\ntarget: pt\nwhen: pain_nrs + 1\ntitle: t\n:::\n", "must be true or false"),
        ("## S\n::: recommendation r1\ntarget: spa\nwhen: true\ntitle: t\n:::\n", "line 10: target must be one of"),
        ("## S\n::: recommendation r1\ntarget: alert\nwhen: true\ntitle: t\n:::\n", "an alert needs level"),
        ("## S\n::: recommendation r1\ntarget: pt\nwhen: true\n:::\n", "field 'title' is required"),
        (
            "## S\n::: recommendation r1\ntarget: pt\nwhen: true\ntitle: {nope}\n:::\n",
            "line 12: title: unknown finding",
        ),
        ("## S\n::: recommendation r1\ntarget: pt\nwhen: true\ntitle: a { b\n:::\n", "unmatched '{'"),
        ("## S\n::: recommendation r1\ntarget: pt\nwhen: true\ntitle: t\ncolor: red\n:::\n", "unknown field 'color'"),
        ("## S\n::: recommendation r1\ntarget: pt\nwhen: true\ntitle: t\norder: first\n:::\n", "order must be"),
        (
            "## S\n::: recommendation nlsp-x\ntarget: pt\nwhen: true\ntitle: t\n:::\n"
            "::: recommendation nlsp-x\ntarget: pt\nwhen: true\ntitle: t\n:::\n",
            "appears twice",
        ),
        ("## S\n::: finding pain_band\notherwise => 'x'\n:::\n", "already defined by CLINIC"),
        ("## S\n::: finding pain_nrs\notherwise => 1\n:::\n", "is a base finding"),
        ("## S\n::: finding a_one\nb_two > 1 => 1\n:::\n::: finding b_two\notherwise => a_one\n:::\n", "cycle"),
        ("## S\n::: finding mixed\npain_nrs > 3 => 'x'\notherwise => 1\n:::\n", "mixes value types"),
        ("## S\n::: finding f\nno arrow here\n:::\n", "CONDITION => VALUE"),
        ("## S\n::: table muscle_groups\n| key | movement |\n| --- | --- |\n| a | b |\n:::\n", "already defined by"),
        ("## S\n::: table settings\n| name | value |\n| --- | --- |\n| speed | 3 |\n:::\n", "unknown setting"),
        ("## S\n## S\n", "section heading 'S' appears twice"),
        ("## S\n::: recommendation r1\ntarget: pt\nwhen: true\ntitle: t\ncites: nowhere\n:::\n", "cites: write"),
        (
            "## S\n::: recommendation r1\ntarget: pt\nwhen: true\ntitle: t\ncites: CLINIC: No such section\n:::\n",
            "CLINIC has no section",
        ),
    ],
)
def test_body_errors_name_the_line(body: str, expected: str) -> None:
    found = problems(HEADER + body)
    assert any(expected in p for p in found), found


def test_recommendation_id_must_be_unique_across_library() -> None:
    shipped = read_shipped_documents()
    taken = next(r.id for d in shipped for r in d.recommendations)
    found = problems(doc(f"## S\n::: recommendation {taken}\ntarget: pt\nwhen: true\ntitle: t\n:::\n"))
    assert any("already used by" in p for p in found)


def test_oversized_and_binary_documents_refused() -> None:
    with pytest.raises(DocumentError, match="larger than"):
        parse_document(HEADER + "x" * (600 * 1024), "big.md")
    with pytest.raises(DocumentError, match="NUL"):
        parse_document(HEADER + "\x00", "nul.md")


def test_derived_findings_and_templates_evaluate() -> None:
    library = compile_with_shipped(
        doc("""
        ## S
        Text.

        ::: finding doubled_pain
        otherwise => pain_nrs * 2
        :::

        ::: recommendation test-doubled
        target: monitoring
        when: doubled_pain >= 10 and pain_band == 'moderate'
        title: Doubled {doubled_pain} {{literal}} {weak_groups}
        :::
        """)
    )
    finding = next(d for d in library.derived if d.name == "doubled_pain")
    assert finding.evaluate({"pain_nrs": 6}) == 12
    rec = next(r for r in library.recommendations if r.id == "test-doubled")
    assert (
        rec.title.render({"doubled_pain": 12.0, "weak_groups": ("hip_flexion", "knee_extension")})
        == "Doubled 12 {literal} hip flexion, knee extension"
    )


@pytest.mark.parametrize(
    ("text", "roots"),
    [
        ("L4", ("L4",)),
        ("L4-S1", ("L4", "L5", "S1")),
        ("L1-L3", ("L1", "L2", "L3")),
        ("S1-L4", None),
        ("T12", None),
        ("L4-L5-S1", None),
    ],
)
def test_parse_roots(text: str, roots: tuple[str, ...] | None) -> None:
    assert parse_roots(text) == roots


def test_format_document_lists_every_base_finding() -> None:
    from pathlib import Path

    from planner.engine.vocabulary import markdown_table

    text = (Path(__file__).parent.parent / "docs" / "document-format.md").read_text(encoding="utf-8")
    start, end = "<!-- findings-table:start -->\n", "\n<!-- findings-table:end -->"
    table = text[text.index(start) + len(start) : text.index(end)]
    assert table == markdown_table(), "regenerate the table in docs/document-format.md from markdown_table()"
