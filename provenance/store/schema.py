"""The store's tables, indexes and views, and the version that names this layout.

Every row but the store's own ``meta`` carries ``run``: the id of the run
(``runs.id``) that produced it (for a sketch, shared by every run that holds
its text, the run that computed it). A run is written whole in one transaction,
so a reader never sees half a run. The layout is documented for users in
``docs/store.md``; a store of an earlier :data:`SCHEMA_VERSION` is read as it
is and migrated by the next audit (:data:`MIGRATIONS`), and one of a later
version is refused (``--rebuild`` starts it afresh) rather than read as if it
were this one.

Columns hold what users query (ids, shares, kinds, texts, hashes); what the
report needs and nobody filters on (a pair's alignment, a post's notes and
links) is kept as JSON in ``*_json`` columns, as sqlite-utils stores nested
values, so that SQLite's ``json_extract`` and Datasette still reach it.
"""

from __future__ import annotations

#: The layout's version, kept in ``PRAGMA user_version``. Bump it on any change
#: to the tables below, with the statements that bring the previous layout to it
#: in :data:`MIGRATIONS`; a store of another version is refused with a message.
SCHEMA_VERSION = 4

#: Tables in the order they are created (and dropped in reverse by ``--rebuild``).
TABLES = (
    "meta",
    "runs",
    "files",
    "posts",
    "paragraphs",
    "pairs",
    "clusters",
    "cluster_members",
    "reuse",
    "reuse_sources",
    "reuse_credits",
    "reprints",
    "outlets",
    "findings",
    "finding_posts",
    "graph_edges",
    "sketches",
)

VIEWS = ("copies", "post_changes", "pair_texts")

DDL = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    tool_version TEXT NOT NULL,
    datasketch_version TEXT NOT NULL,
    minhash_scheme TEXT NOT NULL,
    params_json TEXT NOT NULL,
    log_json TEXT NOT NULL DEFAULT '[]',
    since_last_run_json TEXT,
    document_json TEXT NOT NULL
);
CREATE TABLE files (
    run INTEGER NOT NULL REFERENCES runs(id),
    ord INTEGER NOT NULL,
    path TEXT NOT NULL,
    format TEXT,
    reference INTEGER NOT NULL,
    sha256 TEXT,
    size INTEGER,
    status TEXT NOT NULL,
    PRIMARY KEY (run, path)
);
CREATE TABLE posts (
    run INTEGER NOT NULL REFERENCES runs(id),
    id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    time TEXT,
    outlet TEXT,
    reference INTEGER NOT NULL,
    source_path TEXT NOT NULL,
    line_start INTEGER NOT NULL,
    line_end INTEGER NOT NULL,
    url TEXT,
    format TEXT,
    words INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    extra_json TEXT NOT NULL,
    source_file TEXT,
    PRIMARY KEY (run, id)
);
CREATE INDEX posts_hash ON posts (content_hash);
CREATE INDEX posts_outlet ON posts (run, outlet);
CREATE TABLE paragraphs (
    run INTEGER NOT NULL REFERENCES runs(id),
    post TEXT NOT NULL,
    idx INTEGER NOT NULL,
    line INTEGER NOT NULL,
    line_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (run, post, idx)
);
CREATE INDEX paragraphs_hash ON paragraphs (content_hash);
CREATE TABLE pairs (
    run INTEGER NOT NULL REFERENCES runs(id),
    ord INTEGER NOT NULL,
    a_post TEXT NOT NULL,
    a_paragraph INTEGER NOT NULL,
    b_post TEXT NOT NULL,
    b_paragraph INTEGER NOT NULL,
    kind TEXT NOT NULL,
    jaccard REAL NOT NULL,
    containment REAL NOT NULL,
    inside_post INTEGER NOT NULL,
    cluster INTEGER,
    source TEXT,
    alignment_json TEXT NOT NULL,
    edits_json TEXT NOT NULL,
    partial_containment REAL,
    decided_by TEXT,
    PRIMARY KEY (run, ord)
);
CREATE INDEX pairs_a ON pairs (run, a_post);
CREATE INDEX pairs_b ON pairs (run, b_post);
CREATE TABLE clusters (
    run INTEGER NOT NULL REFERENCES runs(id),
    id INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    earliest_post TEXT NOT NULL,
    earliest_paragraph INTEGER NOT NULL,
    kinds_json TEXT NOT NULL,
    witness_decided_by TEXT,
    edits_json TEXT NOT NULL,
    PRIMARY KEY (run, id)
);
CREATE TABLE cluster_members (
    run INTEGER NOT NULL REFERENCES runs(id),
    cluster INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    post TEXT NOT NULL,
    paragraph INTEGER NOT NULL,
    PRIMARY KEY (run, cluster, ord)
);
CREATE INDEX cluster_members_post ON cluster_members (run, post);
CREATE TABLE reuse (
    run INTEGER NOT NULL REFERENCES runs(id),
    post TEXT NOT NULL,
    share REAL NOT NULL,
    quoted_share REAL NOT NULL,
    derivation TEXT NOT NULL,
    credited_share REAL,
    uncredited_share REAL,
    PRIMARY KEY (run, post)
);
CREATE TABLE reuse_sources (
    run INTEGER NOT NULL REFERENCES runs(id),
    post TEXT NOT NULL,
    ord INTEGER NOT NULL,
    source TEXT NOT NULL,
    share REAL NOT NULL,
    quoted_share REAL NOT NULL,
    decided_by TEXT NOT NULL,
    changes_json TEXT,
    PRIMARY KEY (run, post, ord)
);
CREATE INDEX reuse_sources_source ON reuse_sources (run, source);
CREATE TABLE reuse_credits (
    run INTEGER NOT NULL REFERENCES runs(id),
    post TEXT NOT NULL,
    ord INTEGER NOT NULL,
    source TEXT NOT NULL,
    outlet TEXT,
    how TEXT NOT NULL,
    credited INTEGER NOT NULL,
    share REAL NOT NULL,
    evidence_line INTEGER,
    evidence TEXT,
    PRIMARY KEY (run, post, ord)
);
CREATE INDEX reuse_credits_source ON reuse_credits (run, post, source);
CREATE TABLE reprints (
    run INTEGER NOT NULL REFERENCES runs(id),
    ord INTEGER NOT NULL,
    source TEXT NOT NULL,
    copy TEXT NOT NULL,
    shared_paragraphs INTEGER NOT NULL,
    share_of_source REAL NOT NULL,
    decided_by TEXT NOT NULL,
    PRIMARY KEY (run, ord)
);
CREATE TABLE outlets (
    run INTEGER NOT NULL REFERENCES runs(id),
    ord INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    reuse_copies INTEGER,
    reuse_words INTEGER,
    reuse_credited_words INTEGER,
    reuse_credited_share REAL,
    extra_json TEXT NOT NULL,
    PRIMARY KEY (run, ord)
);
CREATE INDEX outlets_name ON outlets (run, name);
CREATE TABLE findings (
    run INTEGER NOT NULL REFERENCES runs(id),
    ord INTEGER NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    summary TEXT NOT NULL,
    posts_json TEXT NOT NULL,
    evidence_json TEXT NOT NULL,
    PRIMARY KEY (run, ord)
);
CREATE INDEX findings_severity ON findings (run, severity);
CREATE TABLE finding_posts (
    run INTEGER NOT NULL REFERENCES runs(id),
    finding INTEGER NOT NULL,
    post TEXT NOT NULL,
    PRIMARY KEY (run, finding, post)
);
CREATE TABLE graph_edges (
    run INTEGER NOT NULL REFERENCES runs(id),
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    type TEXT,
    attrs_json TEXT NOT NULL
);
CREATE INDEX graph_edges_run ON graph_edges (run, type);
-- A MinHash sketch of each distinct paragraph text (audit --sketches), shared by the runs that hold the
-- text: keyed by content hash, with the run that computed it; provenance.sketch reads and makes them.
CREATE TABLE sketches (
    content_hash TEXT PRIMARY KEY,
    run INTEGER NOT NULL,
    sketch BLOB NOT NULL
) WITHOUT ROWID;

