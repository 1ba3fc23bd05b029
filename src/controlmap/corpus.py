"""Reading a corpus of news articles: files in, `Article` records out, one at a time.

A corpus is a folder (searched recursively) or a list of files: ``.txt``,
``.md``, ``.html``/``.htm`` (main text extracted by trafilatura, so navigation,
adverts and comment boxes are dropped) and ``.jsonl`` (one article per line).
An optional ``articles.csv`` sidecar in a folder gives ``published``,
``url``, ``outlet`` or ``title`` per ``file`` (relative to that folder; a
JSONL line is ``feed.jsonl#3``). Data files beside the articles (CSV, JSON,
images) and folders controlmap wrote its outputs to are skipped; any other
unknown file type is reported. Encodings are detected with
charset-normalizer; a low-confidence guess is noted on the article. Anything
that cannot be read (empty, binary, malformed line or sidecar row) becomes a
`Problem` naming the file, and the rest of the corpus is still read.

Not for: finding events in the text (see `extract`) or writing the articles
table (the pipeline does that from `Corpus.problems` and `Article.problems`).

Publication dates come from the sidecar (``published_source="sidecar"``),
else from the text (``"text"``, see `dates.infer_published`), else from the
corpus (``"corpus"``), else stay unknown. A JSONL record's own ``published``
counts as given, like the sidecar's. Corpus anchoring is for articles that
report only weekdays and relative days ("on Friday", "late last night"): the
article is compared with every article whose date the sidecar or text gives,
by the proper names they share, each name weighted by how rare it is in the
corpus (inverse document frequency; in a large corpus, names in more than
half of the articles are ignored). The date of the best-matching dated article
(the latest on ties; the corpus's most common date when no name is shared)
becomes the reference: it supplies the year of year-less dates, and the
article's own weekdays are placed in the week around it (see
`dates.published_from_clues`). A page date that only the page itself
vouches for and that lies far from every other date of the corpus is dropped
the same way. A corpus with no dated article anchors nothing: dates stay
unknown rather than invented.

Loading makes one cheap pass over the files for dates and names only (small
per-article metadata); iterating the `Corpus` then reads the files again, one
at a time, so memory stays flat however large the corpus grows.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import datetime as dt
import io
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import charset_normalizer
import trafilatura
from charset_normalizer import CharsetMatch

from . import dates
from .errors import InputError
from .records import Article, DateSource, Problem

logger = logging.getLogger(__name__)

SIDECAR = "articles.csv"
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
SIDECAR_FIELDS = ("published", "url", "outlet", "title")
# Tables, data and images often sit beside articles (gold annotations, maps):
# clearly not articles, so skipped with a log line rather than a problem.
DATA_SUFFIXES = (".csv", ".tsv", ".json", ".geojson", ".png", ".gif", ".jpg", ".jpeg", ".svg")

# Columns that mark a CSV as a table controlmap wrote, not a sidecar.
_EARLIEST_PUBLISHED = dt.date(1900, 1, 1)  # before this, a given publication date is a typo
_OUTPUT_COLUMNS = frozenset({"published_source", "events"})
# A folder holding these is a controlmap output folder: its index.html is ours.
_OUTPUT_MARKERS = ("timeline.csv", "events.csv")
# Above this charset-normalizer chaos or below this coherence, a decoding is a guess.
_MAX_CHAOS = 0.2
_MIN_COHERENCE = 0.1
_CHAOS_TIE = 0.01
# Proper names used to match articles: from this much of the start of the text.
_NAME_CHARS = 200_000
_NAMES_PER_ARTICLE = 60
_COMMON_MIN_ARTICLES = 10
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:[-\s](?:[a-z]{1,2}[-\s])?[A-Z][a-z]+)*")
_BINARY_SAMPLE = 8192
_TITLE_MIN_WORDS = 4
_TITLE_SCAN_LINES = 10
_SKIP_LINK = re.compile(r"(?i)\bskip\s+to\s+(?:the\s+)?(?:main\s+)?content\b")


@dataclass(frozen=True)
class _Entry:
    """What the first pass keeps about one article: small, no text."""

    id: str
    path: Path
    line: int | None  # 1-based JSONL line, None for a whole-file article
    title: str = ""
    url: str = ""
    outlet: str = ""
    published: dt.date | None = None
    published_source: DateSource = "unknown"
    reason: str = ""
    basis: str = "none"
    clues: dates.DateClues = field(default_factory=dates.DateClues)
    names: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()


class _Unreadable(Exception):
    """A file that yields no article; the message says why."""


class Corpus:
    """The articles of a corpus, read one file at a time on each iteration.

    Iterating twice gives the same articles in the same order: files sorted
    by id, the lines of a JSONL file in file order.
    ``problems`` lists every input that could not be used, as found while
    loading; problems with one article that still loaded are on
    ``Article.problems``.
    """

    def __init__(self, root: Path, entries: Sequence[_Entry], problems: list[Problem]) -> None:
        self.root = root
        self.problems = problems
        self._entries = tuple(entries)

    def __iter__(self) -> Iterator[Article]:
        for path, group in _by_file(self._entries):
            try:
                yield from self._read_again(path, group)
            except (OSError, _Unreadable) as err:
                self._report(Problem(group[0].id.split("#")[0], f"could not read again: {err}"))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Corpus({str(self.root)!r}, {len(self)} articles, {len(self.problems)} problems)"

    @property
    def ids(self) -> tuple[str, ...]:
        """Article ids in iteration order."""
        return tuple(e.id for e in self._entries)

    def _read_again(self, path: Path, group: list[_Entry]) -> Iterator[Article]:
        if group[0].line is None:
            text, _ = _read_article_text(path)
            yield _article(group[0], text)
            return
        wanted = {e.line: e for e in group}
        for number, raw in _jsonl_lines(path):
            entry = wanted.get(number)
            if entry is None:
                continue
            try:
                text = _without_surrogates(json.loads(raw or "")["text"])
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
                self._report(Problem(entry.id.split("#")[0],
                                     f"line changed since loading ({err}), skipped", number))
                continue
            yield _article(entry, _normalise_newlines(text))

    def _report(self, problem: Problem) -> None:
        if problem not in self.problems:
            logger.info("%s", problem)
            self.problems.append(problem)


def load_corpus(source: Path | Sequence[Path]) -> Corpus:
    """Find the articles at ``source`` and settle their publication dates.

    Parameters
    ----------
    source
        A folder (searched recursively), one file, or a list of files and folders.

    Returns
    -------
    Corpus
        Iterable of `Article`; ``problems`` already lists unreadable inputs.

    Raises
    ------
    InputError
        If ``source`` does not exist.

    Examples
    --------
    >>> corpus = load_corpus(Path("seeds"))  # doctest: +SKIP
    >>> [a.published for a in corpus]  # doctest: +SKIP
    """
    sources = [Path(source)] if isinstance(source, (str, Path)) else [Path(s) for s in source]
    if not sources:
        raise InputError("No corpus given: pass a folder or at least one article file.")
    for s in sources:
        if not s.exists():
            raise InputError(f"Corpus path {str(s)!r} does not exist.")
    root = _root_of(sources)
    problems: list[Problem] = []
    files, sidecars = _discover(sources, root, problems)
    entries: list[_Entry] = []
    for path in files:
        article_id = _id_of(path, root)
        if article_id != path.resolve().relative_to(root).as_posix():
            problems.append(Problem(article_id, "file name is not UTF-8; shown with \\x escapes "
                                    "(rename the file to match it in the sidecar)"))
        entries.extend(_first_pass(path, article_id, problems))
    sidecar_rows: dict[str, dict[str, str]] = {}
    for sidecar in sidecars:  # outer folders first, so a nested sidecar has the last word
        sidecar_rows |= _read_sidecar(sidecar, sidecar.parent, root, problems)
    entries = _apply_sidecar(entries, sidecar_rows, problems)
    entries = _anchor(entries)
    # Problems are returned for the caller to report once (the CLI prints them),
    # so they are only logged at INFO here.
    for problem in problems:
        logger.info("%s", problem)
    return Corpus(root, entries, problems)


# --- finding files -----------------------------------------------------------------------


def _root_of(sources: list[Path]) -> Path:
    if len(sources) == 1 and sources[0].is_dir():
        return sources[0].resolve()
    folders = [s.resolve() if s.is_dir() else s.resolve().parent for s in sources]
    return Path(_common_path(folders))


def _common_path(folders: list[Path]) -> Path:
    common = folders[0]
    for folder in folders[1:]:
        while not folder.is_relative_to(common):
            common = common.parent
    return common


def _id_of(path: Path, root: Path) -> str:
    return _shown(path.resolve().relative_to(root).as_posix())


def _shown(name: str) -> str:
    """A file name as text that can be written: bytes that are not UTF-8 as ``\\xe9``.

    Python keeps such bytes as lone surrogates, which no UTF-8 output can hold.
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _discover(
    sources: list[Path], root: Path, problems: list[Problem]
) -> tuple[list[Path], list[Path]]:
    """Article files sorted by id, and the sidecars found in the source folders."""
    files: set[Path] = set()
    sidecars: set[Path] = set()
    for source in sources:
        if source.is_file():
            files.add(source.resolve())
            continue
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if path.is_symlink() and not _link_inside(path, root, problems):
                continue
            if not path.is_file():
                continue
            if _in_output_folder(path, source):
                continue
            if path.name == SIDECAR:
                sidecars.add(path.resolve())
                continue
            if path.suffix.lower() in DATA_SUFFIXES:
                logger.info("%s is a data file, not an article; skipped", path)
                continue
            if path.suffix.lower() not in SUFFIXES:
                problems.append(Problem(
                    _id_of(path, root),
                    f"unsupported file type {path.suffix or '(none)'!r}, skipped "
                    f"(articles are {', '.join(SUFFIXES)})",
                ))
                continue
            files.add(path.resolve())
    by_depth = sorted(sidecars, key=lambda p: (len(p.parts), p))
    return sorted(files, key=lambda p: _id_of(p, root)), by_depth


