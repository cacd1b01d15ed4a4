"""The offline gazetteer: CSV files of places compiled into SQLite indexes.

The bundled CSVs (``gazetteer/`` in a checkout, ``geomap/gazetteer_data`` in a wheel) and any
user CSVs in the same schema are read, validated and merged by place id (a later file's row
replaces an earlier row with the same id; new ids add places).

The bundled places compile once: into the wheel when it is built (``hatch_build.py``), or on
first use into the user's cache directory. User files compile into a small overlay index in
the cache, named by a hash of those files and of the bundled index, so editing one rebuilds
only the overlay. Concurrent processes on a cold cache build an index once: one holds a lock
while it builds into a temporary file and renames it into place. Every process holds the
index files it reads with a shared lock; stale indexes are swept only when no one holds them.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import fcntl
import functools
import gzip
import hashlib
import heapq
import io
import itertools
import json
import math
import os
import re
import sqlite3
import struct
import sys
import tempfile
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from geomap.errors import GazetteerError, GeomapError, InputError
from geomap.files import atomic_write, new_file_mode
from geomap.lookups import ALT_SEP, TOP_SHIFT, key_hash, may_be_filed, new_match, row_matches
from geomap.lookups import place as _place
from geomap.names import is_abbreviation, keys, normalize, skeleton
from geomap.records import Landmark, Match, Place

COLUMNS = (
    "id",
    "name",
    "alternate_names",
    "lat",
    "lon",
    "kind",
    "country",
    "admin1",
    "population",
    "source",
)
#: Columns a file may add after :data:`COLUMNS`, in this order (a prefix of them, or none):
#: ``capital`` is "country" for a national capital, "admin1" for a first-level one, "admin2"
#: for a district's seat, else empty; ``extent_km`` is how far the place's edge may lie from
#: its point (0: unknown, the kind's default applies).
OPTIONAL_COLUMNS = ("capital", "extent_km")
ALL_COLUMNS = COLUMNS + OPTIONAL_COLUMNS
CAPITALS = ("country", "admin1", "admin2")
#: Environment variable listing extra gazetteer CSVs, separated like PATH (``os.pathsep``).
ENV_VAR = "GEOMAP_GAZETTEER"
#: Environment variable overriding where the index is cached.
CACHE_ENV_VAR = "GEOMAP_CACHE_DIR"
#: The places a map's basemap may name anywhere on Earth (:meth:`Gazetteer.landmarks`):
#: every row of these kinds, and the cities of at least this population.
LANDMARK_KINDS = ("country", "water", "region", "river", "admin1", "admin2", "district")
LANDMARK_CITY_POPULATION = 100_000
#: Bumped whenever the index layout changes, so old caches are not reused.
INDEX_VERSION = "9"

_KIND = re.compile(r"[a-z][a-z0-9_]*\Z")
_COUNTRY = re.compile(r"[A-Z]{2}\Z")
# Match quality of a name key, best first: the primary name, an alternate name, either one
# reached only by dropping an Arabic article.
_PRIMARY, _ALTERNATE, _BARE = 3, 2, 1
#: Match quality of an abbreviation among a (non-country) place's alternate names ("Okla.",
#: "Qld", "Ont."; see :func:`geomap.names.is_abbreviation`): last in every lookup, and a
#: geoparser should take it only with the place's country in the article's context.
ABBREVIATION = -1


def bundled_dir() -> Path:
    """The folder of the bundled CSVs: inside the installed package, else the checkout's."""
    here = Path(__file__).resolve().parent
    packaged = here / "gazetteer_data"
    return packaged if packaged.is_dir() else here.parent / "gazetteer"


def bundled_files() -> list[Path]:
    """The bundled CSV files, in a fixed order."""
    folder = bundled_dir()
    return sorted(p for p in folder.iterdir() if p.name.endswith((".csv", ".csv.gz")))


def boundaries() -> Mapping[str, dict]:
    """Country outlines from the bundled gazetteer: ISO alpha-2 code -> GeoJSON geometry,
    each decoded when first asked for (:class:`geomap.basemap.CountryOutlines`: a map draws
    every country but decodes only those it outlines)."""
    from geomap.basemap import CountryOutlines

    path = bundled_dir() / "country_boundaries.geojson.gz"
    return CountryOutlines(gzip.decompress(path.read_bytes()).decode("utf-8"))


def example_path() -> Path:
    """The bundled example article (the founding article, Anadolu Agency, 6 Nov 2017)."""
    here = Path(__file__).resolve().parent
    packaged = here / "examples" / "al-qaim-husaybah-2017.txt"
    return packaged if packaged.exists() else here.parent / "examples" / packaged.name


