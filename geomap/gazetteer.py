"""The offline gazetteer: CSV files of places compiled into a SQLite index.

The bundled CSVs (``gazetteer/`` in a checkout, ``geomap/gazetteer_data`` in a wheel) and any
user CSVs in the same schema are read, validated and merged by place id (a later file's row
replaces an earlier row with the same id; new ids add places). The merged rows compile into
one SQLite database in the user's cache directory, named by a hash of the files in use, so a
changed file means a new index. Concurrent processes on a cold cache build it once: one holds
a lock while it builds into a temporary file and renames it into place.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import gzip
import hashlib
import io
import json
import math
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from geomap.errors import GazetteerError, InputError
from geomap.files import atomic_write, new_file_mode
from geomap.names import is_abbreviation, keys, normalize, skeleton
from geomap.records import Place

COLUMNS = (
    "id", "name", "alternate_names", "lat", "lon", "kind", "country", "admin1", "population",
    "source",
)
#: Columns a file may add after :data:`COLUMNS`, in this order (a prefix of them, or none):
#: ``capital`` is "country" for a national capital, "admin1" for a first-level one, "admin2"
#: for a district's seat, else empty; ``extent_km`` is how far the place's edge may lie from
#: its point (0: unknown, the kind's default applies).
OPTIONAL_COLUMNS = ("capital", "extent_km")
ALL_COLUMNS = COLUMNS + OPTIONAL_COLUMNS
CAPITALS = ("country", "admin1", "admin2")
#: Separator of names inside the ``alternate_names`` column.
ALT_SEP = "|"
#: Environment variable listing extra gazetteer CSVs, separated like PATH (``os.pathsep``).
ENV_VAR = "GEOMAP_GAZETTEER"
#: Environment variable overriding where the index is cached.
CACHE_ENV_VAR = "GEOMAP_CACHE_DIR"
#: Bumped whenever the index layout changes, so old caches are not reused.
INDEX_VERSION = "5"

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


def boundaries() -> dict[str, dict]:
    """Country outlines from the bundled gazetteer: ISO alpha-2 code -> GeoJSON geometry."""
    path = bundled_dir() / "country_boundaries.geojson.gz"
    collection = json.loads(gzip.decompress(path.read_bytes()))
    return {f["properties"]["iso2"]: f["geometry"] for f in collection["features"]}


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


def _lines(path: Path) -> Iterator[str]:
    """The decoded lines of a CSV file (gzip-compressed if its name ends in .gz), read as a
    stream, line endings kept; GazetteerError names the line and byte of bad bytes."""
    gzipped = path.name.endswith(".gz")
    try:
        stream = gzip.open(path, "rb") if gzipped else open(path, "rb")
    except OSError as err:
        raise GazetteerError(f"cannot read file ({err.strerror})", path=str(path)) from None
    offset = number = 0
    with stream:
        try:
            for raw in stream:
                # bytes.splitlines breaks at "\r" too, so old Mac line endings read as lines
                for piece in raw.splitlines(keepends=True) if b"\r" in raw else (raw,):
                    number += 1
                    try:
                        line = piece.decode("utf-8")
                    except UnicodeDecodeError as err:
                        raise GazetteerError(f"not UTF-8 text at byte {offset + err.start}",
                                             path=str(path), line=number) from None
                    offset += len(piece)
                    yield line.removeprefix("\ufeff") if number == 1 else line
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


def row_to_place(row: Sequence[str]) -> Place:
    """Validate one CSV row (the :data:`COLUMNS`, then none, some or all of the
    :data:`OPTIONAL_COLUMNS`) and return its Place; ValueError names the problem."""
    if isinstance(row, _Misfit) or not len(COLUMNS) <= len(row) <= len(ALL_COLUMNS):
        expected = row.width if isinstance(row, _Misfit) else len(COLUMNS)
        raise ValueError(f"expected {expected} columns, found {len(row)}")
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
    return Place(pid, name, lat, lon, kind, country, admin1, population, source, alt,
                 capital, float(extent))


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every data row; the header is checked and skipped."""
    reader = csv.reader(_lines(path))
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
            yield reader.line_num, row if len(row) == width else _misfit(row, width)


class _Misfit(list):
    """A row whose width differs from its header's (row_to_place reports it)."""

    width = 0


def _misfit(row: list[str], width: int) -> list[str]:
    misfit = _Misfit(row)
    misfit.width = width
    return misfit


