"""The one orchestrator: ingest -> attribution -> dedup -> graph -> credit and findings, in that order.

Only this module knows the order of the stages; each stage is a function from
the previous stage's records to its own (see :mod:`provenance.models`). Writing
files is left to :mod:`provenance.export`, so a library caller can audit
without touching the disk.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Sequence

from provenance.config import AuditConfig
from provenance.errors import InputError
from provenance.models import Audit, Corpus

Progress = Callable[[str, int, int | None], None]

__all__ = ["Progress", "audit"]


def audit(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    config: AuditConfig | None = None,
    progress: Progress | None = None,
    *,
    exclude_dirs: Sequence[str | os.PathLike[str]] = (),
) -> Audit:
    """Audit the posts found in ``paths`` (files or folders) and return everything found.

    Raises :class:`~provenance.errors.InputError` when nothing could be read,
    or, with ``config.strict``, when the input produced any warning, skipped
    file or unparsed line. ``progress(stage, done, total)`` is called as
    stages advance (``total`` None when unknown). Files under
    ``exclude_dirs`` (where the outputs go) are listed as skipped, never read.
    """
    # Imported here so `import provenance` stays light for the CLI's --help.
    from provenance import __version__
    from provenance.attribution import mentions_of_posts, outlets_named
    from provenance.credits import credits_of_posts
    from provenance.dedup import find_duplicates
    from provenance.dedup.order import Chronology
    from provenance.edits import SharedPassages, with_changes
    from provenance.findings import find_findings
    from provenance.graph import build_graph
    from provenance.ingest import read_corpus
    from provenance.outlets import load_aliases
    from provenance.reuse_credit import OutletNames, copied_paragraphs, credit_reuse
    from provenance.workers import collector_paused, release_free_memory, reserved_workers

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    config = config or AuditConfig()
    timings: dict[str, float] = {}
    started = time.perf_counter()

    if config.engine == "spark":
        # Said before ingest, not after minutes of it.
        from provenance.engines.spark import require_spark

        require_spark()
    # Workers for the steps that pickle texts to them, forked before the dump
    # is read so that they share none of it (workers.reserved_workers).
    with reserved_workers(_reserved_worker_count(paths, config)):
        corpus = read_corpus(paths, config, progress, exclude_dirs=exclude_dirs)
        timings["ingest"] = time.perf_counter() - started
        if not corpus.posts:
            raise InputError(_nothing_read(paths, corpus))
        if config.strict:
            problems = _strict_problems(corpus)
            if problems:
                raise InputError("--strict: " + problems)

        # The stages below make no cyclic garbage: no full collection walks every
        # post again and again while they run (workers.collector_paused).
        with collector_paused():
            mark = time.perf_counter()
            aliases = load_aliases(config.aliases)
            if progress:
                # Said as the credits begin: the reading is over, and its clock stops (at 2.4 million
                # paragraphs the credits took a minute that the progress showed as reading).
                progress("attribution", 0, len(corpus.posts))
            # Credits first: the names they show to be outlets are outlets in the mentions too.
            credits, vouched = credits_of_posts(corpus.posts, aliases, config.workers)
            mentions = mentions_of_posts(
                corpus.posts,
                aliases,
                config.workers,
                (lambda done, total: progress("attribution", done, total)) if progress else None,
                vouched,
            )
            # Who names or credits whose outlet: with the dates, the evidence of which post is earlier.
            chronology = Chronology.of(corpus.posts, *outlets_named(corpus.posts, mentions, aliases, credits))
            timings["attribution"] = time.perf_counter() - mark

            mark = time.perf_counter()
            if config.engine == "spark":
                from provenance.engines.spark import find_duplicates_spark

                dedup = find_duplicates_spark(corpus.posts, config, progress, chronology)
            else:
                dedup = find_duplicates(corpus.posts, config, progress, chronology)
            timings["dedup"] = time.perf_counter() - mark
            release_free_memory()  # the stage's indexes and buffers, gone now

            mark = time.perf_counter()
            graph = build_graph(corpus.posts, dedup, config, aliases, progress, mentions, chronology, credits)
            timings["graph"] = time.perf_counter() - mark

            # Credit for the borrowed words, then the claims the dump contradicts:
            # both read every stage above.
            mark = time.perf_counter()
            if progress:
                progress("findings", 0, 1)
            copied = copied_paragraphs(dedup.pairs)
            names = OutletNames(aliases, graph.outlets)
            dedup.reuse, graph.outlets = credit_reuse(
                corpus.posts, dedup, graph.outlets, graph.mentions, graph.credits, names, copied
            )
            dedup.reuse = with_changes(
                dedup.reuse, copied, SharedPassages(corpus.posts, dedup.boilerplate, config)
            )
            findings = find_findings(corpus.posts, dedup, copied, names, graph.credits, config)
            if progress:
                progress("findings", 1, 1)
            timings["findings"] = time.perf_counter() - mark
    release_free_memory()
    timings["total"] = time.perf_counter() - started

    return Audit(
        config=config,
        corpus=corpus,
        dedup=dedup,
        graph=graph,
        version=__version__,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        timings=timings,
        findings=findings,
    )


#: Input size from which an audit forks its reserved workers before reading
#: (:func:`provenance.workers.reserved_workers`). Smaller dumps, under some
#: 20,000 paragraphs (about 9 MB of the generated archive), hash their words in
#: one process anyway (``provenance.dedup.flat.PARALLEL_MIN_PARAGRAPHS``).
RESERVED_WORKERS_MIN_INPUT_BYTES = 8 * 2**20
#: Entries a folder's size estimate looks at before it calls the input large.
_SIZE_ESTIMATE_ENTRIES = 10_000


def _reserved_worker_count(paths: Sequence[str | os.PathLike[str]], config: AuditConfig) -> int:
    """How many workers to fork before reading: ``config.workers``, or none (a small input, one worker)."""
    if config.workers < 2:
        return 0
    return config.workers if _input_at_least(paths, RESERVED_WORKERS_MIN_INPUT_BYTES) else 0


def _input_at_least(paths: Sequence[str | os.PathLike[str]], limit: int) -> bool:
    """Whether the files under ``paths`` add up to ``limit`` bytes, by a walk that stops once it knows.

    An estimate, before ingest walks the paths itself: a folder with more
    than ``_SIZE_ESTIMATE_ENTRIES`` entries counts as large, and what cannot
    be read counts as nothing (ingest reports it).
    """
    total = 0
    seen = 0
    pending = [os.fspath(p) for p in paths]
    while pending:
        path = pending.pop()
        try:
            if not os.path.isdir(path):
                total += os.path.getsize(path)
            else:
                with os.scandir(path) as entries:
                    for entry in entries:
                        seen += 1
                        if seen > _SIZE_ESTIMATE_ENTRIES:
                            return True
                        if entry.is_dir(follow_symlinks=False):
                            pending.append(entry.path)
                        elif entry.is_file():
                            total += entry.stat().st_size
        except OSError:
            continue
        if total >= limit:
            return True
    return total >= limit


def _nothing_read(paths: Sequence[object], corpus: Corpus) -> str:
    named = ", ".join(str(p) for p in paths) or "(no path)"
    if corpus.skipped:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in corpus.skipped[:5])
        more = f" (and {len(corpus.skipped) - 5} more)" if len(corpus.skipped) > 5 else ""
        return f"no posts could be read from {named}: {reasons}{more}"
    if corpus.unparsed:
        first = corpus.unparsed[0]
        count = len(corpus.unparsed)
        return f"no posts found in {named}: {count} lines unparsed, first at {first.path}:{first.line}"
    return f"no posts found in {named}"


def _strict_problems(corpus: Corpus) -> str:
    from provenance.ingest import OUTPUT_FOLDER

    found: list[str] = []
    found += [str(w) for w in corpus.warnings]
    # The audit's own outputs (--out, --db) inside the dump are listed, but are no problem of the input.
    found += [f"{s.path}: skipped: {s.reason}" for s in corpus.skipped if s.reason != OUTPUT_FOLDER]
    found += [f"{u.path}:{u.line}: unparsed line" for u in corpus.unparsed]
    if not found:
        return ""
    more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
    return "; ".join(found[:3]) + more
