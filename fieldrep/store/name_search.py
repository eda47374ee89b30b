"""The DDL of migration 0005: an HCP search index that knows surnames from first names.

`hcp_search` is an FTS5 table with one column per kind of match, so the search service
can rank by which column matched (see `fieldrep/services/search.py`). Its rows are
derived from `hcps` by triggers, in SQL only (no application functions), so a bare
SQLCipher connection, a sync page and a bulk load all keep it current:

- the surname is the part before a comma ("O'LOUGHLIN, MARY") or else the last word
  ("Mary O'Loughlin"), skipping a trailing suffix such as "Jr." or "MD";
- surnames, first names and alternate names are indexed as written and folded
  (apostrophes and hyphens removed; surnames also without spaces), so "oloughlin",
  "smithjones" and "vanderberg" find "O'Loughlin", "Smith-Jones" and "VAN DER BERG, ANNA"
  (in "Anna van der Berg" only "Berg" is the surname: particles are not recognised);
- the street address is not indexed: "salem" means the city, not Salem St elsewhere;
- a taxonomy specialty ("Allopathic & Osteopathic Physicians/Internal Medicine") is split
  into its own last part and its group, so the group does not match like a specialty;
- `sort_key` (folded surname, then first names) orders HCPs of equal relevance.

These statements belong to a shipped migration: never change them; write a new one.
"""

from __future__ import annotations

# Apostrophes and hyphens as people type and as master data spells them.
_FOLDED = ("''", "’", "‘", "`", "-", "‐", "‑", "–")
_SUFFIXES = "'jr', 'sr', 'ii', 'iii', 'iv', 'md', 'do', 'phd', 'dds', 'np', 'pa'"
COLUMNS = (
    "surname",
    "given",
    "alternate",
    "ids",
    "title",
    "place",
    "specialty",
    "specialty_group",
    "sort_key",
)
# Columns whose change must re-index the row.
_SOURCE_COLUMNS = (
    "name, title, specialty, organisation, city, postcode, external_id, npi, alternate_names"
)


def _fold(expr: str) -> str:
    for char in _FOLDED:
        expr = f"replace({expr}, '{char}', '')"
    return expr


def _tight(expr: str) -> str:
    return f"replace({_fold(expr)}, ' ', '')"


def _after_last(expr: str, sep: str) -> str:
    """The text after the last `sep` (all of it when there is none)."""
    return f"substr({expr}, length(rtrim({expr}, replace({expr}, '{sep}', ''))) + 1)"


def _upto_last(expr: str, sep: str) -> str:
    """The text up to and including the last `sep` ('' when there is none)."""
    return f"substr({expr}, 1, length(rtrim({expr}, replace({expr}, '{sep}', ''))))"


# Keeps SQLite from flattening the nested SELECTs below: flattened, every use of a
# computed column repeats its whole expression (the surname's five times), and a bulk
# load of HCPs took five times as long.
_MATERIALISE = " LIMIT -1 OFFSET 0"


def _rows(r: str, source: str) -> str:
    """SELECT of index rows for the HCP row alias `r` (`new` in a trigger)."""
    alternate = (
        f"CASE WHEN json_valid({r}.alternate_names) "
        f"AND json_type({r}.alternate_names) = 'array' "
        f"THEN (SELECT coalesce(group_concat(value, ' ; '), '') "
        f"FROM json_each({r}.alternate_names)) "
        f"ELSE coalesce({r}.alternate_names, '') END"
    )
    ids = (
        f"{r}.external_id || ' ' || {_fold(f'{r}.external_id')} || ' ' || "
        f"coalesce({r}.npi, '') || ' ' || {r}.postcode || ' ' || {_tight(f'{r}.postcode')}"
    )
    level1 = (
        f"SELECT {r}.rowid AS rid, trim({r}.name) AS nm, {r}.title AS title, "
        f"{r}.specialty AS sp, "
        f"{r}.organisation || ' ' || {r}.city AS place, "
        f"{ids} AS ids, {alternate} AS alt{source}{_MATERIALISE}"
    )
    level2 = f"SELECT *, {_after_last('nm', ' ')} AS lw FROM ({level1}){_MATERIALISE}"
    level3 = (
        "SELECT *, CASE WHEN instr(nm, ',') = 0 AND length(nm) > length(lw) "
        f"AND lower(replace(lw, '.', '')) IN ({_SUFFIXES}) "
        "THEN rtrim(substr(nm, 1, length(nm) - length(lw))) ELSE nm END AS base "
        f"FROM ({level2}){_MATERIALISE}"
    )
    level4 = (
        "SELECT *, CASE WHEN instr(base, ',') > 0 "
        "THEN trim(substr(base, 1, instr(base, ',') - 1)) "
        f"ELSE {_after_last('base', ' ')} END AS sur, "
        "CASE WHEN instr(base, ',') > 0 THEN trim(substr(base, instr(base, ',') + 1)) "
        f"ELSE trim({_upto_last('base', ' ')}) END AS giv "
        f"FROM ({level3}){_MATERIALISE}"
    )
    return (
        f"SELECT rid, sur || ' ' || {_tight('sur')}, giv || ' ' || {_fold('giv')}, "
        f"alt || ' ' || {_fold('alt')}, ids, title, place, "
        f"{_after_last('sp', '/')}, {_upto_last('sp', '/')}, "
        f"lower({_tight('sur')} || ' ' || giv) FROM ({level4})"
    )


_INSERT = f"INSERT INTO hcp_search(rowid, {', '.join(COLUMNS)}) "

STATEMENTS = [
    "ALTER TABLE hcps ADD COLUMN alternate_names TEXT NOT NULL DEFAULT '[]'",
    "DROP TRIGGER hcps_ai",
    "DROP TRIGGER hcps_ad",
    "DROP TRIGGER hcps_au",
    "DROP TABLE hcp_fts",
    # A table that keeps its own content: the derived columns exist nowhere else.
    f"""CREATE VIRTUAL TABLE hcp_search USING fts5(
        {", ".join(COLUMNS[:-1])}, sort_key UNINDEXED,
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    f"""CREATE TRIGGER hcps_search_ai AFTER INSERT ON hcps BEGIN
        {_INSERT}{_rows("new", "")};
    END""",
    """CREATE TRIGGER hcps_search_ad AFTER DELETE ON hcps BEGIN
        DELETE FROM hcp_search WHERE rowid = old.rowid;
    END""",
    f"""CREATE TRIGGER hcps_search_au AFTER UPDATE OF {_SOURCE_COLUMNS} ON hcps BEGIN
        DELETE FROM hcp_search WHERE rowid = old.rowid;
        {_INSERT}{_rows("new", "")};
    END""",
    # Index whatever the workspace already holds.
    _INSERT + _rows("h", " FROM hcps h"),
]