def _link_inside(path: Path, root: Path, problems: list[Problem]) -> bool:
    """Whether a symbolic link leads to something inside the corpus; if not, report it."""
    where = path.parent.resolve() / path.name
    shown = _shown(where.relative_to(root).as_posix() if where.is_relative_to(root)
                   else str(path))
    target = path.resolve()
    if not target.exists():
        problems.append(Problem(shown, "broken symbolic link, not read"))
        return False
    if not target.is_relative_to(root):
        problems.append(Problem(shown, "symbolic link to a file outside the corpus, not read"))
        return False
    return True


def _in_output_folder(path: Path, source: Path) -> bool:
    """Whether ``path`` is in a folder (under ``source``) controlmap wrote its outputs to."""
    folders = [p for p in path.parents if p.is_relative_to(source)]
    return any((folder / marker).is_file() for folder in folders for marker in _OUTPUT_MARKERS)


# --- reading and decoding ------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str | None]:
    """Text of ``data`` and a note when the encoding was a low-confidence guess.

    Byte-order marks and valid UTF-8 are certain; anything else is detected
    by charset-normalizer.
    """
    if not data.strip():
        raise _Unreadable("empty file")
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                       (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            if not text.strip():
                raise _Unreadable("empty file")
            return text, None
    if b"\x00" not in data[:_BINARY_SAMPLE]:
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
    matches = list(charset_normalizer.from_bytes(data))
    best = _preferred(matches)
    if best is None or _looks_binary(str(best)):
        raise _Unreadable("binary file (not text)")
    note = None
    if (best.chaos > _MAX_CHAOS or best.coherence < _MIN_COHERENCE
            or best.encoding.startswith(("utf_16", "utf_32"))):
        note = (f"encoding guessed as {best.encoding} with low confidence; "
                "check the characters or save the file as UTF-8")
    return str(best), note


def _decode_table(data: bytes) -> tuple[str, str | None]:
    """Text of a CSV table: like `_decode`, but a stray NUL in valid UTF-8 is no binary file.

    A NUL damages the row it is in (`_read_sidecar` reports that row); the
    other rows are still good.
    """
    if data.strip():
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
    return _decode(data)


def _preferred(matches: list[CharsetMatch]) -> CharsetMatch | None:
    """The charset-normalizer match to trust among those that read equally well.

    Single-byte code pages often decode a file equally cleanly (cp1252 and
    cp1250 differ only in a few accented letters). Among the cleanest, take
    the Western European Windows page, then any Windows page, then Latin-1:
    by far the most common legacy encodings of news text.
    """
    if not matches:
        return None
    cleanest = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= cleanest + _CHAOS_TIE]

    def rank(match: CharsetMatch) -> int:
        names = {match.encoding, *match.could_be_from_charset}
        if "cp1252" in names:
            return 0
        if any(n.startswith("cp125") for n in names):
            return 1
        if "latin_1" in names or "iso8859_15" in names:
            return 2
        return 3

    return min(tied, key=lambda m: (rank(m), tied.index(m)))


