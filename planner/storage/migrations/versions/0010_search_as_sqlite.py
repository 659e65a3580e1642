"""Clinic server: search reads words as SQLite's index does, so both find the same passages.

Migration 0009 indexed passages on PostgreSQL through its own parser and Snowball's Porter stemmer. Both
differ from SQLite's FTS5 index (``porter unicode61 remove_diacritics 2``) in small ways that change what a
search finds: Snowball's stemmer is Porter's published algorithm, FTS5's is Porter's own C version (``logi``
-> ``log`` and ``bli`` -> ``ble`` in step 2, so *neurology* stems as *neurological* does), FTS5 leaves
words of fewer than 3 or more than 64 bytes unstemmed, and PostgreSQL's parser does not keep a superscript
or fraction digit in a word (*cm³*) where FTS5's tokenizer does.

So the index no longer goes through a text search configuration. Three functions do what FTS5 does:
``planner_porter`` is FTS5's Porter stemmer, step for step and byte for byte (its rules as tables);
``planner_search_words`` splits a text into words at what is not a letter or a number (as unicode61 does),
folds case, removes accents (``unaccent``) and stems; ``planner_search_vector`` and ``planner_search_query``
make a ``tsvector`` and a ``tsquery`` of those words (lexemes taken as they are, never re-parsed). The passage
and synonym columns are made again from them. Nothing changes on SQLite.

The SQL is here, not imported: a later change goes in a new migration with its own copy.

Revision ID: 0010_search_as_sqlite
Revises: 0009_clinic_server
Create Date: 2026-12-06
"""

from alembic import op

revision = "0010_search_as_sqlite"
down_revision = "0009_clinic_server"
branch_labels = None
depends_on = None

_GOBBLE = r"""CREATE FUNCTION planner_porter_gobble(b bytea, first integer, count integer, prev_consonant boolean)
RETURNS integer LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    i integer := 0;
    consonant boolean := prev_consonant;
    c integer;
BEGIN
    -- FTS5's fts5PorterGobbleVC: past the first vowel, then the first consonant; 0 when there is none.
    WHILE i < count LOOP
        c := get_byte(b, first + i);
        consonant := NOT (c IN (97, 101, 105, 111, 117) OR (consonant AND c = 121));
        EXIT WHEN NOT consonant;
        i := i + 1;
    END LOOP;
    i := i + 1;
    WHILE i < count LOOP
        c := get_byte(b, first + i);
        consonant := NOT (c IN (97, 101, 105, 111, 117) OR (consonant AND c = 121));
        IF consonant THEN
            RETURN i + 1;
        END IF;
        i := i + 1;
    END LOOP;
    RETURN 0;
END $$"""

_MEASURE = r"""CREATE FUNCTION planner_porter_holds(b bytea, count integer, rule text)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    n integer := planner_porter_gobble(b, 0, count, false);
    i integer;
    c integer;
    consonant boolean := false;
    mask integer := 0;
BEGIN
    -- Porter's conditions on the first ``count`` bytes: m > 0, m > 1, m = 1, m > 1 and *S or *T, *v*, *o.
    IF rule = '' THEN
        RETURN true;
    ELSIF rule = 'm>0' THEN
        RETURN n > 0;
    ELSIF rule = 'm>1' THEN
        RETURN n > 0 AND planner_porter_gobble(b, n, count - n, true) > 0;
    ELSIF rule = 'm=1' THEN
        RETURN n > 0 AND planner_porter_gobble(b, n, count - n, true) = 0;
    ELSIF rule = 'm>1st' THEN
        IF count = 0 OR get_byte(b, count - 1) NOT IN (115, 116) THEN
            RETURN false;
        END IF;
        RETURN n > 0 AND planner_porter_gobble(b, n, count - n, true) > 0;
    ELSIF rule = 'v' THEN
        FOR i IN 0 .. count - 1 LOOP
            c := get_byte(b, i);
            IF c IN (97, 101, 105, 111, 117) OR (i > 0 AND c = 121) THEN
                RETURN true;
            END IF;
        END LOOP;
        RETURN false;
    ELSIF rule = 'o' THEN
        IF count = 0 OR get_byte(b, count - 1) IN (119, 120, 121) THEN
            RETURN false;
        END IF;
        FOR i IN 0 .. count - 1 LOOP
            c := get_byte(b, i);
            consonant := NOT (c IN (97, 101, 105, 111, 117) OR (consonant AND c = 121));
            mask := ((mask << 1) + consonant::integer) & 7;
        END LOOP;
        RETURN mask = 5;
    END IF;
    RAISE EXCEPTION 'unknown Porter condition %', rule;
END $$"""

