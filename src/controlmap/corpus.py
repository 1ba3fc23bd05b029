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
else from a date in the URL (``"url"``), else from the text (``"text"``, see
`dates.published_from_clues`), else from the corpus (``"corpus"``), else stay
unknown; each carries a confidence (`records.DateConfidence`). A JSONL
record's own ``published`` counts as given, like the sidecar's. The corpus
helps in three ways, each built only on dates it is sure of (given, ``high``
or ``medium``): their years are the candidates for a year-less dateline; a
page date far from all of them is dropped (a scrape date); and an article
that reports only weekdays is dated when at least two of its (name, weekday)
pairs ("took Herat on Friday") match days that dated articles report about
those names, clearly more than any other week (``low``: a guess). Names are
weighted by how rare they are in the corpus (inverse document frequency; in
a large corpus, names in more than half of the articles are ignored). What
stays unknown, or is only a guess, is noted on the article with the reason.

Loading makes one cheap pass over the files for dates and names only (small
per-article metadata); iterating the `Corpus` then reads the files again, one
at a time, so memory stays flat however large the corpus grows.
"""

from __future__ import annotations

import calendar
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
from ._outputs import is_output_folder
from .errors import InputError
from .records import Article, DateConfidence, DateSource, Problem

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
# Above this charset-normalizer chaos or below this coherence, a decoding is a guess.
_MAX_CHAOS = 0.2
_MIN_COHERENCE = 0.1
_CHAOS_TIE = 0.01
# Proper names used to match articles: from this much of the start of the text.
_NAME_CHARS = 200_000
_NAMES_PER_ARTICLE = 60
_COMMON_MIN_ARTICLES = 10
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:[-\s](?:[a-z]{1,2}[-\s])?[A-Z][a-z]+)*")
# Weekday and month names are capitalised but name no story.
_CALENDAR = re.compile(
    r"\b(?:" + "|".join(list(calendar.day_name) + list(calendar.month_name[1:])) + r")\b"
)
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
    confidence: DateConfidence | None = None
    clues: dates.DateClues = field(default_factory=dates.DateClues)
    names: frozenset[str] = frozenset()
    # (name, weekday): a proper name in a sentence that reports a past weekday.
    ties: frozenset[tuple[str, int]] = frozenset()
    # (name, date clue): a proper name in a sentence that dates an event explicitly.
    dated_ties: frozenset[tuple[str, dates.DateClue]] = frozenset()
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
    for entry in entries:
        for note in _date_notes(entry):
            logger.info("%s: %s", entry.id, note)
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
    return _printable(path.resolve().relative_to(root).as_posix())


def _printable(name: str) -> str:
    """``name`` with the bytes of a non-UTF-8 file name (surrogate escapes) as ``\\xe9``.

    Such a name cannot be written to a UTF-8 table; the file is still read, under
    this id, and reported so that it can be renamed. Escaping each byte (rather
    than one replacement character for all) keeps two such names apart.
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _discover(
    sources: list[Path], root: Path, problems: list[Problem]
) -> tuple[list[Path], list[Path]]:
    """Article files sorted by id, and the sidecars found in the source folders.

    Whatever is not read is reported (hidden folders, symbolic links to folders or
    out of the corpus), except controlmap's own output folders (they hold its
    ``manifest.json``) and data files beside the articles, which are logged.
    """
    files: set[Path] = set()
    sidecars: set[Path] = set()
    for source in sources:
        if source.is_file():
            files.add(source.resolve())
        elif is_output_folder(source):
            problems.append(Problem(_link_id(source, root), "holds controlmap's outputs "
                                    "(manifest.json), not articles; nothing read"))
        else:
            _walk(source, root, files, sidecars, problems)
    by_depth = sorted(sidecars, key=lambda p: (len(p.parts), p))
    return sorted(files, key=lambda p: _id_of(p, root)), by_depth


def _walk(
    folder: Path, root: Path, files: set[Path], sidecars: set[Path], problems: list[Problem]
) -> None:
    for path in sorted(folder.iterdir()):
        hidden = path.name.startswith(".")
        if path.is_symlink():
            _add_link(path, root, files, problems)
        elif path.is_dir():
            if hidden:
                problems.append(Problem(_link_id(path, root), "hidden folder, not read "
                                        "(move the articles out of it to read them)"))
            elif is_output_folder(path):
                logger.info("%s holds controlmap's outputs (manifest.json); skipped", path)
            else:
                _walk(path, root, files, sidecars, problems)
        elif hidden:
            if path.suffix.lower() in SUFFIXES:
                problems.append(Problem(_link_id(path, root), "hidden file, not read"))
            else:
                logger.info("%s is a hidden file; skipped", path)
        elif path.is_file():
            _add_file(path, root, files, sidecars, problems)