def _looks_binary(text: str) -> bool:
    sample = text[:_BINARY_SAMPLE]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > len(sample) * 0.01


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_article_text(path: Path) -> tuple[str, dict[str, object]]:
    """Main text of a .txt/.md/.html file and what the page says about itself."""
    text, note = _decode(path.read_bytes())
    meta: dict[str, object] = {"note": note}
    if path.suffix.lower() in HTML_SUFFIXES:
        text, title, page_date = _html_text(text)
        meta |= {"title": title, "page_date": page_date}
    return _normalise_newlines(text.lstrip("\ufeff")), meta


def _html_text(html: str) -> tuple[str, str, dt.date | None]:
    """Main text, title and metadata date of a web page.

    trafilatura keeps the article and drops navigation, adverts and comments.
    """
    document = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(document, "text", None) or ""
    if not text.strip():
        raise _Unreadable("no article text found in the HTML (only navigation or markup)")
    title = getattr(document, "title", None) or ""
    page_date = None
    raw_date = getattr(document, "date", None)
    if raw_date:
        try:
            page_date = dt.date.fromisoformat(str(raw_date)[:10])
        except ValueError:
            page_date = None
    return text, title, page_date


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """Non-blank lines of a JSONL file with their 1-based numbers, read lazily.

    JSON Lines is UTF-8 by definition: a line that is not comes back as None
    so that the caller reports it instead of reading mangled characters.
    """
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None


