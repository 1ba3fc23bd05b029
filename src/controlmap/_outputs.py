"""Writing a command's outputs as one set: all of the new files or none of them.

Every file of a set is first written under a hidden temporary name in the output
folder. Only when the whole set is written is a journal saved, the files renamed
into place and ``manifest.json`` written last, naming the version, the command,
the hashes of its inputs and of every output. A command killed before the journal
leaves the previous set untouched (its temporary files are swept by the next
command); killed after it, the next command on the folder finishes the renames
from the journal, so the folder holds either the previous set or the new one.
The manifest also says which files controlmap wrote, so that no other file is
overwritten, and lets a reader tell a stale or mixed set. CSVs are written here
too, quoted so that a bare CR cannot split a row and with spreadsheet formulas
neutralised. Not for what the files hold: `pipeline`, `render` and `export` make
the bytes.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from .errors import OutputError
from .records import Problem

try:  # POSIX only; elsewhere two commands writing one folder at once are not serialised
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: Every file name a controlmap command writes into an output folder.
OUTPUT_NAMES = frozenset({
    "index.html", "embed.html", "events.csv", "articles.csv", "counts.csv",
    "unresolved.csv", "timeline.csv", "timeline.geojson", "timeline.gif",
    "articles.template.csv", "timeline_runs.geojson", "timeline.gpkg", "timeline.parquet",
    MANIFEST,
})
_TOOL = "controlmap"
_TEMP_PREFIX = ".controlmap-tmp-"
_JOURNAL = ".controlmap-commit.json"
_LOCK = ".controlmap.lock"
_CHUNK = 1 << 20
# OWASP's CSV-injection rule: a spreadsheet runs a cell starting with one of these
# as a formula. A leading apostrophe makes it text; cells that already start with
# apostrophes before such a character get one more, so reading back is exact.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")


@dataclass(frozen=True)
class Manifest:
    """What ``manifest.json`` records about one output set."""

    command: str
    version: str
    inputs: tuple[tuple[str, str], ...] = ()  # (path, sha256)
    outputs: tuple[tuple[str, str], ...] = ()  # (file name, sha256)

    def to_json(self) -> str:
        data = {
            "tool": _TOOL,
            "version": self.version,
            "command": self.command,
            "inputs": [{"path": p, "sha256": h} for p, h in self.inputs],
            "outputs": [{"file": n, "sha256": h} for n, h in self.outputs],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest | None:
        """The manifest in ``text``, or None when it is not one controlmap wrote."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("tool") != _TOOL:
                return None
            return cls(
                command=str(data["command"]), version=str(data["version"]),
                inputs=tuple((str(i["path"]), str(i["sha256"])) for i in data["inputs"]),
                outputs=tuple((str(o["file"]), str(o["sha256"])) for o in data["outputs"]),
            )
        except (ValueError, KeyError, TypeError):
            return None

    @property
    def files(self) -> dict[str, str]:
        return dict(self.outputs)


def read_manifest(folder: Path) -> Manifest | None:
    """The controlmap manifest of ``folder``, or None when it has none (or another tool's)."""
    path = Path(folder) / MANIFEST
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def is_output_folder(folder: Path) -> bool:
    """Whether controlmap wrote its outputs to ``folder`` (it holds our manifest)."""
    return read_manifest(folder) is not None or (Path(folder) / _JOURNAL).is_file()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_set(folder: Path) -> list[Problem]:
    """What is wrong with the output set in ``folder``: files missing or changed since written.

    Empty when the folder has no manifest (nothing to check) or matches it.
    """
    folder = Path(folder)
    problems = []
    if (folder / _JOURNAL).is_file():
        problems.append(Problem(str(folder), "a controlmap command was stopped while replacing "
                                "its outputs; run a controlmap command on this folder to finish"))
    manifest = read_manifest(folder)
    if manifest is None:
        return problems
    for name, digest in manifest.outputs:
        path = folder / name
        if not path.is_file():
            problems.append(Problem(str(path), f"listed in {MANIFEST} but missing "
                                    "(an incomplete output set)"))
        elif sha256_of(path) != digest:
            problems.append(Problem(str(path), "differs from the file controlmap wrote with "
                                    "the rest of this folder (changed since, or a mixed set)"))
    return problems


def guard_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made text with a leading ``'``."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def unguard_cell(text: str) -> str:
    """The text `guard_cell` was given (cells without the guard are returned as they are)."""
    return text[1:] if _GUARDED.match(text) else text