def _add_file(
    path: Path, root: Path, files: set[Path], sidecars: set[Path], problems: list[Problem]
) -> None:
    if path.name == SIDECAR:
        sidecars.add(path.resolve())
    elif path.suffix.lower() in DATA_SUFFIXES:
        logger.info("%s is a data file, not an article; skipped", path)
    elif path.suffix.lower() not in SUFFIXES:
        problems.append(Problem(
            _id_of(path, root),
            f"unsupported file type {path.suffix or '(none)'!r}, skipped "
            f"(articles are {', '.join(SUFFIXES)})",
        ))
    else:
        files.add(path.resolve())


def _add_link(path: Path, root: Path, files: set[Path], problems: list[Problem]) -> None:
    """A symbolic link: a file inside the corpus is read; anything else is reported."""
    where = _link_id(path, root)
    target = path.resolve()
    if not target.exists():
        problems.append(Problem(where, "broken symbolic link, not read"))
    elif target.is_dir():
        problems.append(Problem(where, "symbolic link to a folder, not followed (it could "
                                "lead out of the corpus or round in a loop)"))
    elif not target.is_relative_to(root):
        problems.append(Problem(where, "symbolic link to a file outside the corpus, not read"))
    elif path.name.startswith(".") or path.suffix.lower() not in SUFFIXES:
        logger.info("%s is a link to a file that is no article; skipped", path)
    else:
        files.add(target)


def _link_id(path: Path, root: Path) -> str:
    """Id of ``path`` relative to the corpus root, without following a link at its end."""
    where = path.parent.resolve() / path.name
    return _printable(where.relative_to(root).as_posix() if where.is_relative_to(root)
                      else str(path))


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
                                    reason="given in the JSONL record", basis="given",
                                    confidence="given")
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
    ties = frozenset(
        (name, weekday) for weekday, start, end in clues.weekday_sentences
        for name in _names_in(text, start, end)
    )
    dated_ties = frozenset(
        (name, clue) for clue, start, end in clues.event_sentences
        for name in _names_in(text, start, end)
    )
    source: DateSource = "text" if decided.date is not None else "unknown"
    entry = replace(entry, clues=clues, names=top, ties=ties, dated_ties=dated_ties,
                    published=decided.date,
                    published_source=source, reason=decided.reason, basis=decided.basis,
                    confidence=decided.confidence)
    return _with_url_date(entry)


def _names_in(text: str, start: int, end: int) -> list[str]:
    """Proper names in text[start:end]; a word the text also writes in lower case is none."""
    return [name for name in _NAME.findall(_CALENDAR.sub(",", text[start:end]))
            if name.lower() not in text]


def _with_url_date(entry: _Entry) -> _Entry:
    """The date in the article's URL, where it has one ("/2021/08/13/"): the outlet's own."""
    day = dates.url_date(entry.url)
    if day is None or entry.published_source == "sidecar":
        return entry
    return replace(entry, published=day, published_source="url", basis="url",
                   reason="date in the URL", confidence="high")


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
                        "basis": "given", "confidence": "given"}
        updated[index] = _with_url_date(replace(entry, **changes))  # type: ignore[arg-type]
    return updated


# --- corpus anchoring ----------------------------------------------------------------------


def _anchor(entries: list[_Entry]) -> list[_Entry]:
    """Settle dates the text alone could not, from the dates of the other articles.

    Only dates the corpus is sure of (given, or ``high``/``medium``) are built
    on: first they give year-less dates their year, then page dates outside
    their period are dropped, then an article that reports only weekdays is
    dated by the events it shares with dated articles (see `_anchor_to_events`).
    Whatever stays unknown keeps the reason.
    """
    # A page date may be a scrape date years later: the years come from the other
    # sure dates when there are any.
    sure = [e for e in entries if e.published is not None and _sure(e)]
    known = sorted(e.published for e in sure if e.basis != "page" and e.published is not None)
    known = known or sorted(e.published for e in sure if e.published is not None)
    if known:
        entries = [e if e.published is not None else _with_corpus_years(e, known)
                   for e in entries]
    checked = sorted(e.published for e in entries
                     if e.published is not None and _sure(e) and e.basis != "page")
    if checked:
        entries = [_check_page_date(e, e.published, checked)
                   if e.basis == "page" and e.published is not None else e for e in entries]
    weights = _name_weights(entries)
    # name -> the days that dated articles report something about it happened on
    happened: dict[str, set[dt.date]] = {}
    for entry in entries:
        if entry.published is not None and _sure(entry):
            days = [(name, dates.weekday_before(weekday, entry.published))
                    for name, weekday in entry.ties]
            days += [(name, day) for name, clue in entry.dated_ties
                     if (day := dates.clue_day(clue, entry.published)) is not None]
            for name, day in days:
                if name in weights:
                    happened.setdefault(name, set()).add(day)
    return [_anchor_to_events(e, happened, weights)
            if e.published is None and e.ties and happened else e for e in entries]