# What JSON's escape of a lone UTF-16 surrogate ("\ud800" without its pair) decodes
# to: valid JSON, but no character, so no UTF-8 output could hold it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, the replacement character."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _title_of(text: str) -> str:
    """First non-empty line that reads like a headline, else the first non-empty line.

    Pages saved as text often open with chrome ("Skip to content", a weather
    widget, a date): a headline has at least `_TITLE_MIN_WORDS` words and is
    neither a link to skip navigation nor a date. A Markdown ``# heading``
    among the first lines is taken as it is.
    """
    raw = [line.strip() for line in text[:20_000].splitlines() if line.strip()]
    lines = [line.lstrip("#").strip() for line in raw]
    for heading, line in zip(raw[:_TITLE_SCAN_LINES], lines, strict=False):
        if heading.startswith("# "):
            return line  # a Markdown top-level heading is the title
        if (len(line.split()) >= _TITLE_MIN_WORDS and not _SKIP_LINK.search(line)
                and dates.line_date(line) is None):
            return line
    return lines[0] if lines else ""


# --- first pass ----------------------------------------------------------------------------


def _first_pass(path: Path, article_id: str, problems: list[Problem]) -> list[_Entry]:
    if path.suffix.lower() in JSONL_SUFFIXES:
        return _first_pass_jsonl(path, article_id, problems)
    try:
        text, meta = _read_article_text(path)
    except _Unreadable as err:
        problems.append(Problem(article_id, f"{err}, skipped"))
        return []
    except OSError as err:
        problems.append(Problem(article_id, f"cannot be read ({err.strerror}), skipped"))
        return []
    page_date = meta.get("page_date")
    note = meta.get("note")
    entry = _Entry(
        id=article_id,
        path=path,
        line=None,
        title=str(meta.get("title") or "") or _title_of(text),
        problems=(str(note),) if note else (),
    )
    page_dates = [page_date] if isinstance(page_date, dt.date) else []
    return [_with_text_facts(entry, text, page_dates)]