def _header_width(header: list[str], path: Path, line: int) -> int:
    """The number of columns a header declares; GazetteerError names the first bad column."""
    expected = list(ALL_COLUMNS[:max(len(COLUMNS), min(len(header), len(ALL_COLUMNS)))])
    if header == expected:
        return len(header)
    wanted = ",".join(COLUMNS)
    for number, (found, want) in enumerate(zip(header, expected), start=1):
        if found != want:
            problem = f"header column {number} is {found!r}, expected {want!r}"
            break
    else:
        problem = (f"header has {len(header)} columns" if len(header) > len(expected)
                   else f"header lacks column {expected[len(header)]!r}")
    raise GazetteerError(f"{problem} (the header must be {wanted}, optionally followed by "
                         f"{','.join(OPTIONAL_COLUMNS)})", path=str(path), line=line)


def scan_file(path: str | os.PathLike) -> Iterator[tuple[int, Place | InputError]]:
    """Every data row of a gazetteer CSV, read as a stream: (line, Place), or (line, problem)
    for a bad row. A problem with the whole file (unreadable, bad header) ends the scan."""
    path = Path(path)
    first_line: dict[str, int] = {}
    try:
        for line, row in _rows(path):
            try:
                place = row_to_place(row)
            except ValueError as err:
                yield line, InputError(str(err), path=str(path), line=line)
                continue
            if place.id in first_line:
                yield line, InputError(
                    f"duplicate id {place.id!r} (first on line {first_line[place.id]})",
                    path=str(path), line=line,
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
        place.id, place.name, ALT_SEP.join(place.alternate_names), _coord(place.lat),
        _coord(place.lon), place.kind, place.country, place.admin1, str(place.population),
        place.source, place.capital, _coord(place.extent_km) if place.extent_km else "",
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
CREATE UNIQUE INDEX places_id ON places(id);
"""
_INDEXES = """
CREATE INDEX places_lat ON places(lat, lon);
"""


def index_key(files: Sequence[Path]) -> str:
    """The hash that names an index: of each file's path, size and modification time."""
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for path in files:
        stat = path.stat()
        digest.update(f"\0{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


#: A place's row number in the index: its file's position, then its line, so that lookups
#: break ties in the files' order whatever order they are read in.
_LINE_BITS = 32


def build_index(files: Sequence[Path], target: Path, *, key: str = "") -> None:
    """Compile gazetteer CSV files into a fresh SQLite index at target (replaced atomically).

    A later file's row replaces an earlier one with the same id. Files are read as streams,
    the last first, so memory stays flat whatever their size and a bad user file is reported
    before the bundled ones are read. Raises GazetteerError (the first bad file's problems
    attached), leaving nothing behind.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                             "PRAGMA temp_store=FILE;" + _SCHEMA)
            for number in reversed(range(len(files))):
                problems: list[InputError] = []
                db.executemany("INSERT OR IGNORE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                               _place_rows(files[number], number << _LINE_BITS, problems))
                _raise_first(problems)
            _index_names(db)
            db.executescript(_INDEXES)
            count = db.execute("SELECT count(*) FROM places").fetchone()[0]
            db.executemany("INSERT INTO meta VALUES (?,?)",
                           [("key", key), ("places", str(count))])
            db.commit()
        os.chmod(tmp, new_file_mode())  # mkstemp's 0600 would hide it from other users
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _place_rows(path: Path, base: int, problems: list[InputError]) -> Iterator[tuple]:
    for line, item in scan_file(path):
        if isinstance(item, InputError):
            problems.append(item)
            continue
        yield (base | line, *place_to_row(item)[:3], item.lat, item.lon, item.kind,
               item.country, item.admin1, item.population, item.source, item.capital,
               item.extent_km)


def _index_names(db: sqlite3.Connection) -> None:
    """Fill the names and skeletons tables from the places table, in key order."""
    db.executescript("CREATE TEMP TABLE raw_names(key TEXT, quality INTEGER, pop INTEGER,"
                     " rid INTEGER); CREATE TEMP TABLE raw_skeletons(skel TEXT, rid INTEGER);")
    places = db.execute("SELECT rid, name, alternate_names, population, kind FROM places")
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
    db.executescript("""
        INSERT INTO names SELECT key, quality, pop, rid FROM raw_names
            ORDER BY key, quality DESC, pop DESC, rid;
        INSERT INTO skeletons SELECT skel, rid FROM raw_skeletons ORDER BY skel, rid;
        DROP TABLE raw_names; DROP TABLE raw_skeletons;
    """)


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


def ensure_index(files: Sequence[Path], *, directory: Path | None = None) -> tuple[Path, bool]:
    """The path of an up-to-date index of files, and whether this call had to build it."""
    key = index_key(files)
    folder = _writable_dir(directory or cache_dir())
    target = folder / f"index-{key}.sqlite"
    if target.exists():
        return target, False
    with open(folder / f"index-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return target, False
        try:
            build_index(files, target, key=key)
        except (sqlite3.Error, OSError) as err:
            raise GazetteerError(f"cannot build the gazetteer index here ({err}); set "
                                 f"{CACHE_ENV_VAR} to a folder with room",
                                 path=str(folder)) from None
    return target, True


# --------------------------------------------------------------------------- lookups


@dataclass(frozen=True, slots=True)
class Match:
    """A lookup result: the place and how its name matched (3 primary, 2 alternate,
    1 only without an Arabic article, 0 by consonant skeleton, -1 an abbreviation:
    :data:`ABBREVIATION`)."""

    place: Place
    quality: int


_PLACE_COLUMNS = "p.id, p.name, p.alternate_names, p.lat, p.lon, p.kind, p.country, " \
                 "p.admin1, p.population, p.source, p.capital, p.extent_km"
#: Columns of a row after ``_PLACE_COLUMNS``.
_AFTER_PLACE = 12


def _place(row: Sequence) -> Place:
    pid, name, alternates, lat, lon, kind, country, admin1, population, source, capital, \
        extent = row[:_AFTER_PLACE]
    alt = tuple(alternates.split(ALT_SEP)) if alternates else ()
    return Place(pid, name, lat, lon, kind, country, admin1, population, source, alt, capital,
                 extent)


class Gazetteer:
    """Places by name and by area, read from an index of gazetteer CSVs.

    >>> gaz = Gazetteer.open()                       # bundled files + GEOMAP_GAZETTEER
    >>> gaz.lookup("Ramadi")[0].country
    'IQ'
    """

    def __init__(self, files: Sequence[Path], index: Path, *, built: bool = False):
        self.files = tuple(files)
        self.index = index
        #: Whether opening this gazetteer built its index (False when a cached one was used).
        self.built = built
        self._db = sqlite3.connect(f"file:{index}?mode=ro", uri=True, check_same_thread=False)
        self._db.execute("PRAGMA cache_size = -32768")
        self._db.execute("PRAGMA mmap_size = 1073741824")
        self._cache: dict[tuple, list[Match]] = {}

    @classmethod
    def open(
        cls,
        extra: Iterable[str | os.PathLike] = (),
        *,
        bundled: bool = True,
        use_env: bool = True,
        cache: str | os.PathLike | None = None,
    ) -> Gazetteer:
        """Open the gazetteer of the bundled CSVs, then ``GEOMAP_GAZETTEER``'s, then extra's.

        Later files win on equal ids. Raises GazetteerError naming the file and line of the
        first bad row.
        """
        files = (bundled_files() if bundled else []) + (env_files() if use_env else [])
        files += [Path(f) for f in extra]
        if not files:
            raise GazetteerError("no gazetteer files to read")
        for path in files:
            if not path.is_file():
                raise GazetteerError("no such file", path=str(path))
        index, built = ensure_index(files, directory=Path(cache) if cache else None)
        return cls(files, index, built=built)

    def __reduce__(self):
        # Workers reopen the same index file rather than receiving a connection.
        return (Gazetteer, (self.files, self.index))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM places").fetchone()[0]

    def get(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        row = self._db.execute(
            f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.id = ?", (place_id,)
        ).fetchone()
        return _place(row) if row else None

    def capital(self, country: str, *, admin1: str | None = None) -> Place | None:
        """The national capital of ``country`` (ISO alpha-2), or with ``admin1`` the capital
        of that first-level region; None when the gazetteer flags none."""
        if admin1 is None:
            row = self._db.execute(
                f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.country = ? AND "
                "p.capital = 'country' ORDER BY p.population DESC LIMIT 1",
                (country.upper(),)).fetchone()
        else:
            row = self._db.execute(
                f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.country = ? AND p.admin1 = ? "
                "AND p.capital IN ('admin1', 'country') ORDER BY p.capital = 'admin1' DESC, "
                "p.population DESC LIMIT 1", (country.upper(), admin1)).fetchone()
        return _place(row) if row else None

    def contains(self, name: str) -> bool:
        """Whether any place is filed under this name (exactly or without an article)."""
        return any(
            self._db.execute("SELECT 1 FROM names WHERE key = ? LIMIT 1", (k,)).fetchone()
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
        where, params = "", []
        if country:
            where += " AND p.country = ?"
            params.append(country.upper())
        if kinds:
            where += f" AND p.kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        found: dict[str, Match] = {}
        query_keys = keys(name)
        if query_keys:
            # Names are stored best first (quality, then population): no sort needed.
            marks = ",".join("?" * len(query_keys))
            rows = self._db.execute(
                f"SELECT {_PLACE_COLUMNS}, n.quality, n.key FROM names n"
                f" JOIN places p ON p.rid = n.rid WHERE n.key IN ({marks}){where} LIMIT ?",
                (*query_keys, *params, limit * len(query_keys)),
            ).fetchall()
            if len(query_keys) == 1:
                # One key holds each place once, already in the final order.
                result = [Match(_place(row), row[_AFTER_PLACE]) for row in rows]
                if result or not fuzzy:
                    return self._remember(cache_key, result)
            for row in rows:
                # A match only on the query's article-less key is a weaker match.
                quality = row[_AFTER_PLACE] if row[_AFTER_PLACE + 1] == query_keys[0] else _BARE
                pid = row[0]
                if pid not in found or found[pid].quality < quality:
                    found[pid] = Match(_place(row), quality)
        if not found and fuzzy and query_keys and len(query_keys[0]) >= 4:
            rows = self._db.execute(
                f"SELECT {_PLACE_COLUMNS} FROM skeletons s JOIN places p ON p.rid = s.rid"
                f" WHERE s.skel = ?{where} ORDER BY p.population DESC LIMIT ?",
                (skeleton(query_keys[0]), *params, limit),
            ).fetchall()
            found = {row[0]: Match(_place(row), 0) for row in rows}
        result = sorted(found.values(), key=lambda m: (-m.quality, -m.place.population))[:limit]
        return self._remember(cache_key, result)

    def _remember(self, key: tuple, result: list[Match]) -> list[Match]:
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[key] = result
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
        return [m.place for m in self.matches(
            name, country=country, kinds=kinds, limit=limit, fuzzy=fuzzy)]

    def in_country(self, country: str, *, min_city_population: int = 0) -> Iterator[Place]:
        """The places of a country (ISO 3166-1 alpha-2 code), in the files' order: every one
        but the cities (kind ``city``) under ``min_city_population``."""
        sql = (f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.country = ?"
               " AND (p.kind != 'city' OR p.population >= ?) ORDER BY p.rid")
        for row in self._db.execute(sql, (country.upper(), min_city_population)):
            yield _place(row)

    def in_box(
        self,
        south: float,
        west: float,
        north: float,
        east: float,
        *,
        kinds: Iterable[str] | None = None,
        min_population: int = 0,
    ) -> Iterator[Place]:
        """Places inside a latitude/longitude box (west > east crosses the antimeridian)."""
        # A tall box holds much of the table: scanning it (the unary + keeps SQLite off the
        # latitude index) is then several times faster than walking the index.
        lat = "+p.lat" if north - south > 30 else "p.lat"
        sql = f"SELECT {_PLACE_COLUMNS} FROM places p WHERE {lat} BETWEEN ? AND ?"
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
        kinds = tuple(kinds) if kinds else ()
        if kinds:
            sql += f" AND p.kind IN ({','.join('?' * len(kinds))})"
            params += kinds
        for row in self._db.execute(sql, params):
            yield _place(row)


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
            raise GazetteerError(first.problem, path=first.path, line=first.line,
                                 problems=problems)
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
            raise GazetteerError(f"duplicate id {place.id!r} (first on line {line})",
                                 path=str(path), line=new_line)
    cells = place_to_row(place)
    if any(cells[width:]):
        raise GazetteerError(f"the file's header has no column {ALL_COLUMNS[width]!r} for this "
                             "row's value (add it to the header)", path=str(path), line=1)
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
    "ALL_COLUMNS", "COLUMNS", "Gazetteer", "OPTIONAL_COLUMNS", "Match", "add_place", "bundled_files", "check_file",
    "normalize", "read_file", "row_to_place", "scan_file", "write_places",
]
