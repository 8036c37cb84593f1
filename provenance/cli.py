"""The ``provenance`` command: a thin click layer over the library API.

Each command parses options into an :class:`~provenance.config.AuditConfig`,
calls one library function, and turns domain errors into one-line messages
(``click.ClickException``), never tracebacks. Options shared by several
commands are bundled in decorators, as sqlite-utils does.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import os
import re
import select
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from provenance import __version__
from provenance.config import AuditConfig
from provenance.errors import ProvenanceError
from provenance.interrupts import raise_if_swallowed

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_INPUT = "seeds/"
DEFAULT_OUT = "reports/"
_DEFAULTS = AuditConfig()
#: Warnings printed to the terminal; the rest are in the report and in audit.json (or the store).
_MAX_WARNINGS_SHOWN = 20
_MAX_REPRINTS_SHOWN = 10


def audit_options(*format_aliases: str) -> Callable[[F], F]:
    """The options that build an AuditConfig, shared by every command that audits.

    The input format is ``--input-format`` on every command; ``format_aliases``
    are other names for it (``audit`` keeps ``--format``, its name before
    ``provenance graph --format gexf`` gave ``--format`` the meaning of an
    output format).
    """
    return functools.partial(_add_audit_options, format_aliases=format_aliases)


class _Share(click.FloatRange):
    """A share in (0, 1]. "nan" is refused: click.FloatRange lets it through (it fails no comparison)."""

    name = "float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        converted = super().convert(value, param, ctx)
        if converted != converted:  # NaN is the one float not equal to itself
            self.fail(f"{value!r} is not a number in the range 0<x<=1.", param, ctx)
        return converted


_SHARE = _Share(0, 1, min_open=True)


def _add_audit_options(command: F, format_aliases: tuple[str, ...]) -> F:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
        click.option(
            "--threshold",
            type=_SHARE,
            default=_DEFAULTS.threshold,
            show_default=True,
            help="Jaccard at or above which two paragraphs are a near duplicate.",
        ),
        click.option(
            "--containment",
            type=_SHARE,
            default=_DEFAULTS.containment,
            show_default=True,
            help="Share of a short paragraph inside a longer one for a 'contained' pair.",
        ),
        click.option(
            "--partial",
            type=_SHARE,
            default=_DEFAULTS.partial,
            show_default=True,
            help="Containment on short shingles for a 'partial' pair.",
        ),
        click.option(
            "--shingle-size",
            type=click.IntRange(1, 50),
            default=_DEFAULTS.shingle_size,
            show_default=True,
            help="Words per shingle.",
        ),
        click.option(
            "--num-perm",
            type=click.IntRange(16, 1024),
            default=_DEFAULTS.num_perm,
            show_default=True,
            help="MinHash permutations.",
        ),
        click.option("--seed", type=int, default=_DEFAULTS.seed, show_default=True, help="MinHash seed."),
        click.option(
            "--jobs",
            type=click.IntRange(0),
            default=_DEFAULTS.jobs,
            show_default=True,
            help="Worker processes for hashing (0: all cores).",
        ),
        click.option(
            "--input-format",
            *format_aliases,
            "input_format",
            type=click.Choice(["archive", "jsonl", "text", "html", "wxr"]),
            default=None,
            help="Read every file as this format instead of detecting it"
            + (f" ({', '.join(format_aliases)} is an alias)." if format_aliases else "."),
        ),
        click.option(
            "--reference",
            "references",
            metavar="PATH",
            multiple=True,
            type=click.Path(path_type=str),
            help="A file or folder of known sources (the originals): read like the dump, always earlier "
            "than it and a copy of nothing; repeatable. A file also in the dump is read once, as a "
            "reference.",
        ),
        click.option(
            "--no-repair",
            "no_repair",
            is_flag=True,
            help='Keep mojibake as it is ("â€œ" for "“") instead of repairing it with a warning.',
        ),
        click.option("--include-pages", is_flag=True, help="Import WordPress pages as well as posts."),
        click.option(
            "--aliases",
            type=click.Path(exists=True, dir_okay=False),
            default=None,
            help="YAML or CSV file of outlet names and aliases, added to the built-in list; an entry "
            "naming a built-in outlet takes that outlet (and its aliases) over.",
        ),
        click.option(
            "--strict", is_flag=True, help="Fail on any input warning, skipped file or unparsed line."
        ),
        click.option(
            "--follow-links",
            is_flag=True,
            help="Follow symbolic links inside the named folders (each file read once).",
        ),
        click.option(
            "--exclude",
            "exclude",
            metavar="GLOB",
            multiple=True,
            help="Leave out files and folders matching GLOB (path in a named folder, or name); repeatable.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _config(kwargs: dict[str, Any]) -> tuple[list[str], AuditConfig]:
    paths = list(kwargs.pop("paths")) or _default_paths()
    try:
        config = _config_of(kwargs)
    except ValueError as exc:  # AuditConfig's own checks: a usage error, not a traceback
        raise click.UsageError(str(exc)) from exc
    return paths, config


def _config_of(kwargs: dict[str, Any]) -> AuditConfig:
    return AuditConfig(
        threshold=kwargs.pop("threshold"),
        containment=kwargs.pop("containment"),
        partial=kwargs.pop("partial"),
        shingle_size=kwargs.pop("shingle_size"),
        num_perm=kwargs.pop("num_perm"),
        seed=kwargs.pop("seed"),
        jobs=kwargs.pop("jobs"),
        format=kwargs.pop("input_format"),
        include_pages=kwargs.pop("include_pages"),
        aliases=kwargs.pop("aliases"),
        strict=kwargs.pop("strict"),
        follow_links=kwargs.pop("follow_links"),
        exclude=tuple(kwargs.pop("exclude")),
        references=tuple(kwargs.pop("references")),
        repair_mojibake=not kwargs.pop("no_repair"),
    )


def _default_paths() -> list[str]:
    """``seeds/`` when the command runs in a checkout (which holds the sample there); else a usage error.

    Outside a checkout "no posts could be read from seeds/" would tell a new
    user nothing about what to type.
    """
    if Path(DEFAULT_INPUT).is_dir():
        return [DEFAULT_INPUT]
    raise click.UsageError(
        "name the dump to audit: a file or a folder of posts, e.g. `provenance audit my-blog-export.xml` "
        "or `provenance audit answers/`. (Without a path the command reads seeds/, which a checkout of "
        "provenance holds as its sample; there is no seeds/ folder here.)"
    )


#: What must not reach a terminal as it is: C0 and C1 control characters (ESC
#: starts the sequences that move the cursor, clear the screen or make a
#: link), the bidirectional controls that reorder the rest of a line, the
#: line and paragraph separators, lone surrogates, which no terminal
#: encoding can write, and the characters that print as nothing (zero-width
#: space, word joiner, a byte-order mark, the noncharacters U+FFFE and U+FFFF),
#: with which two different post ids print the same. The zero-width joiner and
#: non-joiner stay: Persian and Indic words and emoji sequences are written with them.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069"
    "\ud800-\udfff\ufeff\ufffe\uffff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        # A byte of a file name that did not decode (os.fsdecode's surrogate escape): show the byte.
        return f"\\x{code - 0xDC00:02x}"
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(value: object) -> str:
    """``value`` as one line that is safe to print: every character that acts on the terminal made visible.

    The one filter of everything the command prints that may come from a dump
    (file names, post ids, titles, warnings, error messages): ESC shows as
    ``\\x1b``, a right-to-left override as ``\\u202e``, a newline as ``\\x0a``,
    an undecodable byte of a file name as ``\\xff``, any other lone surrogate
    as U+FFFD. rich's markup is not this function's business: the console
    that prints the summary has markup off.
    """
    return _UNPRINTABLE.sub(_visible, str(value))


def _unisolated(summary: str) -> str:
    """A finding summary without the isolates that set its names apart (``bidi.isolated_bidi``).

    They keep a right-to-left name from drawing the summary's words into its
    run where the text is laid out by the Unicode bidirectional algorithm (the
    report); printed as escapes on a terminal they put U+2068 ... U+2069 around
    every Hebrew or Arabic outlet's name. Any other control in a name is still escaped.
    """
    return summary.replace("\u2068", "").replace("\u2069", "")


def _echo(text: object, err: bool = False) -> None:
    click.echo(printable(text), err=err)


@contextlib.contextmanager
def _printable_errors() -> Iterator[None]:
    """Make the message of a ClickException passing through printable: it often names a file."""
    try:
        yield
    except click.ClickException as exc:
        # click types ``message`` as final; the exception is still ours to reword before it is shown.
        setattr(exc, "message", printable(exc.message))  # noqa: B010
        raise


class PrintableErrorsGroup(click.Group):
    """The command group; every error message it shows, click's own included, goes through printable."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _printable_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _printable_errors():
            return super().invoke(ctx)