def _first_pass_jsonl(path: Path, file_id: str, problems: list[Problem]) -> list[_Entry]:
    entries = []
    try:
        for number, raw in _jsonl_lines(path):
            where = f"{file_id}#{number}"
            if raw is None:
                problems.append(Problem(file_id, "line is not UTF-8 (JSON Lines must be); "
                                        "line skipped", number))
                continue
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as err:
                problems.append(Problem(file_id, f"malformed JSON ({err.msg}), line skipped",
                                        number))
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                problems.append(Problem(file_id, "no \"text\" string on this line, line skipped",
                                        number))
                continue
            if any(isinstance(v, str) and _LONE_SURROGATE.search(v) for v in record.values()):
                problems.append(Problem(file_id, "a string holds a lone surrogate (an escape "
                                        "from \\ud800 to \\udfff without its pair), which is "
                                        "no character; read as U+FFFD", number))
            text = _normalise_newlines(_without_surrogates(record["text"]))
            if not text.strip():
                problems.append(Problem(file_id, "empty \"text\", line skipped", number))
                continue
            fields = {k: _without_surrogates(str(record.get(k) or "")).strip()
                      for k in ("title", "url", "outlet")}
            entry = _Entry(id=where, path=path, line=number, title=fields["title"] or
                           _title_of(text), url=fields["url"], outlet=fields["outlet"])
            entry = _with_text_facts(entry, text, [])
            published = record.get("published")
            if published:
                try:
                    day = given_date(str(published))
                except ValueError as err:
                    problems.append(Problem(file_id, f"\"published\" {err}; inferred from the "
                                            "text instead", number))
                else:
                    entry = replace(entry, published=day, published_source="sidecar",
                                    reason="given in the JSONL record", basis="given")
            entries.append(entry)
    except OSError as err:
        problems.append(Problem(file_id, f"cannot be read ({err.strerror}), skipped"))
    if not entries and not any(p.file == file_id for p in problems):
        problems.append(Problem(file_id, "empty file, skipped"))
    return entries


def _with_text_facts(entry: _Entry, text: str, page_dates: list[dt.date]) -> _Entry:
    """Add the date clues, text-inferred date and proper names of ``text``."""
    clues = dates.collect_clues(text, page_dates=page_dates)
    decided = dates.published_from_clues(clues)
    names = Counter(_NAME.findall(text, 0, _NAME_CHARS))
    top = frozenset(name for name, _ in names.most_common(_NAMES_PER_ARTICLE))
    source: DateSource = "text" if decided.date is not None else "unknown"
    return replace(entry, clues=clues, names=top, published=decided.date,
                   published_source=source, reason=decided.reason, basis=decided.basis)


# --- the sidecar ---------------------------------------------------------------------------