-- A borrowing post and each earlier post it borrows from, with how much of it is credited.
CREATE VIEW copies AS
SELECT
    s.run AS run,
    s.post AS copy,
    cp.title AS copy_title,
    cp.outlet AS copy_outlet,
    s.source AS source,
    sp.title AS source_title,
    sp.outlet AS source_outlet,
    s.share AS share,
    s.decided_by AS decided_by,
    r.derivation AS derivation,
    COALESCE((SELECT SUM(c.share) FROM reuse_credits c
              WHERE c.run = s.run AND c.post = s.post AND c.source = s.source AND c.credited = 1), 0)
        AS credited_share,
    COALESCE((SELECT SUM(c.share) FROM reuse_credits c
              WHERE c.run = s.run AND c.post = s.post AND c.source = s.source AND c.credited = 0), 0)
        AS uncredited_share,
    s.changes_json AS changes_json
FROM reuse_sources s
JOIN reuse r ON r.run = s.run AND r.post = s.post
LEFT JOIN posts cp ON cp.run = s.run AND cp.id = s.post
LEFT JOIN posts sp ON sp.run = s.run AND sp.id = s.source;

-- Posts new, removed, renamed or changed (by content hash) in the last run against the run before it,
-- as `provenance diff` finds them: a text or HTML file's post whose id alone changed (its file, by
-- absolute path, is the one post of that file gone from each run) is renamed, not new and removed.
CREATE VIEW post_changes AS
WITH last AS (SELECT MAX(id) AS id FROM runs),
     prev AS (SELECT MAX(id) AS id FROM runs WHERE id < (SELECT id FROM last)),
     gone_new AS (
         SELECT n.id, n.source_file FROM posts n
         WHERE n.run = (SELECT id FROM last) AND n.format IN ('text', 'html') AND n.source_file IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.run = (SELECT id FROM prev) AND o.id = n.id)),
     gone_old AS (
         SELECT o.id, o.source_file FROM posts o
         WHERE o.run = (SELECT id FROM prev) AND o.format IN ('text', 'html') AND o.source_file IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM posts n WHERE n.run = (SELECT id FROM last) AND n.id = o.id)),
     renamed AS (
         SELECT n.id AS id, o.id AS previous_id
         FROM gone_new n JOIN gone_old o ON o.source_file = n.source_file
         WHERE (SELECT COUNT(*) FROM gone_new x WHERE x.source_file = n.source_file) = 1
           AND (SELECT COUNT(*) FROM gone_old x WHERE x.source_file = o.source_file) = 1)
