"""Search finds plural and other word forms, and the synonyms documents list.

The passages' full-text index is rebuilt with the Porter stemmer in front of the Unicode tokenizer, so
``bandages`` finds ``bandage`` and ``walking`` finds ``walked``; and a small full-text table holds the word
groups that documents declare the same for search (``::: table search_synonyms``: spellings such as
``lymphedema, lymphoedema`` and plurals the stemmer does not join, such as ``orthosis, orthoses``), looked
up with the same stemmer. The passages
themselves are not touched: the index is rebuilt from them. Stored documents carry no synonym table yet
(no earlier version accepted one), so the new table starts empty and is filled as documents are stored.

Revision ID: 0007_search_stemming
Revises: 0006_guards_and_versions
Create Date: 2026-12-05
"""

from alembic import op

revision = "0007_search_stemming"
down_revision = "0006_guards_and_versions"
branch_labels = None
depends_on = None

_PASSAGE_FTS = (
    "CREATE VIRTUAL TABLE passage_fts USING fts5("
    "heading, text, content='passage', content_rowid='id', tokenize='{tokenizer}')"
)
STEMMING = "porter unicode61 remove_diacritics 2"
PLAIN = "unicode61 remove_diacritics 2"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # SQLite's FTS5 only: PostgreSQL's text search is made by 0009_clinic_server
    op.execute("DROP TABLE passage_fts")
    op.execute(_PASSAGE_FTS.format(tokenizer=STEMMING))
    op.execute("INSERT INTO passage_fts(passage_fts) VALUES ('rebuild')")
    op.execute(f"CREATE VIRTUAL TABLE synonym_fts USING fts5(words, document_id UNINDEXED, tokenize='{STEMMING}')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE synonym_fts")
    op.execute("DROP TABLE passage_fts")
    op.execute(_PASSAGE_FTS.format(tokenizer=PLAIN))
    op.execute("INSERT INTO passage_fts(passage_fts) VALUES ('rebuild')")