def _os_error_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"{where}no space left on the device"
    return f"{where}{exc.strerror or exc}"


def _stdout_reader_gone() -> bool:
    """Whether standard output is a pipe nobody reads any more (``provenance diff ... | head -1``).

    Asked of the descriptor itself (a pipe without readers polls as an
    error), so that a broken pipe to a worker process is still an error.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


def _quit_for_a_gone_reader() -> NoReturn:
    """End quietly with status 141 (128 + SIGPIPE), as ``cat`` ends when ``head`` has read enough.

    What is left to print goes nowhere: standard output is pointed at the
    null device, so the interpreter's last flush on the way out is no error
    either. Whatever the command wrote to files is complete by then: its
    output is printed after them.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    raise SystemExit(128 + signal.SIGPIPE)


def _summary_console(**options: Any) -> Any:
    """rich's Console for the summary, which ends for a reader gone as every other line does."""
    from rich.console import Console

    class SummaryConsole(Console):
        def on_broken_pipe(self) -> None:  # rich's own ends with status 1
            self.quiet = True
            _quit_for_a_gone_reader()

    return SummaryConsole(**options)


def domain_errors(command: F) -> F:
    """Turn ProvenanceError into a one-line message and exit status 1.

    An OSError or a MemoryError that no stage turned into a ProvenanceError
    gets one line too (the file and the system's reason; out of memory),
    rather than a traceback the reader of a report cannot act on.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ProvenanceError as exc:
            raise click.ClickException(str(exc)) from exc
        except BrokenPipeError as exc:
            if _stdout_reader_gone():
                _quit_for_a_gone_reader()
            raise click.ClickException(_os_error_message(exc)) from exc
        except OSError as exc:
            raise click.ClickException(_os_error_message(exc)) from exc
        except MemoryError as exc:
            raise click.ClickException("out of memory: this input needs more than the machine has") from exc

    return wrapper  # type: ignore[return-value]


def stops_on_signals(command: F) -> F:
    """SIGTERM stops the command the way Ctrl-C does; either ends it with one line and status 128 + signal.

    Every cleanup on the way out runs (staged outputs and temporary key
    folders removed, workers stopped); the status is the shell's convention
    for a process ended by a signal: 130 for SIGINT, 143 for SIGTERM.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from provenance.interrupts import abort_message, stop_signals_raise

        try:
            with stop_signals_raise():
                return command(*args, **kwargs)
        except KeyboardInterrupt as exc:
            signum = getattr(exc, "signum", signal.SIGINT)
            click.echo(abort_message(signum), err=True)
            click.get_current_context().exit(128 + signum)

    return wrapper  # type: ignore[return-value]