def _read_sidecar(
    path: Path, folder: Path, root: Path, problems: list[Problem]
) -> dict[str, dict[str, str]]:
    """Rows of ``articles.csv`` keyed by article id; bad rows become problems."""
    if not path.is_file():
        return {}
    sidecar_id = _id_of(path, root)
    try:
        text, note = _decode_table(path.read_bytes())
    except _Unreadable as err:
        problems.append(Problem(sidecar_id, f"sidecar {err}, ignored"))
        return {}
    if note:
        problems.append(Problem(sidecar_id, note))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if columns >= _OUTPUT_COLUMNS:
        logger.info("%s is a table controlmap wrote, not a sidecar; ignored", sidecar_id)
        return {}
    if "file" not in columns:
        problems.append(Problem(sidecar_id, "sidecar has no 'file' column; ignored "
                                "(expected file plus any of published, url, outlet, title)", 1))
        return {}
    rows: dict[str, dict[str, str]] = {}
    for row in reader:
        line = reader.line_num
        values = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
                  if isinstance(v, str)}
        name = values.get("file", "")
        if not name:
            problems.append(Problem(sidecar_id, "row has an empty 'file' cell; row ignored", line))
            continue
        if any("\x00" in value for value in values.values()):
            # No file name or publication detail holds a NUL; the row is damaged.
            problems.append(Problem(sidecar_id, "row holds a NUL character (\\x00); row ignored",
                                    line))
            continue
        fields = {k: values[k] for k in SIDECAR_FIELDS if values.get(k)}
        if "published" in fields:
            try:
                given_date(fields["published"])
            except ValueError as err:
                problems.append(Problem(sidecar_id, f"published {err} for {name!r}; row ignored",
                                        line))
                continue
        article_id = _sidecar_id(name, folder, root)
        if article_id in rows:
            problems.append(Problem(sidecar_id, f"{name!r} listed again; this row wins", line))
        rows[article_id] = fields | {"_line": str(line), "_sidecar": sidecar_id}
    return rows


def given_date(value: str) -> dt.date:
    """A publication date a user gave (sidecar, JSONL record), checked for sense.

    Raises
    ------
    ValueError
        With the reason, when ``value`` is not ``YYYY-MM-DD``, is after today
        (a typo such as 3021) or before 1900.
    """
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a YYYY-MM-DD date") from None
    if day > dt.date.today():
        raise ValueError(f"{value!r} is in the future")
    if day < _EARLIEST_PUBLISHED:
        raise ValueError(f"{value!r} is before {_EARLIEST_PUBLISHED.year}")
    return day


def _sidecar_id(name: str, folder: Path, root: Path) -> str:
    base, _, line = name.partition("#")
    path = (folder / base).resolve()
    article_id = path.relative_to(root).as_posix() if path.is_relative_to(root) else base
    return f"{article_id}#{line}" if line else article_id


def _apply_sidecar(
    entries: list[_Entry], rows: dict[str, dict[str, str]], problems: list[Problem]
) -> list[_Entry]:
    by_id = {e.id: i for i, e in enumerate(entries)}
    updated = list(entries)
    for article_id, fields in rows.items():
        index = by_id.get(article_id)
        if index is None:
            unreadable = any(p.file == article_id.split("#")[0] for p in problems)
            why = ("which could not be read" if unreadable
                   else "but the corpus has no such article; check the path")
            problems.append(Problem(fields["_sidecar"], f"row names {article_id!r}, {why}",
                                    int(fields["_line"])))
            continue
        entry = updated[index]
        changes: dict[str, object] = {k: fields[k] for k in ("url", "outlet", "title")
                                      if k in fields}
        if "published" in fields:
            changes |= {"published": given_date(fields["published"]),
                        "published_source": "sidecar", "reason": "given in the sidecar",
                        "basis": "given"}
        updated[index] = replace(entry, **changes)  # type: ignore[arg-type]
    return updated


# --- corpus anchoring ----------------------------------------------------------------------