def _sure(entry: _Entry) -> bool:
    return entry.confidence in ("given", "high", "medium")


def _with_corpus_years(entry: _Entry, known: list[dt.date]) -> _Entry:
    """The text's own date once the corpus gives its year-less dates a year, if it then has one."""
    decided = dates.published_from_clues(entry.clues, known=known)
    if decided.date is None:
        return replace(entry, reason=decided.reason)
    return replace(entry, published=decided.date, published_source="text",
                   reason=decided.reason, basis=decided.basis, confidence=decided.confidence)


# An article is dated by shared events only when the events that agree on one week
# outweigh, by this factor, those agreeing on any week further away: the same places
# are in the news for months.
_ANCHOR_MARGIN = 2.0
_ANCHOR_WEEK = 7
_ANCHOR_NAMES = 2  # distinct names whose dated events agree


def _anchor_to_events(
    entry: _Entry, happened: dict[str, set[dt.date]], weights: dict[str, float]
) -> _Entry:
    """Date an article that reports only weekdays by the events other articles date.

    "Rebels took Herat on Friday" fits every publication day whose Friday is a
    day dated articles report something about Herat on. Each (name, weekday)
    pair votes, with the name's rarity, for the seven publication days it fits;
    the best day must clearly beat any day more than a week away, and within the
    winning days the reported weekdays are packed as tightly as they go.
    """
    votes: dict[dt.date, float] = {}
    voters: dict[dt.date, set[str]] = {}
    for name, weekday in entry.ties:
        days = {d for d in happened.get(name, ()) if d.weekday() == weekday}
        fits = {d + dt.timedelta(days=k) for d in days for k in range(7)}
        for day in fits:
            votes[day] = votes.get(day, 0.0) + weights[name]
            voters.setdefault(day, set()).add(name)
    if not votes:
        return replace(entry, reason=f"{entry.reason}; no dated article reports its events")
    top = max(votes.values())
    best = [d for d, v in votes.items() if v == top]
    rival = max((v for d, v in votes.items()
                 if min(abs((d - b).days) for b in best) > _ANCHOR_WEEK), default=0.0)
    # One shared name on a matching weekday is a coincidence one time in seven.
    if (len(voters[best[0]]) < _ANCHOR_NAMES or top < _ANCHOR_MARGIN * rival
            or (max(best) - min(best)).days > _ANCHOR_WEEK):
        return replace(entry, reason=f"{entry.reason}; too few of its events are dated by "
                       "other articles, or they point to different weeks")
    decided = dates.published_within(entry.clues, low=min(best), high=max(best))
    why = ", ".join(sorted({n for n, w in entry.ties
                            if dates.weekday_before(w, decided) in happened.get(n, ())}))
    return replace(entry, published=decided, published_source="corpus", basis="reference",
                   reason=f"its weekdays fit the days dated articles report about {why}",
                   confidence="low")


def _check_page_date(entry: _Entry, page: dt.date, corpus_dates: list[dt.date]) -> _Entry:
    """Drop a page-only date outside the period the rest of the corpus is sure it covers.

    A scrape date lies years after the news; a date within the corpus's period
    (give or take `dates.CLUSTER_DAYS`) is as plausible as any other.
    """
    margin = dt.timedelta(days=dates.CLUSTER_DAYS)
    if corpus_dates[0] - margin <= page <= corpus_dates[-1] + margin:
        return entry
    return replace(
        entry, published=None, published_source="unknown", basis="none", confidence=None,
        reason=f"page date {page.isoformat()} rejected: more than {dates.CLUSTER_DAYS} days "
        f"outside the period of the other articles' dates ({corpus_dates[0].isoformat()} "
        f"to {corpus_dates[-1].isoformat()})",
    )


def _name_weights(entries: list[_Entry]) -> dict[str, float]:
    """Inverse document frequency of each proper name in the corpus.

    In a corpus of `_COMMON_MIN_ARTICLES` or more, names found in more than
    half of the articles are left out: they say nothing about which story an
    article belongs to, and matching on them would compare every pair.
    """
    counts: Counter[str] = Counter()
    for entry in entries:
        counts.update(entry.names | {name for name, _ in entry.ties}
                      | {name for name, _ in entry.dated_ties})
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
        problems=entry.problems + _date_notes(entry),
        published_confidence=entry.confidence if entry.published is not None else None,
    )


def _date_notes(entry: _Entry) -> tuple[str, ...]:
    """What the user should know about an unknown or guessed publication date."""
    if entry.published is None:
        return (f"publication date unknown ({entry.reason}): its weekdays and relative "
                "days ('on Friday', 'yesterday') stay undated; give it as 'published' in "
                f"{SIDECAR}",)
    if entry.confidence == "low":
        return (f"publication date {entry.published.isoformat()} is a guess ({entry.reason}); "
                f"check it and give it in {SIDECAR}",)
    return ()