class StageProgress:
    """A progress bar per pipeline stage, shown only once a stage has run over a second.

    The bars go to stderr, so stdout stays clean for the summary. When stderr
    is not a terminal (a log file, a pipe, ``nohup``) rich would draw nothing
    until the end, so each stage is written instead as one line the moment it
    ends, with its count and time, and a stage still running after a minute
    gets a line ending in ``...`` each minute: a log of a long audit shows how
    far it got (and ``benchmarks/bench_audit.py`` reads when each stage ended).
    """

    DELAY = 1.0
    #: Off a terminal, seconds between the lines of a stage still running.
    HEARTBEAT = 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, log: bool | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description:<8}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._log = not console.is_terminal if log is None else log
        self._tasks: dict[str, Any] = {}
        self._started: dict[str, float] = {}
        self._live = False
        self._clock = clock
        # Log mode: the open stage (name, done, total), written when the next one starts,
        # and when it was last written while running.
        self._open: tuple[str, int, int | None] | None = None
        self._heard = 0.0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        raise_if_swallowed()  # a Ctrl-C lost in a library stops the run at its next step
        now = self._clock()
        self._started.setdefault(stage, now)
        if not self._live:
            if now - self._started[stage] < self.DELAY:
                return
            if not self._log:
                self._progress.start()
            self._live = True
        if self._log:
            self._log_update(stage, done, total, now)
            return
        if stage not in self._tasks:
            # A new stage means the earlier ones are done: stop their clocks.
            self._finish_open_tasks()
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)

    def _log_update(self, stage: str, done: int, total: int | None, now: float) -> None:
        if self._open is not None and self._open[0] != stage:
            # Another stage began: the open one ended now. A stage seen again
            # later (a second wait for the same process) is written again.
            self._write_line(now)
        if self._open is None:
            self._heard = now
        self._open = (stage, done, total)
        if now - self._heard >= self.HEARTBEAT:
            # A long stage says where it stands, marked "..." as not ended.
            _echo_stage(
                stage, f"{done}/{'?' if total is None else total}", now - self._started[stage], " ..."
            )
            self._heard = now

    def _write_line(self, now: float) -> None:
        assert self._open is not None
        stage, done, total = self._open
        _echo_stage(stage, f"{done}/{done if total is None else total}", now - self._started.pop(stage, now))
        self._open = None

    def _finish_open_tasks(self) -> None:
        """Mark stages of unknown length finished where they stand.

        A task without a total never finishes by itself, and rich's elapsed
        column would go on counting it until the very end (the ingest bar of
        a 400-second audit read 3:39 for 20 seconds of reading).
        """
        for task in self._progress.tasks:
            if task.total is None:
                self._progress.update(task.id, total=task.completed)

    def close(self) -> None:
        if self._log:
            if self._open is not None:
                self._write_line(self._clock())
            return
        if self._live:
            self._finish_open_tasks()
            self._progress.stop()


def _echo_stage(stage: str, count: str, seconds: float, mark: str = "") -> None:
    """One stage's line off a terminal: ``STAGE  DONE/TOTAL H:MM:SS`` (the time as rich's elapsed column
    shows it), ``mark`` after it; ``benchmarks/bench_audit.py`` reads the unmarked ones as stage ends."""
    whole = int(seconds)
    click.echo(f"{stage:<24} {count} {whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}{mark}", err=True)