_STEP = r"""CREATE FUNCTION planner_porter_step(INOUT b bytea, rules text[], OUT fired boolean)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    k integer;
    n integer := length(b);
    suffix bytea;
BEGIN
    -- The first rule whose suffix ends the word decides (FTS5's generated steps): replaced when its
    -- condition holds on the rest, else the word is left as it is.
    fired := false;
    FOR k IN 1 .. coalesce(array_length(rules, 1), 0) LOOP
        suffix := convert_to(rules[k][1], 'UTF8');
        IF n > length(suffix) AND substring(b FROM n - length(suffix) + 1) = suffix THEN
            IF planner_porter_holds(b, n - length(suffix), rules[k][3]) THEN
                b := substring(b FROM 1 FOR n - length(suffix)) || convert_to(rules[k][2], 'UTF8');
                fired := true;
            END IF;
            RETURN;
        END IF;
    END LOOP;
END $$"""

_PORTER = r"""CREATE FUNCTION planner_porter(word text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    b bytea := convert_to(word, 'UTF8');
    n integer := length(b);
    fired boolean := false;
    c integer;
BEGIN
    IF n < 3 OR n > 64 THEN
        RETURN word;
    END IF;
    -- Step 1a.
    IF get_byte(b, n - 1) = 115 THEN
        IF get_byte(b, n - 2) = 101 THEN
            IF (n > 4 AND get_byte(b, n - 4) = 115 AND get_byte(b, n - 3) = 115)
                OR (n > 3 AND get_byte(b, n - 3) = 105) THEN
                b := substring(b FROM 1 FOR n - 2);
            ELSE
                b := substring(b FROM 1 FOR n - 1);
            END IF;
        ELSIF get_byte(b, n - 2) <> 115 THEN
            b := substring(b FROM 1 FOR n - 1);
        END IF;
    END IF;
    -- Step 1b.
    n := length(b);
    IF n > 3 AND substring(b FROM n - 2) = convert_to('eed', 'UTF8') THEN
        IF planner_porter_holds(b, n - 3, 'm>0') THEN
            b := substring(b FROM 1 FOR n - 1);
        END IF;
    ELSIF n > 2 AND substring(b FROM n - 1) = convert_to('ed', 'UTF8') THEN
        IF planner_porter_holds(b, n - 2, 'v') THEN
            b := substring(b FROM 1 FOR n - 2);
            fired := true;
        END IF;
    ELSIF n > 3 AND substring(b FROM n - 2) = convert_to('ing', 'UTF8') THEN
        IF planner_porter_holds(b, n - 3, 'v') THEN
            b := substring(b FROM 1 FOR n - 3);
            fired := true;
        END IF;
    END IF;
    IF fired THEN
        SELECT s.b, s.fired INTO b, fired
        FROM planner_porter_step(b, ARRAY[['at', 'ate', ''], ['bl', 'ble', ''], ['iz', 'ize', '']]) s;
        IF NOT fired THEN
            n := length(b);
            c := get_byte(b, n - 1);
            IF n >= 2 AND c NOT IN (97, 101, 105, 111, 117, 108, 115, 122) THEN
                IF c = get_byte(b, n - 2) THEN
                    b := substring(b FROM 1 FOR n - 1);
                    fired := true;
                END IF;
            END IF;
            IF NOT fired AND planner_porter_holds(b, n, 'm=1') AND planner_porter_holds(b, n, 'o') THEN
                b := b || convert_to('e', 'UTF8');
            END IF;
        END IF;
    END IF;
    -- Step 1c.
    n := length(b);
    IF get_byte(b, n - 1) = 121 AND planner_porter_holds(b, n - 1, 'v') THEN
        b := set_byte(b, n - 1, 105);
    END IF;
    -- Steps 2 to 4.
    SELECT s.b INTO b FROM planner_porter_step(b, ARRAY[
        ['ational', 'ate', 'm>0'], ['tional', 'tion', 'm>0'], ['enci', 'ence', 'm>0'], ['anci', 'ance', 'm>0'],
        ['izer', 'ize', 'm>0'], ['logi', 'log', 'm>0'], ['bli', 'ble', 'm>0'], ['alli', 'al', 'm>0'],
        ['entli', 'ent', 'm>0'], ['eli', 'e', 'm>0'], ['ousli', 'ous', 'm>0'], ['ization', 'ize', 'm>0'],
        ['ation', 'ate', 'm>0'], ['ator', 'ate', 'm>0'], ['alism', 'al', 'm>0'], ['iveness', 'ive', 'm>0'],
        ['fulness', 'ful', 'm>0'], ['ousness', 'ous', 'm>0'], ['aliti', 'al', 'm>0'], ['iviti', 'ive', 'm>0'],
        ['biliti', 'ble', 'm>0']]) s;
    SELECT s.b INTO b FROM planner_porter_step(b, ARRAY[
        ['ical', 'ic', 'm>0'], ['ness', '', 'm>0'], ['icate', 'ic', 'm>0'], ['iciti', 'ic', 'm>0'],
        ['ful', '', 'm>0'], ['ative', '', 'm>0'], ['alize', 'al', 'm>0']]) s;
    SELECT s.b INTO b FROM planner_porter_step(b, ARRAY[
        ['al', '', 'm>1'], ['ance', '', 'm>1'], ['ence', '', 'm>1'], ['er', '', 'm>1'], ['ic', '', 'm>1'],
        ['able', '', 'm>1'], ['ible', '', 'm>1'], ['ant', '', 'm>1'], ['ement', '', 'm>1'], ['ment', '', 'm>1'],
        ['ent', '', 'm>1'], ['ion', '', 'm>1st'], ['ou', '', 'm>1'], ['ism', '', 'm>1'], ['ate', '', 'm>1'],
        ['iti', '', 'm>1'], ['ous', '', 'm>1'], ['ive', '', 'm>1'], ['ize', '', 'm>1']]) s;
    -- Step 5a.
    n := length(b);
    IF get_byte(b, n - 1) = 101 THEN
        IF planner_porter_holds(b, n - 1, 'm>1')
            OR (planner_porter_holds(b, n - 1, 'm=1') AND NOT planner_porter_holds(b, n - 1, 'o')) THEN
            b := substring(b FROM 1 FOR n - 1);
        END IF;
    END IF;
    -- Step 5b.
    n := length(b);
    IF n > 1 AND get_byte(b, n - 1) = 108 THEN
        IF get_byte(b, n - 2) = 108 AND planner_porter_holds(b, n - 1, 'm>1') THEN
            b := substring(b FROM 1 FOR n - 1);
        END IF;
    END IF;
    RETURN convert_from(b, 'UTF8');
END $$"""

