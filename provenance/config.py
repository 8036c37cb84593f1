"""AuditConfig: every tunable of the audit, with its default documented once.

One object instead of a dozen keyword arguments (the pattern of ftfy's
``TextFixerConfig``): the CLI builds it from options, tests build it directly,
and ``audit.json`` records it under ``params`` so a result can be reproduced.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class AuditConfig:
    """Parameters of one audit.

    Duplicate detection
      threshold (0.5): exact Jaccard of two paragraphs' word-shingle sets at
        or above which they are a ``near`` pair.
      containment (0.8): share of the shorter paragraph's shingles found in a
        paragraph at least ``length_ratio`` times longer for a ``contained`` pair.
      length_ratio (1.5): how much longer the containing paragraph must be.
      partial (0.3): containment on ``partial_shingle_size``-word shingles at or
        above which a pair is ``partial`` (real reuse below ``contained``).
      partial_shingle_size (3): words per shingle for partial reuse.
      shingle_size (5): words per shingle for ``near``/``contained``.
      num_perm (128): MinHash permutations.
      seed (1): MinHash seed; the same seed and input give the same pairs.
      jobs (0): worker processes for hashing; 0 means all cores.
      boilerplate_posts (20): a paragraph text repeated in at least this many
        posts is reported once as boilerplate instead of as pairs.
      boilerplate_repeats (20): a paragraph text repeated at least this many
        times inside one post (a share line after every paragraph) is
        boilerplate too. Below both, a text repeated k times gives k - 1 pairs
        inside each post and one pair per two posts, never k(k-1)/2.

      min_pair_words (4): a paragraph of fewer words ("Cheers", "Hello all,",
        "Some screenshots:") makes no pair across posts: 69 of 97 pairs of a
        real WordPress blog were such lines. Inside a post they still pair.
      stock_phrase_paragraphs (64): a shingle in more paragraphs than this is
        a stock phrase, left out of the candidate index (it still counts in
        exact verification); an LSH bucket of more paragraphs than this links
        each to its first instead of to every other. Bounds the pair work.
      min_partial_shared (4): distinct shared ``partial_shingle_size``-word
        shingles a ``partial`` pair needs (4 three-word shingles = a 6-word
        run): a 0.3 share of a 5-word paragraph is one shared phrase, not reuse.
      lsh_recall (0.99): probability that MinHash LSH proposes a pair exactly
        at the Jaccard threshold; its bands and rows follow from it.

    Passages shared with earlier posts (``docs/verdicts.md`` says why each value)
      stock_phrase_posts (64): a ``partial_shingle_size``-word shingle in more
        posts than this is a stock phrase and anchors nothing.
      anchor_repeats (4): occurrences of one shingle inside one post that can
        anchor (a phrase repeated everywhere would multiply anchors).
      chain_gap (6): anchors on one diagonal chain when the later starts at
        most this many words after the earlier.
      min_anchors (4): anchors a kept chain needs (a 6-word verbatim run, or
        shorter runs bridged by changed words).
      fill_gap (2): words between two anchors of a kept chain that still count
        as borrowed (the changed words of a near copy).
      min_content_words (3): words that are not function words a kept span
        needs ("on the west side of the" has two).

    Post-level reuse and the graph
      reprint_share (0.5): share of a post's paragraphs another post must carry
        to be a reprint of it.
      wholly (0.5) / partially (0.1): share of a post's words inside spans shared
        with earlier posts at or above which it is derived ``wholly`` /
        ``partially`` (else ``independent``). Chosen on data
        (``python benchmarks/clough.py``, ``--sweep``, ``--generated``): on the
        Clough & Stevenson answers 0.1 separates reused from independent answers
        (own-source F1 0.935, precision 1.0; post-level F1 0.903), and generated
        whole-post reprints score 0.92 or more while same-story posts score 0.
        ``wholly`` at 0.5 means most of the post is borrowed: near-copy F1 0.78
        post-level (precision 0.87); lower cut-offs score a little higher on
        Clough only by calling heavy rewrites near copies.
      min_quote_words (6): a quoted span of this many words is speech even
        with no "said", "told", colon or other reported-speech marker within
        about ten words of it; shorter ones without one (titles, scare quotes)
        stay prose (:mod:`provenance.quotes`).
      quoted_weight (0.25): what a borrowed word inside a quotation its source
        quotes too counts for in the verdict, against 1 for a prose word:
        independent reports of one event quote the same people word for word.

    What a copy changed inside the passages it shares with a source (no paragraph pair between them)
      changes_budget (8) / changes_budget_base (10,000,000): characters of
        text that reading those changes may align, this many times the
        dump's characters plus the base; past it a source's changes are
        not read (``null``), so that time stays bounded by the dump's size
        on any input (a post sharing passages with thousands of others).
      changes_window_ratio (4) / changes_window_slack (2,000): a text more
        than ``changes_window_ratio`` times as long as the other (in
        characters, plus the slack) is aligned only in windows around the
        shingles the two share, holding at most that many times the shorter
        text's words.

    Engine
      engine ("local"): where the duplicate stage runs: "local" (this
        process and its workers) or "spark" (candidates, verification and
        components as Spark jobs, :mod:`provenance.engines.spark`). Both give
        the same results.
      spark_master ("local[*]"): the Spark master URL for ``engine="spark"``
        (``local[N]``, ``spark://host:7077``, ``yarn``, ``k8s://…``); under
        ``spark-submit`` the default means the master given there.
      spark_staging (None): a folder the Spark driver and every executor see
        at the same path, where the driver writes the paragraphs as JSON
        Lines for the jobs to read. None: a temporary folder of the driver's
        when the master is local; on a cluster, the paragraphs travel inside
        the jobs from the driver.

    Input
      format (None): force one reader ("archive", "jsonl", "text", "html",
        "wxr"); None detects per file.
      include_pages (False): import WordPress pages as well as posts.
      strict (False): treat any input warning as a failure.
      aliases (None): path of a YAML or CSV outlet alias file.
      follow_links (False): follow symbolic links met inside the named
        folders (each real file read once, loops impossible). Without it a
        link is listed in ``skipped`` with where it points; paths named by
        the user are read even when they are links.
      exclude (()): globs of files and folders never read, matched against
        the path relative to the named folder and against the name; each
        file left out is listed in ``skipped``.
      references (()): files or folders of known sources (``--reference``):
        read like the dump, their posts marked ``reference``: earlier than
        every other post and a copy of none. A file also under a dump path
        is read once, as a reference.
      repair_mojibake (True): undo mojibake already in the text (UTF-8 read
        as Windows-1252, "â€œ" for "“") with ftfy, each repair a warning.
    """

    threshold: float = 0.5
    containment: float = 0.8
    length_ratio: float = 1.5
    partial: float = 0.3
    partial_shingle_size: int = 3
    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    jobs: int = 0
    boilerplate_posts: int = 20
    boilerplate_repeats: int = 20
    min_pair_words: int = 4
    stock_phrase_paragraphs: int = 64
    min_partial_shared: int = 4
    lsh_recall: float = 0.99
    stock_phrase_posts: int = 64
    anchor_repeats: int = 4
    chain_gap: int = 6
    min_anchors: int = 4
    fill_gap: int = 2
    min_content_words: int = 3
    reprint_share: float = 0.5
    wholly: float = 0.5
    partially: float = 0.1
    quoted_weight: float = 0.25
    min_quote_words: int = 6
    changes_budget: int = 8
    changes_budget_base: int = 10_000_000
    changes_window_ratio: int = 4
    changes_window_slack: int = 2_000
    engine: str = "local"
    spark_master: str = "local[*]"
    spark_staging: str | None = None
    format: str | None = None
    include_pages: bool = False
    strict: bool = False
    aliases: str | None = None
    follow_links: bool = False
    exclude: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    repair_mojibake: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Paths as text, so that params stay JSON; a lone path is one reference, not its characters.
        references: Any = self.references
        if isinstance(references, (str, os.PathLike)):
            references = (references,)
        object.__setattr__(self, "references", tuple(os.fspath(path) for path in references))
        for name in ("threshold", "containment", "partial", "reprint_share", "wholly", "partially"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value}")
        if self.shingle_size < 1 or self.partial_shingle_size < 1:
            raise ValueError("shingle sizes must be at least 1 word")
        if self.num_perm < 16:
            raise ValueError(f"num_perm must be at least 16, got {self.num_perm}")
        if self.length_ratio < 1.0:
            raise ValueError(f"length_ratio must be at least 1, got {self.length_ratio}")
        for name in ("stock_phrase_paragraphs", "stock_phrase_posts"):
            if getattr(self, name) < 2:
                raise ValueError(f"{name} must be at least 2, got {getattr(self, name)}")
        for name in (
            "min_partial_shared",
            "anchor_repeats",
            "chain_gap",
            "min_anchors",
            "min_pair_words",
            "min_quote_words",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.changes_window_ratio < 1:
            raise ValueError(f"changes_window_ratio must be at least 1, got {self.changes_window_ratio}")
        for name in (
            "fill_gap",
            "min_content_words",
            "changes_budget",
            "changes_budget_base",
            "changes_window_slack",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, got {getattr(self, name)}")
        if not 0.0 <= self.quoted_weight <= 1.0:
            raise ValueError(f"quoted_weight must be in [0, 1], got {self.quoted_weight}")
        if not 0.0 < self.lsh_recall < 1.0:
            raise ValueError(f"lsh_recall must be in (0, 1), got {self.lsh_recall}")
        if self.boilerplate_posts < 2 or self.boilerplate_repeats < 2:
            raise ValueError("boilerplate_posts and boilerplate_repeats must be at least 2")
        if self.engine not in ("local", "spark"):
            raise ValueError(f"engine must be 'local' or 'spark', got {self.engine!r}")
        if self.jobs < 0:
            raise ValueError(f"jobs must be 0 (all cores) or positive, got {self.jobs}")

    @property
    def workers(self) -> int:
        """The number of worker processes ``jobs`` stands for."""
        return self.jobs or (os.cpu_count() or 1)

    def with_(self, **changes: Any) -> AuditConfig:
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not data["extra"]:
            del data["extra"]
        return data