def _escape_what_the_terminal_cannot_encode() -> None:
    """A character the terminal's encoding lacks is printed as an escape (``\\u201c``), never an error.

    Under ``PYTHONIOENCODING=latin-1`` or ``ascii`` (or a terminal in a
    legacy locale) a curly quote in a title stopped ``sources`` with a
    UnicodeEncodeError traceback, and ``audit`` after its outputs were
    written, in the middle of its summary.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


@click.group(cls=PrintableErrorsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="provenance")
def cli() -> None:
    """Audit a dump of posts for where its text came from and what it repeats."""
    _escape_what_the_terminal_cannot_encode()


@cli.command()
@audit_options("--format")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for report.html, audit.json (or audit.sqlite, see --json), pairs.csv, posts.csv, "
    "reprints.csv, graph.graphml/.gexf.",
)
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite store that keeps this run beside earlier ones and reports what changed since the "
    "last (docs/store.md).",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="With --db: start the store afresh (drop its runs), e.g. after changing parameters.",
)
@click.option(
    "--sketches",
    is_flag=True,
    help="With a store (--db, or the one a large input gets): keep a MinHash sketch (datasketch "
    "LeanMinHash) of each paragraph text, to compare texts that come later with the store's without "
    "auditing again (docs/store.md). A text is sketched once, whichever runs hold it.",
)
@click.option(
    "--json/--no-json",
    "with_json",
    default=None,
    help="Write audit.json, or not. Default: only for inputs of up to 100 MB; a larger one is kept "
    "in OUT/audit.sqlite instead (or in --db), which `provenance report --db` renders again.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default=_DEFAULTS.engine,
    show_default=True,
    help="Where the duplicate stage runs: this machine, or Spark (pip install 'provenance-audit[spark]', "
    "and Java 17+).",
)
@click.option(
    "--spark-master",
    metavar="URL",
    default=_DEFAULTS.spark_master,
    show_default=True,
    help="Spark master for --engine spark (local[N], spark://host:7077, yarn, k8s://...); under "
    "spark-submit the default means the master given there.",
)
@click.option(
    "--spark-staging",
    metavar="DIR",
    default=None,
    help="For --engine spark on a cluster: a folder the driver and every executor see at the same path "
    "(a shared file system), where the driver writes the paragraphs as JSON Lines for the jobs to read. "
    "Default: a temporary folder with a local master; on a cluster, the paragraphs go inside the jobs.",
)
@domain_errors
@stops_on_signals
def audit(
    out_dir: Path,
    db: Path | None,
    rebuild: bool,
    sketches: bool,
    with_json: bool | None,
    engine: str,
    spark_master: str,
    spark_staging: str | None,
    **kwargs: Any,
) -> None:
    """Audit PATHS (files or folders; default: seeds/) and write the report.

    Prints a summary and the path of the report. Exit status 0 when something
    was audited, 1 when nothing could be read (or, with --strict, on any
    warning), 130/143 when stopped by Ctrl-C/SIGTERM. Refused at once while
    another run writes into the same --out, or into the same --db.

    An input of over 100 MB writes no audit.json (about three times the
    input's size) unless --json asks for it: the run is kept in a store,
    --db or OUT/audit.sqlite, which queries read (docs/store.md) and
    `provenance report --db` renders again. Once OUT/audit.sqlite exists,
    every audit into OUT keeps its run there.
    """
    from provenance.audit import audit as run_audit
    from provenance.export import OUTPUT_FILES, OUTPUT_STORE, refuse_outputs_replacing, write_outputs
    from provenance.ownership import clear_leftovers, output_lock

    paths, config = _config(kwargs)
    config = config.with_(engine=engine, spark_master=spark_master, spark_staging=spark_staging)
    if engine != "spark":
        # Said, not silently dropped: a user who names a master expects Spark to run.
        context = click.get_current_context()
        given = [
            f"--{name.replace('_', '-')}"
            for name in ("spark_master", "spark_staging")
            if context.get_parameter_source(name) not in (None, click.core.ParameterSource.DEFAULT)
        ]
        if given:
            _echo(
                f"warning: {' and '.join(given)} {'apply' if len(given) > 1 else 'applies'} only to "
                "--engine spark; this audit runs on this machine (--engine local)",
                err=True,
            )
    large = None
    if with_json is None:
        large = _large_input(paths, config, out_dir, db)
        with_json = large is None
    folder_own = db is None and (not with_json or (out_dir / OUTPUT_STORE).is_file())
    if folder_own:
        # The folder's store, once made, goes on keeping its runs: left behind
        # unchanged, it would no longer describe the outputs beside it.
        db = out_dir / OUTPUT_STORE
    if rebuild and db is None:
        raise click.UsageError("--rebuild starts a store afresh: it needs --db")
    if sketches and db is None:
        raise click.UsageError("--sketches keeps the sketches in a store: it needs --db")
    refuse_outputs_replacing(out_dir, _named_inputs(paths, config), db)
    # Locked from the start, so that a second run into this folder (or store) is
    # refused before its minutes of work rather than after them.
    with output_lock(out_dir), _run_store(db, config, rebuild, folder_own, sketches) as store:
        cleared = clear_leftovers(out_dir, OUTPUT_FILES)
        if cleared:
            click.echo(cleared.message(out_dir), err=True)
        progress = StageProgress()
        try:
            own = _own_paths(out_dir, db, [*paths, *config.references])
            same = (
                store.unchanged_run(paths, config, own, out_dir, with_json) if store and not rebuild else None
            )
            if same is not None:
                progress.close()
                _echo(
                    f"store: nothing changed since run {same} (the same files by SHA-256, the same "
                    "parameters and versions): not audited again, and the store is unchanged",
                    err=True,
                )
                _echo(f"report: {out_dir / 'report.html'} (run {same}'s, still current)")
                return
            if store is not None:
                store.note_inputs(paths, config, own)
            result = run_audit(paths, config, progress=progress, exclude_dirs=own)
            if store is not None:
                result.since_last_run = store.record(result, progress)
            # The store commits as the outputs land, under the same hold on Ctrl-C: both are this run's.
            finish = None if store is None else functools.partial(store.finish, result)
            written = write_outputs(
                result,
                out_dir,
                progress=progress,
                with_json=with_json,
                then=finish,
                document=None if store is None else store.document,
            )
        finally:
            progress.close()
    # Lists cut short on the terminal are whole in the report and in audit.json, or in the store without it.
    kept_in = "audit.json" if with_json else "the store"
    _print_warnings(result, kept_in)
    _print_summary(result, written, kept_in)
    if not with_json:
        from provenance.export import JSON_MAX_INPUT_BYTES

        why = (
            "--no-json"
            if large is None
            else f"the input is {large / 2**20:,.0f} MB, over {JSON_MAX_INPUT_BYTES / 2**20:,.0f} MB"
        )
        _echo(
            f"audit.json not written ({why}): the run is kept in {db}; "
            f"`provenance report --db {db}` renders it again, --json writes audit.json too"
        )
    if store is not None:
        from provenance.store import format_diff

        for line in store.log:
            _echo(f"store: {line}", err=True)
        for line in format_diff(store.since_last_run or {"run": store.run}):
            _echo(line)


def _named_inputs(paths: Sequence[str], config: AuditConfig) -> list[str]:
    """What the command line names for the audit to read: PATHS, each --reference and the --aliases file."""
    return [*paths, *config.references, *([config.aliases] if config.aliases else [])]


def _own_paths(out_dir: Path, db: Path | None, paths: Sequence[str]) -> list[str | Path]:
    """What an audit writes, never to be read as its input when it lies inside a named folder.

    The output folder, and the store with SQLite's files beside it. When the
    output folder is a folder being audited or a reference, or holds one
    (``audit . --out .``, ``audit dump --out .``), only the files the audit writes there are
    left out: leaving out the folder would leave out the user's own posts.
    (Its temporary files start with a dot, which the walk passes over.)
    """
    from provenance.export import OUTPUT_FILES

    own: list[str | Path] = [out_dir]
    if any(_lies_in(Path(path), out_dir) for path in paths):
        own = [out_dir / name for name in OUTPUT_FILES]
    if db is not None:
        own += [Path(f"{db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    return own


def _lies_in(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it, symbolic links resolved."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symbolic link loop
        return False


def _large_input(paths: Sequence[str], config: AuditConfig, out_dir: Path, db: Path | None) -> int | None:
    """The input's size in bytes when it is over :data:`~provenance.export.JSON_MAX_INPUT_BYTES`, else None.

    The files are listed as the audit lists them, and weighed only when their
    first bytes say the audit will read them: a video or an archive beside
    the posts makes no store. One that cannot be read counts nothing here
    (the audit reports it).
    """
    from provenance.export import JSON_MAX_INPUT_BYTES
    from provenance.ingest import input_files, sniff_readable
    from provenance.models import Corpus, SkippedFile

    total = 0
    for path, _ in input_files(
        paths, config, Corpus(), exclude_dirs=_own_paths(out_dir, db, [*paths, *config.references])
    ):
        if isinstance(sniff_readable(path, config), SkippedFile):
            continue
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total if total > JSON_MAX_INPUT_BYTES else None


@contextlib.contextmanager
def _run_store(
    db: Path | None, config: AuditConfig, rebuild: bool, folder_own: bool, sketches: bool = False
) -> Iterator[Any]:
    """The store a run records into (``--db``, or the output folder's own), locked for the run; or None.

    A store the user did not name (``folder_own``) that cannot take this run
    says so, and that another --out starts afresh.
    """
    if db is None:
        yield None
        return
    from provenance.errors import StoreError
    from provenance.store import RunStore

    with contextlib.ExitStack() as stack:
        try:
            store = stack.enter_context(RunStore.open(db, config, rebuild=rebuild, sketches=sketches))
        except StoreError as exc:
            if not folder_own:
                raise
            raise StoreError(
                f"{exc}; or audit into another --out (this store is the output folder's own, kept beside "
                "its report because an audit there wrote no audit.json)"
            ) from exc
        yield store


def _print_warnings(result: Any, kept_in: str) -> None:
    corpus = result.corpus
    lines = [f"warning: {w}" for w in corpus.warnings]
    lines += [f"skipped: {s.path}: {s.reason}" for s in corpus.skipped]
    if corpus.unparsed:
        first = corpus.unparsed[0]
        lines.append(f"unparsed: {len(corpus.unparsed)} lines, first at {first.path}:{first.line}")
    for line in lines[:_MAX_WARNINGS_SHOWN]:
        _echo(line, err=True)
    if len(lines) > _MAX_WARNINGS_SHOWN:
        click.echo(
            f"… and {len(lines) - _MAX_WARNINGS_SHOWN} more (listed in the report and {kept_in})", err=True
        )


def _print_summary(result: Any, written: dict[str, Path], kept_in: str) -> None:
    from rich.table import Table

    from provenance.dedup.order import GUESSES, order_evidence
    from provenance.export import GEXF_MAX_NODES

    by_kind: dict[str, int] = {}
    for pair in result.pairs:
        by_kind[pair.kind] = by_kind.get(pair.kind, 0) + 1
    table = Table(title="provenance audit", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("posts", str(len(result.posts)))
    table.add_row("paragraphs", str(sum(len(p.paragraphs) for p in result.posts)))
    table.add_row("duplicate pairs", str(len(result.pairs)))
    for kind in ("exact", "near", "contained", "partial"):
        table.add_row(f"  {kind}", str(by_kind.get(kind, 0)))
    table.add_row("clusters", str(len(result.dedup.clusters)))
    table.add_row("reprints", str(len(result.reprints)))
    table.add_row("outlets", str(len(result.outlets)))
    table.add_row("unparsed lines", str(len(result.corpus.unparsed)))
    table.add_row("skipped files", str(len(result.corpus.skipped)))
    # Post ids and titles are the dump's: printed as they are, never read as rich markup or emoji codes.
    console = _summary_console(soft_wrap=True, markup=False, emoji=False, highlight=False)
    console.print(table)
    console.print(f"who copied whom: {order_evidence(result.posts)}")
    for reprint in result.reprints[:_MAX_REPRINTS_SHOWN]:
        # No evidence of which came first: the line says so instead of naming a copy.
        if reprint.decided_by in GUESSES:
            line = (
                f"reprint: {reprint.copy} shares text with {reprint.source} "
                f"(which came first is a guess by {reprint.decided_by})"
            )
        elif reprint.decided_by == "undecided":
            line = (
                f"reprint: {reprint.copy} shares text with {reprint.source} "
                "(which came first is undecided: the same day, no time or credit orders them)"
            )
        else:
            line = f"reprint: {reprint.copy} copies {reprint.source} (decided by {reprint.decided_by})"
        console.print(printable(line))
    if len(result.reprints) > _MAX_REPRINTS_SHOWN:
        click.echo(f"… and {len(result.reprints) - _MAX_REPRINTS_SHOWN} more reprints (in the report)")
    findings = result.findings
    if findings:
        counts = ", ".join(
            f"{sum(1 for f in findings if f.severity == s)} {s}"
            for s in ("high", "medium", "low")
            if any(f.severity == s for f in findings)
        )
        console.print(f"findings: {len(findings)} ({counts})")
        for finding in findings[:_MAX_REPRINTS_SHOWN]:
            console.print(printable(f"  {finding.severity} {finding.kind}: {_unisolated(finding.summary)}"))
        if len(findings) > _MAX_REPRINTS_SHOWN:
            more = len(findings) - _MAX_REPRINTS_SHOWN
            click.echo(f"… and {more} more findings (in the report and {kept_in})")
    else:
        console.print("findings: none (no claim the dump contradicts)")
    if "graph.gexf" not in written:
        click.echo(
            f"graph.gexf not written: the graph has over {GEXF_MAX_NODES:,} nodes "
            "(graph.graphml has it all; `provenance graph --format gexf` writes GEXF on request)"
        )
    _echo(f"report: {written['report.html']}")


@cli.command()
@click.argument("audit_json", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Render a run kept in this store (provenance audit --db) instead of an AUDIT_JSON.",
)
@click.option(
    "--run", "run", type=click.IntRange(1), default=None, help="With --db: the run (default: the last)."
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the HTML (default: report.html beside AUDIT_JSON or the store).",
)
@domain_errors
@stops_on_signals
def report(audit_json: Path | None, db: Path | None, run: int | None, out_file: Path | None) -> None:
    """Render the HTML report again from a saved AUDIT_JSON or a run of a --db store, without re-auditing."""
    from provenance.errors import ReportError
    from provenance.export import load_audit_json, refuse_replacing, write_atomically, write_output_text
    from provenance.report import render

    if (audit_json is None) == (db is None):
        raise click.UsageError("give either AUDIT_JSON or --db STORE")
    if run is not None and db is None:
        raise click.UsageError("--run picks a run of a --db store")
    doc: Mapping[str, Any]
    if db is not None:
        from provenance.store import stored_document

        run, doc = stored_document(db, run)
        where = f"{db} (run {run})"
        saved = db
    else:
        assert audit_json is not None
        doc = load_audit_json(audit_json)
        where, saved = str(audit_json), audit_json
    target = out_file or saved.with_name("report.html")
    kind = "store" if db is not None else "audit.json"
    refuse_replacing(target, [saved], f"the {kind} it is rendered from")
    try:
        html = render(doc)
    except ReportError as exc:
        raise ReportError(f"{where}: {exc}") from exc
    write_atomically([(target, lambda path: write_output_text(path, html))])
    _echo(f"report: {target}")


#: The store a reading command works on (``diff``, ``runs``).
_STORE_OPTION = click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The store written by provenance audit --db.",
)


@cli.command()
@click.argument("runs", nargs=-1, type=click.IntRange(1))
@_STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON (audit.json's since_last_run).")
@domain_errors
@stops_on_signals
def diff(runs: tuple[int, ...], db: Path, as_json: bool) -> None:
    """Print what changed between two runs of a store: RUN_A RUN_B, or the last two.

    New, removed and changed posts (with the edits), new and gone pairs, new
    reprints, new and gone findings, and which input files were unchanged.
    """
    from provenance.store import format_diff, stored_diff

    if len(runs) not in (0, 2):
        raise click.UsageError("give two runs (RUN_A RUN_B) or none (the last two runs)")
    found = stored_diff(db, *runs) if runs else stored_diff(db)
    if as_json:
        import json

        # ASCII: a title's control or bidirectional characters reach the terminal as \u escapes.
        click.echo(json.dumps(found, ensure_ascii=True, indent=1))
        return
    for line in format_diff(found):
        _echo(line)


@cli.command()
@_STORE_OPTION
@click.option(
    "--keep",
    type=click.IntRange(1),
    default=None,
    help="Drop every run but the last N, then compact the file.",
)
@click.option(
    "--drop",
    "drop",
    multiple=True,
    type=click.IntRange(1),
    metavar="RUN",
    help="Drop run RUN (repeatable), then compact the file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON.")
@domain_errors
@stops_on_signals
def runs(db: Path, keep: int | None, drop: tuple[int, ...], as_json: bool) -> None:
    """List the runs a store holds; --keep N or --drop RUN removes old ones.

    Each run is kept whole (about 17 MB per 10,000 paragraphs), so a store
    audited every week grows by a whole audit each week. Dropping runs takes
    the store's lock (never while an audit writes it) and one transaction;
    the file is then compacted (SQLite's VACUUM, which needs free disk space
    of about the store's new size). Later runs compare with the last one left.
    """
    from provenance.store import drop_runs, stored_runs
    from provenance.store.runs import runs_named

    if keep is not None or drop:
        done = drop_runs(db, drop=drop, keep=keep)
        kept = runs_named(done.kept) if done.kept else "no run"
        if not done.dropped:
            _echo(f"{db}: nothing to drop ({kept} kept)")
        else:
            size = f"{done.size_before / 1e6:,.1f} MB before"
            if done.not_compacted is None:
                size += f", {done.size_after / 1e6:,.1f} MB now"
            _echo(f"{db}: dropped {runs_named(done.dropped)}, kept {kept}; {size}")
        if done.not_compacted:
            _echo(
                f"warning: the runs are dropped, the file not compacted yet: {done.not_compacted}", err=True
            )
        if done.stopped is not None:
            raise done.stopped
        if not as_json:
            return
    found = stored_runs(db)
    if as_json:
        import json

        click.echo(json.dumps([row.as_dict() for row in found], ensure_ascii=True, indent=1))
        return
    # Plain columns, not a rich table: piped or in a narrow terminal, rich would cut the dates short.
    names = ("posts", "paragraphs", "pairs", "reprints", "findings")
    head = ("run", "started (UTC)", "files", *names, "version")
    lines = [
        (
            str(row.id),
            row.started_at.replace("T", " ").removesuffix("+00:00"),
            f"{row.files:,}",
            *(f"{row.figures[name]:,}" for name in names),
            row.tool_version,
        )
        for row in found
    ]
    widths = [max(len(cell) for cell in column) for column in zip(head, *lines, strict=True)]
    for cells in (head, *lines):
        shown = [
            cell.ljust(w) if i in (1, len(head) - 1) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        _echo("  ".join(shown).rstrip())
    if not found:
        _echo(f"{db}: the store holds no run")


@cli.command()
@click.argument("text_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@_STORE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@domain_errors
@stops_on_signals
def search(text_file: Path, db: Path, as_json: bool) -> None:
    """Which stored paragraphs each paragraph of TEXT_FILE repeats (- reads standard input).

    Compares a text that came after the audit (an article, a draft; its
    paragraphs parted by blank lines, or a saved web page, JSON Lines file or
    WordPress export, read as the audit reads them) with every paragraph of a store audited
    with --sketches, without auditing again: by their MinHash sketches, then
    exactly on their shingles, at the store's threshold and containment
    (docs/store.md). Prints each match with the stored post, paragraph and line.
    """
    from provenance.store.search import read_search_file, search_store

    text: str | list[tuple[int, str]]
    if str(text_file) == "-":
        text = sys.stdin.read()
    else:
        text, said = read_search_file(text_file)
        for message in said:
            _echo(f"warning: {message}", err=True)
    found = search_store(db, text)
    if as_json:
        import dataclasses
        import json

        click.echo(json.dumps([dataclasses.asdict(m) for m in found], ensure_ascii=True, indent=1))
        return
    for match in found:
        _echo(
            f"paragraph {match.paragraph} (line {match.line}) repeats run {match.run}'s {match.post!r} "
            f"paragraph {match.stored_paragraph} (line {match.stored_line}, {match.title!r}): "
            f"Jaccard {match.jaccard:.2f}, {match.containment:.0%} of it held there"
        )
        _echo(f"    {match.text if len(match.text) <= 160 else match.text[:160] + '…'}")
    repeating = len({match.paragraph for match in found})
    verb = "repeats" if repeating == 1 else "repeat"
    _echo(f"{repeating:,} paragraph{'s' if repeating != 1 else ''} of {text_file} {verb} stored ones")


@cli.command()
@audit_options()
@click.option(
    "--format",
    "graph_format",
    type=click.Choice(["graphml", "gexf", "json"]),
    default="graphml",
    show_default=True,
    help="graphml/gexf for Gephi and Cytoscape, json for networkx node-link.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: reports/graph.<format>).",
)
@domain_errors
@stops_on_signals
def graph(graph_format: str, out_file: Path | None, **kwargs: Any) -> None:
    """Audit PATHS and write only the provenance graph (posts, outlets, authors, clusters)."""
    import json

    from provenance.audit import audit as run_audit
    from provenance.export import refuse_replacing, write_atomically, write_output_text
    from provenance.graph import to_node_link, write_gexf, write_graphml

    paths, config = _config(kwargs)
    target = out_file or Path(DEFAULT_OUT) / f"graph.{graph_format}"
    # Before the audit's minutes of work: the files named on the command line, never an output.
    refuse_replacing(target, _named_inputs(paths, config), "a file this audit reads")
    result = run_audit(paths, config)
    g = result.graph.elements()
    writers = {
        "graphml": lambda path: write_graphml(g, path),
        "gexf": lambda path: write_gexf(g, path),
        "json": lambda path: write_output_text(
            path, json.dumps(to_node_link(g.to_networkx()), ensure_ascii=False, indent=1) + "\n"
        ),
    }
    write_atomically([(target, writers[graph_format])])
    _echo(f"graph: {target} ({g.number_of_nodes()} nodes, {g.number_of_edges()} edges)")


@cli.command()
@click.argument("post")
@audit_options()
@domain_errors
@stops_on_signals
def sources(post: str, **kwargs: Any) -> None:
    """Print the provenance chain of POST (a post id, or a unique part of its title).

    The chain runs from the outlet the post credits, through the post it
    copies, to the posts that copy it in turn. PATHS are the dump to audit,
    or one audit.json a finished audit wrote: then the chain is read from it
    without auditing again (the other options do not apply).
    """
    from provenance.graph import format_chain, provenance_chain
    from provenance.saved import credit_and_findings

    paths = kwargs["paths"]
    if len(paths) == 1 and _is_saved_audit(paths[0]):
        from provenance.export import load_audit_json
        from provenance.saved import chain_inputs

        doc = load_audit_json(paths[0])
        posts, graph = chain_inputs(doc, paths[0])
        where = paths[0]
    else:
        from provenance.audit import audit as run_audit
        from provenance.export import audit_to_dict

        found, config = _config(kwargs)
        result = run_audit(found, config)
        posts, graph = result.posts, result.graph
        doc = audit_to_dict(result)
        where = "the audit's document"
    chain = provenance_chain(graph, posts, post)
    # Read before anything is printed: a damaged document is one line, not half a chain and an error.
    credit = credit_and_findings(doc, chain.post.post, where)
    # Line by line: the chain's own line breaks stay, any inside a title or id is made visible.
    for line in format_chain(chain).split("\n"):
        _echo(line)
    for line in credit:
        _echo(line)


def _is_saved_audit(path: str) -> bool:
    from provenance.saved import is_saved_audit

    return is_saved_audit(path)


def main() -> None:
    cli(prog_name="provenance")