SELECT n.id AS post, n.title AS title, 'new' AS change, NULL AS previous_id
FROM posts n WHERE n.run = (SELECT id FROM last)
  AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.run = (SELECT id FROM prev) AND o.id = n.id)
  AND n.id NOT IN (SELECT id FROM renamed)
UNION ALL
SELECT o.id, o.title, 'removed', NULL
FROM posts o WHERE o.run = (SELECT id FROM prev)
  AND NOT EXISTS (SELECT 1 FROM posts n WHERE n.run = (SELECT id FROM last) AND n.id = o.id)
  AND o.id NOT IN (SELECT previous_id FROM renamed)
UNION ALL
SELECT n.id, n.title, 'renamed', r.previous_id
FROM renamed r JOIN posts n ON n.run = (SELECT id FROM last) AND n.id = r.id
UNION ALL
SELECT n.id, n.title, 'changed', r.previous_id
FROM posts n LEFT JOIN renamed r ON r.id = n.id
JOIN posts o ON o.run = (SELECT id FROM prev) AND o.id = COALESCE(r.previous_id, n.id)
WHERE n.run = (SELECT id FROM last) AND n.content_hash <> o.content_hash;

-- Every pair with both paragraphs' texts and lines, as pairs.csv has them.
CREATE VIEW pair_texts AS
SELECT
    p.run, p.a_post, p.a_paragraph, a.line AS a_line, p.b_post, p.b_paragraph, b.line AS b_line,
    p.kind, p.jaccard, p.containment, p.partial_containment, p.inside_post, p.cluster, p.source,
    p.decided_by, a.text AS a_text, b.text AS b_text
FROM pairs p
JOIN paragraphs a ON a.run = p.run AND a.post = p.a_post AND a.idx = p.a_paragraph
JOIN paragraphs b ON b.run = p.run AND b.post = p.b_post AND b.idx = p.b_paragraph;
"""

#: The ``CREATE INDEX`` statements of :data:`DDL` other than primary keys, as written there.
INDEXES = tuple(
    statement.strip() for statement in DDL.split(";\n") if statement.strip().startswith("CREATE INDEX")
)


def _statements(kind: str) -> dict[str, str]:
    """The ``CREATE {kind}`` statements of :data:`DDL` by the name they create, without their comments."""
    return {
        body.split()[2]: body
        for body in (
            "\n".join(line for line in statement.strip().splitlines() if not line.startswith("--"))
            for statement in DDL.split(";\n")
        )
        if body.startswith(f"CREATE {kind} ")
    }


#: The ``CREATE VIEW`` statement of each view, by name, as :data:`DDL` writes it.
VIEW_DDL = _statements("VIEW")
#: The ``CREATE TABLE`` statement of each table, by name, as :data:`DDL` writes it.
TABLE_DDL = _statements("TABLE")

#: What brings a store of each earlier version to the next one, run inside the
#: first audit that writes it (in its transaction: a run stopped before its
#: commit leaves the store as it was). Only columns are added, so that a
#: migrated store holds exactly what a new one would, its earlier runs with
#: NULL where they recorded nothing (docs/store.md).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 2: a pair's containment on the partial shingles and what its source side rests on; a post's file
    # by absolute path, which post_changes matches a renamed post by.
    1: (
        "ALTER TABLE pairs ADD COLUMN partial_containment REAL",
        "ALTER TABLE pairs ADD COLUMN decided_by TEXT",
        "ALTER TABLE posts ADD COLUMN source_file TEXT",
        "DROP VIEW IF EXISTS pair_texts",
        VIEW_DDL["pair_texts"],
        "DROP VIEW IF EXISTS post_changes",
        VIEW_DDL["post_changes"],
    ),
    # 3: the paragraphs' MinHash sketches, kept with --sketches.
    2: (TABLE_DDL["sketches"],),
    # 4: what a copy changed in the paragraphs it carries from each source, counted by edit kind, in
    # reuse_sources and the copies view.
    3: (
        "ALTER TABLE reuse_sources ADD COLUMN changes_json TEXT",
        "DROP VIEW IF EXISTS copies",
        VIEW_DDL["copies"],
    ),
}