def _anchor(entries: list[_Entry]) -> list[_Entry]:
    """Settle dates the text alone could not, from the dates of the other articles."""
    dated = [(e, e.published) for e in entries if e.published is not None and e.basis != "page"]
    if not dated:
        return entries  # nothing to anchor to: unknown stays unknown
    corpus_dates = sorted(day for _, day in dated)
    dominant = max(Counter(corpus_dates).items(), key=lambda kv: (kv[1], kv[0]))[0]
    weights = _name_weights(entries)
    # Each day's dated articles are read as one document: name -> days it appears on.
    days_of: dict[str, set[dt.date]] = {}
    for entry, day in dated:
        for name in entry.names & weights.keys():
            days_of.setdefault(name, set()).add(day)
    result = []
    for entry in entries:
        if entry.basis == "page" and entry.published is not None:
            entry = _check_page_date(entry, entry.published, corpus_dates)
        if entry.published is None and entry.clues.temporal:
            reference = _best_day(entry, days_of, weights)
            why = "the day whose articles share the most names with it"
            if reference is None:
                reference, why = dominant, "the corpus's most common publication date"
            decided = dates.published_from_clues(entry.clues, reference=reference)
            if decided.date is not None:
                entry = replace(entry, published=decided.date, published_source="corpus",
                                reason=f"{decided.reason}, {why}", basis="reference")
        result.append(entry)
    return result


def _check_page_date(entry: _Entry, page: dt.date, corpus_dates: list[dt.date]) -> _Entry:
    """Drop a page-only date far from every date the rest of the corpus establishes."""
    at = bisect.bisect_left(corpus_dates, page)
    neighbours = corpus_dates[max(0, at - 1) : at + 1]
    if min(abs((page - d).days) for d in neighbours) <= dates.CLUSTER_DAYS:
        return entry
    return replace(
        entry, published=None, published_source="unknown", basis="none",
        reason=f"page date {page.isoformat()} rejected: more than "
        f"{dates.CLUSTER_DAYS} days from every other article's date",
    )


def _best_day(
    entry: _Entry, days_of: dict[str, set[dt.date]], weights: dict[str, float]
) -> dt.date | None:
    """The publication day whose articles share the most, and rarest, names with ``entry``.

    Scoring days rather than single articles keeps the work proportional to
    the number of names, however many articles share them.
    """
    scores: dict[dt.date, float] = {}
    for name in entry.names:
        for day in days_of.get(name, ()):
            scores[day] = scores.get(day, 0.0) + weights[name]
    if not scores:
        return None
    return max(scores, key=lambda day: (scores[day], day))


def _name_weights(entries: list[_Entry]) -> dict[str, float]:
    """Inverse document frequency of each proper name in the corpus.

    In a corpus of `_COMMON_MIN_ARTICLES` or more, names found in more than
    half of the articles are left out: they say nothing about which story an
    article belongs to, and matching on them would compare every pair.
    """
    counts: Counter[str] = Counter()
    for entry in entries:
        counts.update(entry.names)
    total = len(entries)
    return {
        name: math.log((1 + total) / (1 + n)) + 1e-6
        for name, n in counts.items()
        if total < _COMMON_MIN_ARTICLES or n <= total / 2
    }


# --- second pass ---------------------------------------------------------------------------


def _by_file(entries: Sequence[_Entry]) -> Iterator[tuple[Path, list[_Entry]]]:
    group: list[_Entry] = []
    for entry in entries:
        if group and entry.path != group[0].path:
            yield group[0].path, group
            group = []
        group.append(entry)
    if group:
        yield group[0].path, group


def _article(entry: _Entry, text: str) -> Article:
    return Article(
        id=entry.id,
        text=text,
        title=entry.title,
        published=entry.published,
        published_source=entry.published_source,
        url=entry.url,
        outlet=entry.outlet,
        path=entry.path,
        problems=entry.problems,
    )