WORD_CHARACTERS = "[:alnum:]⁰¹²³⁴-⁹₀-₉¼½¾⅐-⅞"
"""What a word is made of, as for SQLite's unicode61 tokenizer: letters and numbers, the superscript,
subscript and fraction digits included (PostgreSQL's own classes leave those out)."""

_WORDS = f"""CREATE FUNCTION planner_search_words(content text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT coalesce(array_agg(planner_porter(unaccent(word)) ORDER BY position), '{{}}')
    FROM regexp_split_to_table(lower(content), '[^{WORD_CHARACTERS}]+') WITH ORDINALITY AS w(word, position)
    WHERE word <> ''
$$"""

_LEXEME = r"""CREATE FUNCTION planner_lexeme(word text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT '''' || replace(replace(word, '\', '\\'), '''', '''''') || ''''
$$"""

_VECTOR = """CREATE FUNCTION planner_search_vector(content text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT coalesce(string_agg(planner_lexeme(word) || ':' || least(position, 16383), ' ')::tsvector, ''::tsvector)
    FROM unnest(planner_search_words(coalesce(content, ''))) WITH ORDINALITY AS w(word, position)
$$"""

_QUERY = """CREATE FUNCTION planner_search_query(content text, prefix boolean) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT coalesce(string_agg(planner_lexeme(word) || CASE WHEN prefix AND position = count THEN ':*' ELSE '' END,
        ' <-> ' ORDER BY position)::tsquery, ''::tsquery)
    FROM (SELECT word, position, count(*) OVER () AS count
          FROM unnest(planner_search_words(coalesce(content, ''))) WITH ORDINALITY AS w(word, position)) words
$$"""