def env_files() -> list[Path]:
    """The CSV files listed in ``GEOMAP_GAZETTEER``."""
    value = os.environ.get(ENV_VAR, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


# --------------------------------------------------------------------------- reading CSVs


def _lines(path: Path, on_read: Callable[[int], None] | None = None) -> Iterator[str]:
    """The decoded lines of a CSV file (gzip-compressed if its name ends in .gz), read as a
    stream, line endings kept; GazetteerError names the line and byte of bad bytes.

    ``on_read`` is called now and then with how many bytes of the file have been read.
    """
    gzipped = path.name.endswith(".gz")
    try:
        raw = open(path, "rb")
    except OSError as err:
        raise GazetteerError(f"cannot read file ({err.strerror})", path=str(path)) from None
    offset = number = 0
    with raw:
        stream = gzip.GzipFile(fileobj=raw) if gzipped else raw
        try:
            for raw_line in stream:
                # bytes.splitlines breaks at "\r" too, so old Mac line endings read as lines
                pieces = raw_line.splitlines(keepends=True) if b"\r" in raw_line else (raw_line,)
                for piece in pieces:
                    number += 1
                    try:
                        line = piece.decode("utf-8")
                    except UnicodeDecodeError as err:
                        raise GazetteerError(
                            f"not UTF-8 text at byte {offset + err.start}",
                            path=str(path),
                            line=number,
                        ) from None
                    offset += len(piece)
                    yield line.removeprefix("\ufeff") if number == 1 else line
                if on_read and not number % 16_384:
                    on_read(raw.tell())
        except (OSError, EOFError) as err:
            problem = f"not a gzip file ({err})" if gzipped else f"cannot read file ({err})"
            raise GazetteerError(problem, path=str(path)) from None


def _number(value: str, column: str, kind: type = float) -> float | int:
    try:
        number = kind(value)
    except ValueError:
        raise ValueError(f"unparsable number {value!r} in column {column}") from None
    if kind is float and not math.isfinite(number):  # an int is finite, if too big for a float
        raise ValueError(f"unparsable number {value!r} in column {column}")
    return number


def row_to_place(row: Sequence[str] | _Misfit) -> Place:
    """Validate one CSV row (the :data:`COLUMNS`, then none, some or all of the
    :data:`OPTIONAL_COLUMNS`) and return its Place; ValueError names the problem."""
    if isinstance(row, _Misfit):
        raise ValueError(f"expected {row.width} columns, found {len(row.cells)}")
    if not len(COLUMNS) <= len(row) <= len(ALL_COLUMNS):
        raise ValueError(f"expected {len(COLUMNS)} columns, found {len(row)}")
    cells = [cell.strip() for cell in row] + [""] * (len(ALL_COLUMNS) - len(row))
    pid, name, alternates, lat_s, lon_s, kind, country, admin1, pop_s, source = cells[:10]
    capital, extent_s = cells[10:]
    if not pid:
        raise ValueError("missing id")
    if not name:
        raise ValueError("missing name")
    if not keys(name):
        raise ValueError(f"name {name!r} has no letters or digits to look it up by")
    if not lat_s:
        raise ValueError("missing latitude")
    if not lon_s:
        raise ValueError("missing longitude")
    lat = _number(lat_s, "lat")
    lon = _number(lon_s, "lon")
    if not -90 <= lat <= 90:
        raise ValueError(f"latitude {lat_s} outside [-90, 90]")
    if not -180 <= lon <= 180:
        raise ValueError(f"longitude {lon_s} outside [-180, 180]")
    if not _KIND.match(kind):
        raise ValueError(f"kind {kind!r} is not a lower-case word (city, admin1, country, ...)")
    if country and not _COUNTRY.match(country):
        raise ValueError(f"country {country!r} is not an ISO 3166-1 alpha-2 code such as IQ")
    population = int(_number(pop_s, "population", int)) if pop_s else 0
    if population < 0:
        raise ValueError(f"population {pop_s} is negative")
    if population >= 2**63:  # the index's INTEGER column holds 64 bits
        raise ValueError(f"population {pop_s} is too large")
    if capital and capital not in CAPITALS:
        raise ValueError(f"capital {capital!r} is not one of {', '.join(CAPITALS)} (or empty)")
    extent = _number(extent_s, "extent_km") if extent_s else 0.0
    if extent < 0:
        raise ValueError(f"extent_km {extent_s} is negative")
    alt = tuple(a.strip() for a in alternates.split(ALT_SEP) if keys(a) and a.strip() != name)
    return Place(
        pid, name, lat, lon, kind, country, admin1, population, source, alt, capital, float(extent)
    )


def _rows(
    path: Path, on_read: Callable[[int], None] | None = None
) -> Iterator[tuple[int, list[str] | _Misfit]]:
    """(line number, cells) of every data row; the header is checked and skipped."""
    reader = csv.reader(_lines(path, on_read))
    try:
        header = next(reader)
    except StopIteration:
        raise GazetteerError("empty file: expected a header row", path=str(path), line=1) from None
    except csv.Error as err:
        raise GazetteerError(f"bad CSV ({err})", path=str(path), line=1) from None
    width = _header_width([h.strip() for h in header], path, reader.line_num)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise GazetteerError(f"bad CSV ({err})", path=str(path), line=reader.line_num) from None
        if row and any(cell.strip() for cell in row):
            yield reader.line_num, row if len(row) == width else _Misfit(row, width)


@dataclass(frozen=True, slots=True)
class _Misfit:
    """A row whose width differs from its header's (row_to_place reports it)."""

    cells: list[str]
    width: int


def _header_width(header: list[str], path: Path, line: int) -> int:
    """The number of columns a header declares; GazetteerError names the first bad column."""
    expected = list(ALL_COLUMNS[: max(len(COLUMNS), min(len(header), len(ALL_COLUMNS)))])
    if header == expected:
        return len(header)
    wanted = ",".join(COLUMNS)
    for number, (found, want) in enumerate(zip(header, expected), start=1):
        if found != want:
            problem = f"header column {number} is {found!r}, expected {want!r}"
            break
    else:
        problem = (
            f"header has {len(header)} columns"
            if len(header) > len(expected)
            else f"header lacks column {expected[len(header)]!r}"
        )
    raise GazetteerError(
        f"{problem} (the header must be {wanted}, optionally followed by "
        f"{','.join(OPTIONAL_COLUMNS)})",
        path=str(path),
        line=line,
    )


def scan_file(
    path: str | os.PathLike, *, on_read: Callable[[int], None] | None = None
) -> Iterator[tuple[int, Place | InputError]]:
    """Every data row of a gazetteer CSV, read as a stream: (line, Place), or (line, problem)
    for a bad row. A problem with the whole file (unreadable, bad header) ends the scan.

    ``on_read`` is called now and then with how many bytes of the file have been read.
    """
    path = Path(path)
    first_line: dict[str, int] = {}
    try:
        for line, row in _rows(path, on_read):
            try:
                place = row_to_place(row)
            except ValueError as err:
                yield line, InputError(str(err), path=str(path), line=line)
                continue
            if place.id in first_line:
                yield (
                    line,
                    InputError(
                        f"duplicate id {place.id!r} (first on line {first_line[place.id]})",
                        path=str(path),
                        line=line,
                    ),
                )
                continue
            first_line[place.id] = line
            yield line, place
    except GazetteerError as err:
        yield err.line or 0, err


def check_file(path: str | os.PathLike) -> tuple[list[tuple[int, Place]], list[InputError]]:
    """Read a gazetteer CSV: its valid (line, Place) rows and every problem found."""
    places: list[tuple[int, Place]] = []
    problems: list[InputError] = []
    for line, item in scan_file(path):
        if isinstance(item, Place):
            places.append((line, item))
        else:
            problems.append(item)
    return places, problems


def _raise_first(problems: list[InputError]) -> None:
    if problems:
        first = problems[0]
        raise GazetteerError(first.problem, path=first.path, line=first.line, problems=problems)


def read_file(path: str | os.PathLike) -> list[Place]:
    """The places of one gazetteer CSV; GazetteerError (first problem, all attached) if bad."""
    places, problems = check_file(path)
    _raise_first(problems)
    return [place for _, place in places]


def place_to_row(place: Place) -> list[str]:
    """The CSV cells of a place, in ALL_COLUMNS order."""
    return [
        place.id,
        place.name,
        ALT_SEP.join(place.alternate_names),
        _coord(place.lat),
        _coord(place.lon),
        place.kind,
        place.country,
        place.admin1,
        str(place.population),
        place.source,
        place.capital,
        _coord(place.extent_km) if place.extent_km else "",
    ]


def _coord(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- the index

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places(
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, alternate_names TEXT,
    lat REAL NOT NULL, lon REAL NOT NULL, kind TEXT NOT NULL, country TEXT, admin1 TEXT,
    population INTEGER NOT NULL, source TEXT, capital TEXT NOT NULL, extent_km REAL NOT NULL
);
CREATE TABLE names(key TEXT NOT NULL, quality INTEGER NOT NULL, pop INTEGER NOT NULL,
                   rid INTEGER NOT NULL,
                   PRIMARY KEY(key, quality DESC, pop DESC, rid)) WITHOUT ROWID;
CREATE TABLE skeletons(skel TEXT NOT NULL, rid INTEGER NOT NULL,
                       PRIMARY KEY(skel, rid)) WITHOUT ROWID;
CREATE TABLE hidden(rid INTEGER PRIMARY KEY);
CREATE TABLE key_hashes(data BLOB NOT NULL);
CREATE UNIQUE INDEX places_id ON places(id);
"""
#: ``places_lat`` carries population and kind so that :meth:`Gazetteer.in_box` leaves the
#: rows of other kinds or fewer people unread in the table (a map's towns and villages: 4 MB
#: less of the index mapped into memory).
#: The capitals (:meth:`Gazetteer.capital`, 2,300 of 255,000 rows) get a partial index by
#: country and region: a lookup scanned the whole table (22 ms in a fresh process).
#: The landmarks (:meth:`Gazetteer.landmarks`) get a partial index of their own holding the
#: columns a map label reads: reading them from it takes 27 ms where scanning the table for
#: them took 90 (the table's rows carry every alternate name).
_INDEXES = f"""
CREATE INDEX places_lat ON places(lat, lon, population, kind);
CREATE INDEX places_capital ON places(country, admin1) WHERE capital != '';
CREATE INDEX places_landmarks ON places(kind, population, lat, lon, id, name, capital, extent_km)
    WHERE kind != 'city' OR population >= {LANDMARK_CITY_POPULATION};
"""

#: The two families of index file: the bundled places, and user files (an overlay on the
#: bundled index, or alone). A cache folder holds ``bundled-<key>.sqlite`` and
#: ``user-<key>.sqlite`` files, and one build lock per family.
BUNDLED, USER = "bundled", "user"

#: A place's row number in an index: its file's number, then its line, so that lookups
#: break ties in the files' order whatever order they are read in and whichever index holds
#: them. User files are numbered after every bundled file.
_LINE_BITS = 32
_FIRST_USER_FILE = 1 << 16

#: Share of an index build spent reading the CSVs (the rest: filing names, sorting).
_READING = 0.35
#: An overlay of at most this many name keys has them held in memory while open (a few MB).
_KEYS_IN_MEMORY = 200_000


def index_key(
    files: Sequence[Path],
    *,
    base: Path | None = None,
    portable: bool = False,
    contents: Sequence[str] | None = None,
) -> str:
    """The hash that names an index: of INDEX_VERSION, the base index an overlay is built on,
    and each file's path, size and modification time. A ``portable`` key takes each file's
    name and size only, so an index built into the wheel is found wherever it is installed;
    with ``contents`` (a digest of each file) it takes names, sizes and contents, so identical
    files in two checkouts share one index."""
    digest = hashlib.sha256(INDEX_VERSION.encode())
    if base is not None:
        digest.update(f"\0base\0{base.name}".encode())
    for number, path in enumerate(files):
        stat = path.stat()
        if portable or contents is not None:
            where = path.name + (f"\0{contents[number]}" if contents is not None else "")
        else:
            where = f"{path.resolve()}\0{stat.st_mtime_ns}"
        digest.update(f"\0{where}\0{stat.st_size}".encode())
    return digest.hexdigest()[:20]


#: The cache folder's record of file digests: resolved path -> [size, mtime_ns, sha256].
_DIGESTS = "digests.json"


def _contents(files: Sequence[Path], folder: Path) -> list[str]:
    """The SHA-256 digest of each file's content, remembered in the cache folder by path,
    size and modification time, so that a file is read again only after it changes."""
    record = folder / _DIGESTS
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    digests, changed = [], False
    for path in files:
        stat = path.stat()
        where = str(path.resolve())
        entry = known.get(where)
        if not (isinstance(entry, list) and entry[:2] == [stat.st_size, stat.st_mtime_ns]):
            with open(path, "rb") as data:
                entry = [
                    stat.st_size,
                    stat.st_mtime_ns,
                    hashlib.file_digest(data, "sha256").hexdigest(),
                ]
            known[where] = entry
            changed = True
        digests.append(entry[2])
    if changed:
        known = {where: entry for where, entry in known.items() if os.path.exists(where)}
        with contextlib.suppress(GeomapError, OSError):  # a memo: recomputed if lost
            atomic_write(record, json.dumps(known, indent=0))
    return digests


def packaged_index_name(files: Sequence[Path]) -> str:
    """The file name of the bundled index built into the wheel, next to the bundled CSVs."""
    return f"{BUNDLED}-{index_key(files, portable=True)}.sqlite"


def _uri(path: Path) -> str:
    # immutable: an index file never changes once renamed into place (a new content gets a
    # new name), so SQLite may skip its file locks and change checks.
    return f"{path.resolve().as_uri()}?mode=ro&immutable=1"


def build_index(
    files: Sequence[Path],
    target: Path,
    *,
    key: str = "",
    base: Path | None = None,
    first: int = 0,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Compile gazetteer CSV files into a fresh SQLite index at target (replaced atomically).

    A later file's row replaces an earlier one with the same id; ``first`` is the number of
    the first file (numbers order ties, see ``_LINE_BITS``). With ``base``, the index is an
    overlay on that index: it lists the base's rows that its rows replace (same id). Files
    are read as streams, the last first, so memory stays flat whatever their size and the
    last file's problems are reported first. ``progress`` is called now and then with the
    share done (0 to 1). Raises GazetteerError (the first bad file's problems attached),
    leaving nothing behind.
    """
    report = progress or (lambda share: None)
    stats = [path.stat() for path in files]
    sizes = [stat.st_size for stat in stats]
    total = sum(sizes) or 1
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(Path(tmp).as_uri(), uri=True)) as db:
            db.executescript(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;PRAGMA temp_store=FILE;" + _SCHEMA
            )
            done = 0
            for number in reversed(range(len(files))):
                problems: list[InputError] = []

                def on_read(count: int, before: int = done) -> None:
                    report(_READING * (before + count) / total)

                db.executemany(
                    "INSERT OR IGNORE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    _place_rows(files[number], (first + number) << _LINE_BITS, problems, on_read),
                )
                _raise_first(problems)
                done += sizes[number]
            db.commit()
            hidden = _hide_replaced(db, base) if base else 0
            _index_names(db, lambda share: report(_READING + (1 - _READING) * 0.9 * share))
            _hash_keys(db)
            db.executescript(_INDEXES)
            _write_meta(db, files, stats, key=key, hidden=hidden, base=base)
        os.chmod(tmp, new_file_mode())  # mkstemp's 0600 would hide it from other users
        os.replace(tmp, target)
        report(1.0)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_meta(
    db: sqlite3.Connection,
    files: Sequence[Path],
    stats: Sequence[os.stat_result],
    *,
    key: str,
    hidden: int,
    base: Path | None,
) -> None:
    """Record what the index holds and what it was built from (the files' paths, sizes and
    times, by which a later open knows it is current)."""
    count = db.execute("SELECT count(*) FROM places").fetchone()[0]
    names = db.execute("SELECT count(*) FROM names").fetchone()[0]
    sources = [
        [str(path.resolve()), stat.st_size, stat.st_mtime_ns] for path, stat in zip(files, stats)
    ]
    db.executemany(
        "INSERT INTO meta VALUES (?,?)",
        [
            ("key", key),
            ("version", INDEX_VERSION),
            ("places", str(count)),
            ("names", str(names)),
            ("hidden", str(hidden)),
            ("base", str(base or "")),
            ("sources", json.dumps(sources)),
        ],
    )
    db.commit()


def _place_rows(
    path: Path, base: int, problems: list[InputError], on_read: Callable[[int], None] | None = None
) -> Iterator[tuple]:
    for line, item in scan_file(path, on_read=on_read):
        if isinstance(item, InputError):
            problems.append(item)
            continue
        yield (
            base | line,
            *place_to_row(item)[:3],
            item.lat,
            item.lon,
            item.kind,
            item.country,
            item.admin1,
            item.population,
            item.source,
            item.capital,
            item.extent_km,
        )


def _hide_replaced(db: sqlite3.Connection, base: Path) -> int:
    """Fill the hidden table with the base index's rows that share an id with this index's
    rows (which replace them), and return how many there are."""
    db.execute("ATTACH DATABASE ? AS base", (_uri(base),))
    # CROSS JOIN keeps this order: each of the (few) overlay ids looked up in the base.
    db.execute(
        "INSERT INTO hidden SELECT b.rid FROM places p CROSS JOIN base.places b ON b.id = p.id"
    )
    db.commit()
    db.execute("DETACH DATABASE base")
    return db.execute("SELECT count(*) FROM hidden").fetchone()[0]


def _index_names(db: sqlite3.Connection, progress: Callable[[float], None] | None = None) -> None:
    """Fill the names and skeletons tables from the places table, in key order."""
    db.executescript(
        "CREATE TEMP TABLE raw_names(key TEXT, quality INTEGER, pop INTEGER,"
        " rid INTEGER); CREATE TEMP TABLE raw_skeletons(skel TEXT, rid INTEGER);"
    )
    total = db.execute("SELECT count(*) FROM places").fetchone()[0] or 1
    places = db.execute("SELECT rid, name, alternate_names, population, kind FROM places")
    done = 0
    while batch := places.fetchmany(10_000):
        names: list[tuple] = []
        skeletons: list[tuple] = []
        for rid, name, alternates, population, kind in batch:
            best: dict[str, int] = {}
            skels: set[str] = set()
            others = alternates.split(ALT_SEP) if alternates else []
            for quality, text in [(_PRIMARY, name)] + [(_ALTERNATE, n) for n in others]:
                if quality == _ALTERNATE and kind != "country" and is_abbreviation(text):
                    quality = ABBREVIATION
                for i, k in enumerate(keys(text)):
                    q = quality if i == 0 or quality == ABBREVIATION else _BARE
                    if best.get(k, ABBREVIATION - 1) < q:
                        best[k] = q
                    if i == 0 and len(k) >= 4 and quality != ABBREVIATION:
                        skels.add(skeleton(k))
            names += [(k, q, population, rid) for k, q in best.items()]
            skeletons += [(sk, rid) for sk in skels]
        db.executemany("INSERT INTO raw_names VALUES (?,?,?,?)", names)
        db.executemany("INSERT INTO raw_skeletons VALUES (?,?)", skeletons)
        done += len(batch)
        if progress:
            progress(done / total)
    db.executescript("""
        INSERT INTO names SELECT key, quality, pop, rid FROM raw_names
            ORDER BY key, quality DESC, pop DESC, rid;
        INSERT INTO skeletons SELECT skel, rid FROM raw_skeletons ORDER BY skel, rid;
        DROP TABLE raw_names; DROP TABLE raw_skeletons;
    """)


#: Whether the stored hashes (CRC-32: four bytes, little-endian) can be read in place.
_NATIVE_HASHES = sys.byteorder == "little" and array("I").itemsize == 4


def _hash_keys(db: sqlite3.Connection) -> None:
    """Store the sorted hashes of the index's name keys (2 MB for the bundled 510,000 keys,
    0.7 s to compute): held in memory, they tell a lookup of a name no place has (most of
    the capitalised words of an article) that it may skip its query."""
    hashes = sorted({key_hash(k) for (k,) in db.execute("SELECT key FROM names")})
    db.execute("INSERT INTO key_hashes VALUES (?)", (struct.pack(f"<{len(hashes)}I", *hashes),))
    db.commit()


def cache_dir() -> Path:
    """Where indexes are cached: ``GEOMAP_CACHE_DIR`` or the user's cache directory."""
    if os.environ.get(CACHE_ENV_VAR):
        return Path(os.environ[CACHE_ENV_VAR])
    import platformdirs

    return Path(platformdirs.user_cache_dir("geomap"))


def _writable_dir(preferred: Path) -> Path:
    for folder in (preferred, Path(tempfile.gettempdir()) / f"geomap-cache-{os.getuid()}"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    raise GazetteerError(f"no writable cache directory (tried {preferred})")


@dataclass(frozen=True, slots=True)
class _Held:
    """An index file held open with a shared lock: marked in use, so no sweep removes it."""

    path: Path
    fd: int
    built: bool = False

    def release(self) -> None:
        os.close(self.fd)


def _hold(path: Path, *, built: bool = False) -> _Held:
    """Open an index file and take a shared lock on it; FileNotFoundError if it is gone
    (a sweep may remove it between a check and this call: the lock then finds it unlinked)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        if os.fstat(fd).st_nlink == 0:
            raise FileNotFoundError(errno.ENOENT, "removed by a cache sweep", str(path))
    except BaseException:
        os.close(fd)
        raise
    return _Held(path, fd, built)


def ensure_index(
    files: Sequence[Path],
    *,
    family: str = BUNDLED,
    base: Path | None = None,
    directory: Path | None = None,
    check_first: Sequence[Path] = (),
    progress: Callable[[float], None] | None = None,
) -> tuple[Path, bool]:
    """The path of an up-to-date index of files, and whether this call had to build it."""
    held = _acquire(
        files,
        family=family,
        base=base,
        folder=_writable_dir(directory or cache_dir()),
        check_first=check_first,
        progress=progress,
    )
    held.release()
    return held.path, held.built


def _acquire(
    files: Sequence[Path],
    *,
    family: str,
    folder: Path,
    base: Path | None = None,
    check_first: Sequence[Path] = (),
    progress: Callable[[float], None] | None = None,
) -> _Held:
    """Hold the up-to-date index of files in folder, building it if there is none.

    The bundled places' index is named by the files' contents (two checkouts of the same
    data share it), a user files' index by their paths and modification times (an edit makes
    a new one). Concurrent processes build an index once: one holds the family's lock while
    it builds into a temporary file and renames it into place, then sweeps the family's
    stale indexes. Before a build, the files of ``check_first`` are validated (the last
    first), so a bad user file is reported before the bundled places are compiled.
    """
    if family == BUNDLED:
        key = index_key(files, contents=_contents(files, folder))
    else:
        key = index_key(files, base=base)
    target = folder / f"{family}-{key}.sqlite"
    with contextlib.suppress(FileNotFoundError):
        return _hold(target)
    with open(folder / f"{family}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError):
            return _hold(target)
        for path in reversed(check_first):
            _raise_first([item for _, item in scan_file(path) if isinstance(item, InputError)])
        first = 0 if family == BUNDLED else _FIRST_USER_FILE
        try:
            build_index(files, target, key=key, base=base, first=first, progress=progress)
            held = _hold(target, built=True)
        except (sqlite3.Error, OSError) as err:
            raise GazetteerError(
                f"cannot build the gazetteer index here ({err}); set "
                f"{CACHE_ENV_VAR} to a folder with room",
                path=str(folder),
            ) from None
        with contextlib.suppress(OSError):  # a cleanup: the index is built either way
            _sweep(folder, family, keep=target)
        return held


#: Names of the single index of geomap before overlays (``index-<key>.sqlite``, ``.lock``).
_LEGACY = re.compile(r"index-[0-9a-f]{20}\.(sqlite|lock)\Z")
#: A temporary file an earlier version's build left behind is removed after this many seconds.
_ORPHAN_AGE = 3600


def _sweep(folder: Path, family: str, *, keep: Path) -> None:
    """Remove a family's stale indexes from a cache folder, holding its build lock.

    Stale: for the bundled family every index but ``keep`` (a cache holds one bundled index);
    for user files an index built from files that have changed or gone since, on a base
    index that is gone, or by another index version. Also removed: the single indexes of
    older geomap versions and temporary files of killed builds. An index some process holds
    (:func:`_hold`) is left for a later sweep.
    """
    now = time.time()
    for path in folder.iterdir():
        name = path.name
        if path == keep:
            continue
        if name.startswith(f"{family}-") and name.endswith(".sqlite"):
            if family == BUNDLED or _outdated(path):
                _remove_unused(path)
        elif _LEGACY.match(name):
            _remove_unused(path)
        elif name.endswith(".tmp") and name.startswith((f"{family}-", "index-")):
            # A build of this family holds the lock we hold: its temporary files are orphans.
            # Older versions' builds take no such lock: theirs get an hour.
            with contextlib.suppress(OSError):
                if name.startswith(family) or now - path.stat().st_mtime > _ORPHAN_AGE:
                    path.unlink()


def _outdated(index: Path) -> bool:
    """Whether a user index was built from files that have changed or gone since, on a base
    index that is gone, or by another INDEX_VERSION."""
    try:
        with contextlib.closing(sqlite3.connect(_uri(index), uri=True)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        sources = json.loads(meta.get("sources", "[]"))
    except (sqlite3.Error, ValueError):
        return True
    if meta.get("version") != INDEX_VERSION:
        return True
    if meta.get("base") and not Path(meta["base"]).is_file():
        return True
    for source, size, mtime_ns in sources:
        try:
            stat = os.stat(source)
        except OSError:
            return True
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime_ns):
            return True
    return False


def _remove_unused(path: Path) -> None:
    """Unlink path unless a process holds it. The exclusive lock keeps a process that is
    about to hold the file waiting until it is unlinked, and :func:`_hold` then sees that."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path.unlink()
    except OSError:
        pass  # in use (BlockingIOError), or already gone
    finally:
        os.close(fd)


def _bundled_index(
    folder: Callable[[], Path],
    *,
    check_first: Sequence[Path] = (),
    progress: Callable[[float], None] | None = None,
) -> _Held:
    """Hold the bundled index: the one built into the installed package, else the cache's
    (built on first use)."""
    files = bundled_files()
    with contextlib.suppress(OSError):
        return _hold(bundled_dir() / packaged_index_name(files))
    return _acquire(
        files, family=BUNDLED, folder=folder(), check_first=check_first, progress=progress
    )


# --------------------------------------------------------------------------- lookups


#: Bytes of an index mapped into memory (SQLite's ``mmap_size``): all of it.
MMAP_SIZE = 1 << 30

_PLACE_COLUMNS = (
    "p.id, p.name, p.alternate_names, p.lat, p.lon, p.kind, p.country, "
    "p.admin1, p.population, p.source, p.capital, p.extent_km"
)
#: Columns of a row after ``_PLACE_COLUMNS``.
_AFTER_PLACE = 12
_POPULATION = 8
#: The columns of a :class:`~geomap.records.Landmark`, and how many.
_LANDMARK_COLUMNS = "p.id, p.name, p.lat, p.lon, p.kind, p.population, p.capital, p.extent_km"
_LANDMARK_WIDTH = 8


@functools.cache
def _name_sql(count: int, where: str, extra: str = "n.quality, n.key, n.rid") -> str:
    """The query of :meth:`Gazetteer._name_rows` for ``count`` keys and a condition: the
    place's columns, then ``extra``."""
    marks = ",".join("?" * count)
    sql = (
        f"SELECT {_PLACE_COLUMNS}, {extra} FROM {{db}}.names n"
        f" JOIN {{db}}.places p ON p.rid = n.rid"
        f" WHERE n.key IN ({marks}){where}{{hide}}"
        " ORDER BY n.key, n.quality DESC, n.pop DESC, n.rid LIMIT ?"
    )
    return sql


@functools.cache
def _lone_name_sql(count: int, where: str) -> str:
    """:func:`_name_sql` for a gazetteer of one index (no overlay), without the columns
    only a merge of indexes reads: the row number, and the key when there is one key
    (each column read costs, and a cold parse reads some 10,000 rows)."""
    extra = "n.quality, n.key" if count > 1 else "n.quality"
    return _name_sql(count, where, extra).format(db="main", hide="")


class Gazetteer:
    """Places by name and by area, read from an index of gazetteer CSVs.

    The bundled places and user files live in two SQLite indexes: ``index``, and ``overlay``
    on top of it (user rows, which replace the base's rows with their ids). Every query runs
    on both and merges their rows in the query's order, so the pair answers as one index of
    all the files would.

    The index is memory-mapped unless ``mmap`` is False: mapping pays where the same pages
    are read again and again (a corpus); a single page (``geomap map``) reads a few thousand
    pages once, and for each page it touches the kernel maps the neighbours it has cached
    (fault-around, 64 kB), about 20 MB more of resident memory for the one article.

    >>> gaz = Gazetteer.open()                       # bundled files + GEOMAP_GAZETTEER
    >>> gaz.lookup("Ramadi")[0].country
    'IQ'
    """

    def __init__(
        self,
        files: Sequence[Path],
        index: Path,
        overlay: Path | None = None,
        *,
        built: bool = False,
        mmap: bool = True,
    ):
        self.files = tuple(files)
        self.index = Path(index)
        self.overlay = Path(overlay) if overlay else None
        #: Whether opening this gazetteer built an index (False when cached ones were used).
        self.built = built
        self._held: list[_Held] = []
        self._db: sqlite3.Connection | None = None
        #: The key hashes (:meth:`_key_hashes`), once read.
        self._hashes: list[tuple[Sequence[int], list[int]]] | None = None
        try:
            for path in (self.index, self.overlay):
                if path:
                    self._held.append(_hold(path))
            self._db = sqlite3.connect(_uri(self.index), uri=True, check_same_thread=False)
            self._db.execute("PRAGMA cache_size = -32768")
            self._db.execute(f"PRAGMA mmap_size = {MMAP_SIZE if mmap else 0}")
            self._count = int(self._meta("main")["places"])
            #: The overlay's name keys, when it is small enough to hold them: a lookup of a
            #: name it does not hold then skips it.
            self._overlay_keys: frozenset[str] | None = None
            #: (schema, whether some of its rows are replaced by the overlay's), base first.
            self._layers: list[tuple[str, bool]] = [("main", False)]
            if self.overlay:
                self._db.execute("ATTACH DATABASE ? AS overlay", (_uri(self.overlay),))
                meta = self._meta("overlay")
                if Path(meta["base"]).name != self.index.name:
                    raise GazetteerError(
                        f"the overlay was built on {meta['base']}, not on {self.index}",
                        path=str(self.overlay),
                    )
                hidden = int(meta["hidden"])
                self._count += int(meta["places"]) - hidden
                self._layers = [("main", hidden > 0), ("overlay", False)]
                if int(meta.get("names", _KEYS_IN_MEMORY + 1)) <= _KEYS_IN_MEMORY:
                    self._overlay_keys = frozenset(
                        k for (k,) in self._db.execute("SELECT DISTINCT key FROM overlay.names")
                    )
        except BaseException:
            self.close()
            raise
        self._cache: dict[tuple, list[Match]] = {}
        #: The places name lookups returned, by id: a place many names find is built once.
        self._places: dict[str, Place] = {}

    @property
    def _open(self) -> sqlite3.Connection:
        """The index's connection (a closed gazetteer answers nothing)."""
        if self._db is None:
            raise ValueError(f"{self.index}: the gazetteer is closed")
        return self._db

    def _meta(self, schema: str) -> dict[str, str]:
        return dict(self._open.execute(f"SELECT key, value FROM {schema}.meta").fetchall())

    @classmethod
    def open(
        cls,
        extra: Iterable[str | os.PathLike] = (),
        *,
        bundled: bool = True,
        use_env: bool = True,
        cache: str | os.PathLike | None = None,
        progress: Callable[[float], None] | None = None,
        mmap: bool = True,
    ) -> Gazetteer:
        """Open the gazetteer of the bundled CSVs, then ``GEOMAP_GAZETTEER``'s, then extra's.

        Later files win on equal ids. The bundled places come from the index built into the
        installed package, else from one built once in the cache; user files compile into a
        small overlay index in the cache, rebuilt when one of them changes. ``progress`` is
        called with the share done (0 to 1) while an index is built; ``mmap``: see the
        class. Raises GazetteerError naming the file and line of the first bad row.
        """
        user = (env_files() if use_env else []) + [Path(f) for f in extra]
        if not bundled and not user:
            raise GazetteerError("no gazetteer files to read")
        for path in user:
            if not path.is_file():
                raise GazetteerError("no such file", path=str(path))
        folder = functools.cache(lambda: _writable_dir(Path(cache) if cache else cache_dir()))
        held: list[_Held] = []
        try:
            if bundled:
                held.append(_bundled_index(folder, check_first=user, progress=progress))
            if user:
                base = held[0].path if held else None
                held.append(
                    _acquire(user, family=USER, folder=folder(), base=base, progress=progress)
                )
            files = (bundled_files() if bundled else []) + user
            built = any(h.built for h in held)
            return cls(files, *(h.path for h in held), built=built, mmap=mmap)
        finally:
            for h in held:
                h.release()

    def __reduce__(self):
        # Workers reopen the same index files rather than receiving a connection.
        return (Gazetteer, (self.files, self.index, self.overlay))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        for held in self._held:
            held.release()
        self._held = []

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return self._count

    def _rows(
        self,
        sql: str,
        params: Sequence,
        *,
        order: Callable[[tuple], tuple],
        rid: str = "p.rid",
        name_keys: Sequence[str] | None = None,
    ) -> Iterator[tuple]:
        """The rows of a query on every index, merged in the query's own ``order`` (its
        ORDER BY as a Python key). In ``sql``, ``{db}`` stands for the index's schema and
        ``{hide}`` for a condition (on the row number ``rid``) that leaves out the base rows
        the overlay replaces. A query for ``name_keys`` skips an overlay without them."""
        layers = self._layers
        if (
            name_keys is not None
            and self._overlay_keys is not None
            and self._overlay_keys.isdisjoint(name_keys)
        ):
            layers = layers[:1]
        cursors = [
            self._open.execute(
                sql.format(
                    db=db,
                    hide=(
                        f" AND NOT EXISTS (SELECT 1 FROM overlay.hidden h WHERE h.rid = {rid})"
                        if replaced
                        else ""
                    ),
                ),
                params,
            )
            for db, replaced in layers
        ]
        return cursors[0] if len(cursors) == 1 else heapq.merge(*cursors, key=order)

    def get(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        for db, _ in reversed(self._layers):
            row = self._open.execute(
                f"SELECT {_PLACE_COLUMNS} FROM {db}.places p WHERE p.id = ?", (place_id,)
            ).fetchone()
            if row:
                return _place(row)
        return None

    def capital(self, country: str, *, admin1: str | None = None) -> Place | None:
        """The national capital of ``country`` (ISO alpha-2), or with ``admin1`` the capital
        of that first-level region; None when the gazetteer flags none. A user's row flagged
        as a capital counts, and one replacing a bundled capital hides it."""
        # "capital != ''" lets SQLite use the partial index places_capital.
        if admin1 is None:
            where = "p.country = ? AND p.capital != '' AND p.capital = 'country'"
            params = [country.upper()]
        else:
            where = (
                "p.country = ? AND p.admin1 = ? AND p.capital != ''"
                " AND p.capital IN ('admin1', 'country')"
            )
            params = [country.upper(), admin1]
        sql = f"SELECT {_PLACE_COLUMNS}, p.rid FROM {{db}}.places p WHERE {where}{{hide}}"
        rows = list(self._rows(sql, params, order=lambda r: r[_AFTER_PLACE]))
        if not rows:
            return None
        best = max(rows, key=lambda r: (r[10] == "admin1", r[8]))  # capital, population
        return _place(best)

    def _key_hashes(self) -> list[tuple[Sequence[int], list[int]]]:
        """The sorted hashes of each index's name keys (see :func:`_hash_keys`), read in
        place from the bytes the index stores (2 MB for the bundled index), each with where
        the hashes of each top byte start (:meth:`may_hold` searches only those: 11 steps
        of bisection rather than 19, for 257 searches on reading)."""
        if self._hashes is not None:
            return self._hashes
        layers: list[tuple[Sequence[int], list[int]]] = []
        for db, _ in self._layers:
            (data,) = self._open.execute(f"SELECT data FROM {db}.key_hashes").fetchone()
            hashes: Sequence[int]
            if _NATIVE_HASHES:
                hashes = memoryview(data).cast("I")
            else:
                hashes = struct.unpack(f"<{len(data) // 4}I", data)
            starts = [bisect_left(hashes, top << TOP_SHIFT) for top in range(1 << 8)]
            layers.append((hashes, starts + [len(hashes)]))
        self._hashes = layers
        return layers

    def may_hold(self, name: str) -> bool:
        """Whether some place may be filed under this name: False only when none is (no
        index holds the hash of one of its keys), so that a lookup may be skipped. Cheaper
        than :meth:`contains` (no query), and as exact when it says False."""
        return may_be_filed(name, self._hashes if self._hashes is not None else self._key_hashes())

    def contains(self, name: str) -> bool:
        """Whether any place is filed under this name (exactly or without an article)."""
        return any(
            next(
                self._rows(
                    "SELECT 1 FROM {db}.names n WHERE n.key = ?{hide} LIMIT 1",
                    (k,),
                    order=lambda row: row,
                    rid="n.rid",
                    name_keys=(k,),
                ),
                None,
            )
            for k in keys(name)
        )

    def matches(
        self,
        name: str,
        *,
        country: str | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 10,
        fuzzy: bool = False,
    ) -> list[Match]:
        """Places filed under this name with their match quality, best first.

        Order: match quality, then population. ``fuzzy`` falls back to transliteration
        variants (a shared consonant skeleton) when nothing matches exactly.
        """
        kinds = tuple(sorted(kinds)) if kinds else None
        cache_key = (name, country, kinds, limit, fuzzy)
        hit = self._cache.get(cache_key)
        if hit is not None:
            return hit
        query_keys = keys(name)
        # Names that normalise alike ("WASHINGTON", "Washington") have the same matches:
        # remembered under their keys too, they cost one query.
        keyed = (query_keys, country, kinds, limit, fuzzy)
        hit = self._cache.get(keyed)
        if hit is not None:
            return self._remember(cache_key, hit)
        where, params = "", []
        if country:
            where += " AND p.country = ?"
            params.append(country.upper())
        if kinds:
            where += f" AND p.kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        found: dict[str, Match] = {}
        if query_keys:
            rows = self._name_rows(query_keys, where, params, limit * len(query_keys))
            if len(query_keys) == 1:
                result = row_matches(rows, _AFTER_PLACE, self._places)
                if result or not fuzzy:
                    return self._remember(cache_key, result, keyed)
            for row in rows:
                # A match only on the query's article-less key is a weaker match.
                quality = row[_AFTER_PLACE] if row[_AFTER_PLACE + 1] == query_keys[0] else _BARE
                pid = row[0]
                if pid not in found or found[pid].quality < quality:
                    found[pid] = new_match(row, quality, self._places)
        if not found and fuzzy and query_keys and len(query_keys[0]) >= 4:
            found = {
                row[0]: new_match(row, 0, self._places)
                for row in self._skeleton_rows(query_keys[0], where, params, limit)
            }
        result = sorted(found.values(), key=lambda m: (-m.quality, -m.place.population))[:limit]
        return self._remember(cache_key, result, keyed)

    def _name_rows(self, query_keys: tuple[str, ...], where: str, params: list, most: int) -> list:
        """The place rows filed under any of ``query_keys`` (with quality, key and row
        number), at most ``most``. Names are stored best first (quality, then population):
        the ORDER BY costs no sort, and each key holds its places in their final order."""
        if len(self._layers) == 1:  # one index: its LIMIT is the cut
            sql = _lone_name_sql(len(query_keys), where)
            return self._open.execute(sql, (*query_keys, *params, most)).fetchall()
        return list(
            itertools.islice(
                self._rows(
                    _name_sql(len(query_keys), where),
                    (*query_keys, *params, most),
                    order=lambda r: (
                        r[_AFTER_PLACE + 1],
                        -r[_AFTER_PLACE],
                        -r[_POPULATION],
                        r[_AFTER_PLACE + 2],
                    ),
                    name_keys=query_keys,
                ),
                most,
            )
        )

    def _skeleton_rows(self, key: str, where: str, params: list, limit: int) -> Iterator[tuple]:
        """The most populous places whose name shares ``key``'s consonant skeleton (a
        transliteration variant: "Fallouja", "Falluja")."""
        return itertools.islice(
            self._rows(
                f"SELECT {_PLACE_COLUMNS}, p.rid FROM {{db}}.skeletons s"
                f" JOIN {{db}}.places p ON p.rid = s.rid WHERE s.skel = ?{where}{{hide}}"
                " ORDER BY p.population DESC, p.rid LIMIT ?",
                (skeleton(key), *params, limit),
                order=lambda r: (-r[_POPULATION], r[_AFTER_PLACE]),
            ),
            limit,
        )

    def _remember(self, key: tuple, result: list[Match], keyed: tuple = ()) -> list[Match]:
        if len(self._cache) > 100_000:
            self._cache.clear()
        if len(self._places) > 100_000:
            self._places.clear()
        self._cache[key] = result
        if keyed:
            self._cache[keyed] = result
        return result

    def lookup(
        self,
        name: str,
        *,
        country: str | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 10,
        fuzzy: bool = False,
    ) -> list[Place]:
        """Places filed under this name, best match first (see :meth:`matches`)."""
        return [
            m.place
            for m in self.matches(name, country=country, kinds=kinds, limit=limit, fuzzy=fuzzy)
        ]

    def in_country(self, country: str, *, min_city_population: int = 0) -> Iterator[Place]:
        """The places of a country (ISO 3166-1 alpha-2 code), in the files' order: every one
        but the cities (kind ``city``) under ``min_city_population``."""
        sql = (
            f"SELECT {_PLACE_COLUMNS}, p.rid FROM {{db}}.places p WHERE p.country = ?"
            " AND (p.kind != 'city' OR p.population >= ?){hide} ORDER BY p.rid"
        )
        for row in self._rows(
            sql, (country.upper(), min_city_population), order=lambda r: r[_AFTER_PLACE]
        ):
            yield _place(row)

    def landmarks(
        self,
        *,
        kinds: Iterable[str] | None = None,
        min_population: int = 0,
        min_extent_km: float = 0.0,
        capital: str = "",
        latitudes: tuple[float, float] | None = None,
        longitudes: tuple[float, float] | None = None,
    ) -> Iterator[Landmark]:
        """The places of :data:`LANDMARK_KINDS` and the cities of at least
        :data:`LANDMARK_CITY_POPULATION`, in no particular order, as a map label reads them;
        of ``kinds`` only (default: all of those), with at least ``min_population`` people
        and ``min_extent_km``, whose ``capital`` column says this (when given), whose
        latitude lies in ``latitudes`` (south, north; default: anywhere) and whose longitude
        lies in ``longitudes`` (west, east; west > east crosses the antimeridian; default:
        anywhere).

        A basemap chooses the names it shows anywhere on Earth among these (about 18,600 of
        the bundled 255,000 rows), and reads them for every page: the index keeps them apart,
        with every column a filter reads.
        """
        kinds = tuple(kinds) if kinds else LANDMARK_KINDS + ("city",)
        where = f"p.kind IN ({','.join('?' * len(kinds))})"
        params: list = list(kinds)
        for condition, value, used in (
            ("p.population >= ?", min_population, min_population),
            ("p.extent_km >= ?", min_extent_km, min_extent_km),
            ("p.capital = ?", capital, capital),
        ):
            if used:
                where += f" AND {condition}"
                params.append(value)
        if latitudes is not None:
            where += " AND p.lat BETWEEN ? AND ?"
            params += latitudes
        if longitudes is not None:
            west, east = longitudes
            across = west > east  # the antimeridian
            where += " AND (p.lon >= ? OR p.lon <= ?)" if across else " AND p.lon BETWEEN ? AND ?"
            params += longitudes
        sql = (
            f"SELECT {_LANDMARK_COLUMNS} FROM {{db}}.places p WHERE (p.kind != 'city' OR "
            f"p.population >= {LANDMARK_CITY_POPULATION}) AND {where}{{hide}} "
            "ORDER BY p.kind, p.population, p.lat, p.lon, p.id"
        )
        rows = self._rows(sql, params, order=lambda r: (r[4], r[5], r[2], r[3], r[0]))
        return map(Landmark._make, rows)

    def in_box(
        self,
        south: float,
        west: float,
        north: float,
        east: float,
        *,
        kinds: Iterable[str] | None = None,
        min_population: int = 0,
        min_city_population: int = 0,
    ) -> Iterator[Place]:
        """Places inside a latitude/longitude box (west > east crosses the antimeridian),
        south to north: of ``kinds`` (all by default), with at least ``min_population``,
        and cities (kind ``city``) with at least ``min_city_population``."""
        sql, params = _box_query(
            f"{_PLACE_COLUMNS}, p.rid",
            south,
            west,
            north,
            east,
            kinds=kinds,
            min_population=min_population,
            min_city_population=min_city_population,
        )
        for row in self._rows(sql, params, order=lambda r: (r[3], r[4], r[_AFTER_PLACE])):
            yield _place(row)

    def landmarks_in_box(
        self,
        south: float,
        west: float,
        north: float,
        east: float,
        *,
        kinds: Iterable[str] | None = None,
        min_population: int = 0,
    ) -> Iterator[Landmark]:
        """The places of :meth:`in_box`, in its order, as a map label reads them (a
        :class:`Landmark`: no alternate names to read and split)."""
        sql, params = _box_query(
            f"{_LANDMARK_COLUMNS}, p.rid",
            south,
            west,
            north,
            east,
            kinds=kinds,
            min_population=min_population,
        )
        rows = self._rows(sql, params, order=lambda r: (r[2], r[3], r[_LANDMARK_WIDTH]))
        return (Landmark._make(row[:_LANDMARK_WIDTH]) for row in rows)


def _box_query(
    columns: str,
    south: float,
    west: float,
    north: float,
    east: float,
    *,
    kinds: Iterable[str] | None = None,
    min_population: int = 0,
    min_city_population: int = 0,
) -> tuple[str, list]:
    """The query of ``columns`` of the places in a box, for :meth:`Gazetteer.in_box`."""
    # A tall box holds much of the table: scanning the table in its own order and sorting
    # what passes is then faster than walking the latitude index (which SQLite would
    # walk for the ORDER BY alone), several times so when few rows pass (the world's
    # countries and regions: 84 ms against 310).
    table = "places p NOT INDEXED" if north - south > 30 else "places p"
    sql = f"SELECT {columns} FROM {{db}}.{table} WHERE p.lat BETWEEN ? AND ?"
    params: list = [south, north]
    if west <= east:
        sql += " AND p.lon BETWEEN ? AND ?"
        params += [west, east]
    else:
        sql += " AND (p.lon >= ? OR p.lon <= ?)"
        params += [west, east]
    if min_population:
        sql += " AND p.population >= ?"
        params.append(min_population)
    if min_city_population:
        sql += " AND (p.kind != 'city' OR p.population >= ?)"
        params.append(min_city_population)
    kinds = tuple(kinds) if kinds else ()
    if kinds:
        sql += f" AND p.kind IN ({','.join('?' * len(kinds))})"
        params += kinds
    # The lat/lon index yields this order (rows sharing a point sorted by rid in memory).
    sql += "{hide} ORDER BY p.lat, p.lon, p.rid"
    return sql, params


# --------------------------------------------------------------------------- writing rows


def _csv_line(cells: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def add_place(path: str | os.PathLike, row: Sequence[str]) -> Place:
    """Append one validated row to a user gazetteer CSV (created with a header if absent).

    The file is rewritten atomically: on any failure it is left byte-identical. Raises
    GazetteerError if the row or the existing file is bad, or the id is already there.
    """
    path = Path(path)
    if path.name.endswith(".gz"):
        raise GazetteerError("cannot append to a compressed file", path=str(path))
    new_line, width = 2, len(ALL_COLUMNS)
    if path.exists():
        existing, problems = check_file(path)
        if problems:
            first = problems[0]
            raise GazetteerError(first.problem, path=first.path, line=first.line, problems=problems)
        old = path.read_bytes()
        new_line = old.count(b"\n") + (1 if old.endswith(b"\n") or not old else 2)
        width = _file_width(path)
    else:
        existing, old = [], _csv_line(ALL_COLUMNS).encode()
    try:
        place = row_to_place([str(cell) for cell in row])
    except ValueError as err:
        raise GazetteerError(str(err), path=str(path), line=new_line) from None
    for line, other in existing:
        if other.id == place.id:
            raise GazetteerError(
                f"duplicate id {place.id!r} (first on line {line})", path=str(path), line=new_line
            )
    cells = place_to_row(place)
    if any(cells[width:]):
        raise GazetteerError(
            f"the file's header has no column {ALL_COLUMNS[width]!r} for this "
            "row's value (add it to the header)",
            path=str(path),
            line=1,
        )
    if old and not old.endswith(b"\n"):
        old += b"\n"
    atomic_write(path, old + _csv_line(cells[:width]).encode())
    return place


def _file_width(path: Path) -> int:
    """How many columns the header of an existing (valid) gazetteer CSV declares."""
    header = next(csv.reader(_lines(path)))
    return _header_width([h.strip() for h in header], path, 1)


def write_places(path: str | os.PathLike, places: Iterable[Place]) -> int:
    """Write places as a gazetteer CSV (gzip if the name ends in .gz), atomically."""
    path = Path(path)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ALL_COLUMNS)
    count = 0
    for place in places:
        writer.writerow(place_to_row(place))
        count += 1
    data = out.getvalue().encode()
    if path.name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    atomic_write(path, data)
    return count


__all__ = [
    "ALL_COLUMNS",
    "COLUMNS",
    "Gazetteer",
    "OPTIONAL_COLUMNS",
    "Match",
    "add_place",
    "bundled_files",
    "check_file",
    "normalize",
    "read_file",
    "row_to_place",
    "scan_file",
    "write_places",
]