def unguard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (read with ``dtype=str``) with the formula guard taken off every cell."""
    return frame.apply(lambda column: column.map(unguard_cell)) if len(frame) else frame


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as CSV, safe to open in a spreadsheet and to read back.

    Lines end in CRLF, as RFC 4180 has it: the csv module then quotes every cell
    holding a CR or LF (with LF endings a bare CR goes out unquoted and splits the
    row for readers). Text cells that a spreadsheet would run as a formula get a
    leading apostrophe (`guard_cell`).
    """
    guarded = frame.copy()
    for column in guarded.columns:
        if not pd.api.types.is_numeric_dtype(guarded[column]):
            guarded[column] = guarded[column].map(guard_cell)
    guarded.to_csv(path, index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` if the block succeeds.

    For a single file (``export-png --out map.png``): a reader never sees it half
    written. ``path`` must not be a symlink: controlmap never writes through one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _refuse_link(path)
    temp = path.with_name(f"{_TEMP_PREFIX}{os.getpid()}-{path.name}")
    try:
        yield temp
        _fsync(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


@dataclass
class OutputSet:
    """The outputs of one command in one folder, made visible together by `commit`.

    Parameters
    ----------
    out
        The output folder; created if missing.
    command
        The command's name, recorded in the manifest.
    writes
        The names of the files the command writes.
    removes
        Names of earlier outputs that the new files would make stale (a
        ``timeline.csv`` beside a new ``events.csv``): removed on commit.
    optional
        Names among ``writes`` that a run may leave unwritten (the date template
        when every date is known): an earlier file of that name is then removed.
    inputs
        Files the command reads; one of them may be overwritten even when it was
        changed after controlmap wrote it (``render build/events.csv --out build``).
    force
        Overwrite and remove files controlmap did not write.

    Raises
    ------
    OutputError
        When a file to write or remove is a symlink, or was not written by
        controlmap (not in the folder's manifest, or changed since) and
        ``force`` is not set.
    """

    out: Path
    command: str
    writes: tuple[str, ...]
    removes: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    inputs: tuple[Path, ...] = ()
    force: bool = False
    _lock: Any = field(default=None, init=False, repr=False)
    _token: str = field(default="", init=False, repr=False)
    _read: dict[str, Path] = field(default_factory=dict, init=False, repr=False)
    _journaled: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.out = Path(self.out)
        self.out.mkdir(parents=True, exist_ok=True)
        self._token = f"{os.getpid()}-{id(self)}"
        self._read = {str(p): Path(p) for p in self.inputs}
        self._take_lock()
        try:
            recover(self.out)
            self._check_targets()
        except BaseException:
            self._release_lock()
            raise

    def record_inputs(self, inputs: Iterable[tuple[str, Path]]) -> None:
        """Note files the outputs are made from: (name recorded in the manifest, path)."""
        self._read.update(inputs)

    def path(self, name: str) -> Path:
        """Where to write the output ``name`` until `commit` puts it in place."""
        if name not in self.writes:
            raise ValueError(f"{name!r} is not one of this set's outputs {self.writes}")
        return self.out / f"{_TEMP_PREFIX}{self._token}-{name}"

    def final(self, name: str) -> Path:
        return self.out / name

    def write_text(self, name: str, text: str) -> None:
        self.path(name).write_text(text, encoding="utf-8", newline="")

    def write_csv(self, name: str, frame: pd.DataFrame) -> None:
        write_csv(frame, self.path(name))

    def commit(self, *, only: tuple[str, ...] | None = None) -> tuple[Path, ...]:
        """Put every written file in place, remove stale ones, write the manifest last.

        ``only`` commits just those outputs (a build that stops before its map): the
        set's other outputs are then stale and removed. Returns the paths of the
        outputs now in place.
        """
        if only is not None:
            dropped = tuple(name for name in self.writes if name not in only)
            for name in dropped:
                self.path(name).unlink(missing_ok=True)
            self.removes = tuple(dict.fromkeys((*self.removes, *dropped)))
            self.writes = tuple(name for name in self.writes if name in only)
        try:
            self._check_targets()
            staged = {name: self.path(name) for name in self.writes}
            skipped = {name for name in self.optional if not staged[name].is_file()}
            staged = {name: temp for name, temp in staged.items() if name not in skipped}
            missing = [name for name, temp in staged.items() if not temp.is_file()]
            if missing:
                raise ValueError(f"outputs {missing} were never written")
            for temp in staged.values():
                _fsync(temp)
            previous = read_manifest(self.out)
            kept = {
                name: digest for name, digest in (previous.outputs if previous else ())
                if name not in self.writes and name not in self.removes
                and (self.out / name).is_file()
            }
            outputs = kept | {name: sha256_of(temp) for name, temp in staged.items()}
            manifest = Manifest(
                command=self.command, version=_version(),
                inputs=tuple((label, sha256_of(path)) for label, path in sorted(self._read.items())
                             if path.is_file()),
                outputs=tuple(sorted(outputs.items())),
            )
            journal = {
                "manifest": json.loads(manifest.to_json()),
                "staged": {name: temp.name for name, temp in staged.items()},
                "remove": sorted((set(self.removes) - set(self.writes)) | skipped),
            }
            _write_atomically(self.out / _JOURNAL, json.dumps(journal, indent=2))
            # From here the journal owns the staged files: if this process stops, the
            # next command on the folder finishes the renames with them.
            self._journaled = True
            recover(self.out)
            return tuple(self.out / name for name in self.writes if name not in skipped)
        finally:
            self.close()

    def close(self) -> None:
        """Drop whatever was written but not committed, and let other commands in."""
        if not self._journaled:
            for name in self.writes:
                self.path(name).unlink(missing_ok=True)
        self._release_lock()

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
        if isinstance(error, OSError) and error.filename is None and error.errno is not None:
            # Writers such as pandas' to_csv do not say which file failed: name the folder.
            raise OSError(error.errno, error.strerror, str(self.out)) from error

    def _check_targets(self) -> None:
        previous = read_manifest(self.out)
        ours = previous.files if previous else {}
        inputs = {Path(p).resolve() for p in self.inputs if Path(p).exists()}
        for name in (*self.writes, *self.removes):
            path = self.out / name
            if path.is_symlink():
                if self.force:
                    continue  # replacing the link itself, never writing through it
                raise OutputError(
                    f"{path} is a symbolic link; controlmap never writes through one. "
                    "Remove the link, choose another --out, or pass --force to replace "
                    "the link (not its target)."
                )
            if not path.exists():
                continue
            if not path.is_file():
                raise OutputError(f"{path} is a folder, so controlmap cannot write its "
                                  f"{name} there; choose another --out.")
            if self.force or path.resolve() in inputs:
                continue
            if name not in ours:
                raise OutputError(
                    f"{path} was not written by controlmap (it is not in {self.out / MANIFEST}); "
                    "controlmap does not overwrite it. Move it away, choose another --out, "
                    "or pass --force."
                )
            if sha256_of(path) != ours[name]:
                raise OutputError(
                    f"{path} was changed after controlmap wrote it; controlmap does not "
                    "overwrite it. Move it away, choose another --out, or pass --force."
                )

    def _take_lock(self) -> None:
        if fcntl is None:
            return
        handle = (self.out / _LOCK).open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)  # another command on this folder finishes first
        except OSError:  # a file system without locks: go on unserialised
            handle.close()
            return
        self._lock = handle

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def recover(out: Path) -> None:
    """Finish a commit that was stopped part-way, and sweep temporary files left behind.

    Safe to run at any time on any folder; the output set that results is the
    one the journal describes, or the previous one when there is no journal.
    """
    out = Path(out)
    journal_path = out / _JOURNAL
    if journal_path.is_file():
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
            staged, remove = dict(journal["staged"]), list(journal["remove"])
            text = json.dumps(journal["manifest"], indent=2, ensure_ascii=False) + "\n"
            # Only our own names: a journal planted in a folder must not move or delete
            # anything else.
            if not (set(staged) | set(remove)) <= OUTPUT_NAMES or not all(
                isinstance(t, str) and t.startswith(_TEMP_PREFIX) and "/" not in t
                and "\\" not in t for t in staged.values()
            ):
                raise ValueError("it names files that are not controlmap's outputs")
        except (ValueError, KeyError, TypeError) as err:
            raise OutputError(f"{journal_path} is not a journal controlmap can finish "
                              f"({err}); remove it and rebuild.") from err
        for name, temp in staged.items():
            if (out / temp).is_file():
                os.replace(out / temp, out / name)
        for name in remove:
            (out / name).unlink(missing_ok=True)
        _write_atomically(out / MANIFEST, text)
        journal_path.unlink()
    for leftover in out.glob(f"{_TEMP_PREFIX}*"):
        if leftover.is_file() or leftover.is_symlink():
            leftover.unlink()


def refuse_out_in_corpus(out: Path, corpus: Path, *, force: bool) -> None:
    """Refuse an output folder that is the corpus folder or inside it, unless ``force``.

    Outputs there overwrite the user's own files (an ``articles.csv`` sidecar) and
    are read back as articles by the next build.
    """
    if force or not corpus.is_dir():  # one article file: only that file is read
        return
    root = corpus.resolve()
    target = out.resolve()
    if target == root or target.is_relative_to(root):
        raise OutputError(
            f"--out {str(out)!r} is inside the corpus folder {str(corpus)!r}: the outputs "
            "could overwrite your own files (an articles.csv sidecar) and be read back as "
            "articles. Choose a folder outside it, or pass --force."
        )


def _refuse_link(path: Path) -> None:
    if path.is_symlink():
        raise OutputError(f"{path} is a symbolic link; controlmap never writes through one. "
                          "Remove the link or choose another file.")


def _write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f"{_TEMP_PREFIX}{os.getpid()}-{path.name}")
    temp.write_text(text, encoding="utf-8")
    _fsync(temp)
    os.replace(temp, path)


def _fsync(path: Path) -> None:
    # So that a power cut after the rename cannot leave a renamed but empty file.
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _version() -> str:
    try:
        return metadata.version(_TOOL)
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


__all__ = [
    "MANIFEST",
    "OUTPUT_NAMES",
    "Manifest",
    "OutputSet",
    "atomic_file",
    "check_set",
    "guard_cell",
    "is_output_folder",
    "read_manifest",
    "recover",
    "refuse_out_in_corpus",
    "sha256_of",
    "unguard_cell",
    "unguard_frame",
    "write_csv",
]