PASSAGE_VECTOR = "setweight(planner_search_vector(heading), 'A') || setweight(planner_search_vector(text), 'D')"

UPGRADE = [
    _GOBBLE,
    _MEASURE,
    _STEP,
    _PORTER,
    _WORDS,
    _LEXEME,
    _VECTOR,
    _QUERY,
    "DROP INDEX ix_passage_search",
    "ALTER TABLE passage DROP COLUMN search",
    f"ALTER TABLE passage ADD COLUMN search tsvector GENERATED ALWAYS AS ({PASSAGE_VECTOR}) STORED",
    "CREATE INDEX ix_passage_search ON passage USING gin (search)",
    "DROP INDEX ix_search_synonym_search",
    "ALTER TABLE search_synonym DROP COLUMN search",
    "ALTER TABLE search_synonym ADD COLUMN search tsvector GENERATED ALWAYS AS (planner_search_vector(words)) STORED",
    "CREATE INDEX ix_search_synonym_search ON search_synonym USING gin (search)",
]

_OLD_TEXT = "translate({column}, '/@._:', '     ')"
_OLD_VECTOR = (
    f"setweight(to_tsvector('planner_search', {_OLD_TEXT.format(column='heading')}), 'A') || "
    f"setweight(to_tsvector('planner_search', {_OLD_TEXT.format(column='text')}), 'D')"
)

DOWNGRADE = [
    "DROP INDEX ix_search_synonym_search",
    "ALTER TABLE search_synonym DROP COLUMN search",
    "ALTER TABLE search_synonym ADD COLUMN search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('planner_search', words)) STORED",
    "CREATE INDEX ix_search_synonym_search ON search_synonym USING gin (search)",
    "DROP INDEX ix_passage_search",
    "ALTER TABLE passage DROP COLUMN search",
    f"ALTER TABLE passage ADD COLUMN search tsvector GENERATED ALWAYS AS ({_OLD_VECTOR}) STORED",
    "CREATE INDEX ix_passage_search ON passage USING gin (search)",
    "DROP FUNCTION planner_search_query(text, boolean)",
    "DROP FUNCTION planner_search_vector(text)",
    "DROP FUNCTION planner_lexeme(text)",
    "DROP FUNCTION planner_search_words(text)",
    "DROP FUNCTION planner_porter(text)",
    "DROP FUNCTION planner_porter_step(bytea, text[])",
    "DROP FUNCTION planner_porter_holds(bytea, integer, text)",
    "DROP FUNCTION planner_porter_gobble(bytea, integer, integer, boolean)",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in DOWNGRADE:
        op.execute(statement)
