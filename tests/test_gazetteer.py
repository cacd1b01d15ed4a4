"""The gazetteer: normalised lookups, user extensions, the SQLite index and its cache."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from geopy.distance import geodesic

from geomap.errors import GazetteerError
from geomap.files import atomic_write
from geomap.gazetteer import ABBREVIATION, COLUMNS, Gazetteer, add_place, read_file
from geomap.names import keys, normalize

HEADER = ",".join(COLUMNS) + "\n"


def write_csv(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "small.csv",
        "t:rawa-iq,Rāwah,Rawa|Rawah,34.48229,41.91898,city,IQ,Anbar,20000,test",
        "t:rawa-pl,Rawa Mazowiecka,Rawa,51.76,20.25,city,PL,Lodz,16000,test",
        "t:qaim,Al Qā’im,Dulaym al Husaybah,34.39251,40.98945,city,IQ,Anbar,74100,test",
        "t:hus,Husaybah crossing,Husaybah|Ḩuşaybah,34.3975,40.977,border_crossing,IQ,Anbar,0,test",
    )


@pytest.mark.parametrize(
    "a, b",
    [
        ("Ḩuşaybah", "Husaybah"),
        ("al Qa'im", "Al-Qaim"),
        ("Al Qā’im", "AL-QAIM"),
        ("Deir ez-Zour", "deir ez zour"),
        ("São Paulo", "Sao Paulo"),
        ("Łódź", "Lodz"),
    ],
)
def test_spellings_meet_at_one_key(a, b):
    assert normalize(a) == normalize(b)


def test_arabic_article_is_optional():
    assert keys("Al-Qaim") == ("al qaim", "qaim")
    assert keys("ar-Ramadi")[-1] == "ramadi"
    assert keys("Alabama") == ("alabama",)


def test_lookup_by_any_spelling_keeps_the_display_name(small_csv, tmp_path):
    with Gazetteer.open([small_csv], bundled=False, cache=tmp_path / "c") as gaz:
        for spelling in ("Al-Qaim", "al Qa'im", "Qaim", "AL QAIM"):
            (place,) = gaz.lookup(spelling)
            assert place.id == "t:qaim" and place.name == "Al Qā’im"
        assert [p.id for p in gaz.lookup("Ḩuşaybah")] == ["t:hus"]
        assert [p.id for p in gaz.lookup("Rawa")] == ["t:rawa-iq", "t:rawa-pl"]
        assert [p.id for p in gaz.lookup("Rawa", country="pl")] == ["t:rawa-pl"]
        assert [p.id for p in gaz.lookup("Husaybah", kinds=["city"])] == []
        assert gaz.lookup("Atlantis") == []


@pytest.mark.parametrize("native", [True, False], ids=["read-in-place", "unpacked"])
def test_a_name_no_place_has_is_known_without_a_query(
    small_csv, full_gazetteer, tmp_path, monkeypatch, native
):
    # may_hold lets a lookup skip its query; it may say True wrongly, never False. The
    # hashes are read in place on little-endian machines, unpacked on others.
    import geomap.gazetteer

    monkeypatch.setattr(geomap.gazetteer, "_NATIVE_HASHES", native)
    user = write_csv(tmp_path / "user.csv", "u:1,Nowhere Springs,,1,2,city,US,,10,user")
    with Gazetteer.open([small_csv], bundled=False, cache=tmp_path / "c") as gaz:
        for spelling in ("Al-Qaim", "Qaim", "Rawah", "Ḩuşaybah", "Dulaym al Husaybah"):
            assert gaz.may_hold(spelling) and gaz.contains(spelling)
        for name in ("Atlantis", "Nowhere Springs", "Haider al-Abadi", ""):
            assert not gaz.may_hold(name) and not gaz.contains(name)
    assert full_gazetteer.may_hold("Baghdad") and not full_gazetteer.may_hold("Nowhere Springs")
    with Gazetteer.open([user]) as gaz:  # an overlay on the bundled index
        assert gaz.overlay is not None
        assert gaz.may_hold("Nowhere Springs") and gaz.may_hold("Baghdad")
        assert not gaz.may_hold("Atlantis Springs")


def test_primary_name_beats_alternate(tmp_path):
    csv = write_csv(
        tmp_path / "g.csv",
        "t:big,Springfield North,Paris,10,10,city,US,,900000,test",
        "t:paris,Paris,,48.85,2.35,city,FR,,2000000,test",
        "t:small,Paris,,33.66,-95.55,city,US,Texas,25000,test",
    )
    with Gazetteer.open([csv], bundled=False, cache=tmp_path / "c") as gaz:
        assert [p.id for p in gaz.lookup("paris")] == ["t:paris", "t:small", "t:big"]


def test_abbreviations_match_last_with_their_own_quality(tmp_path):
    csv = write_csv(
        tmp_path / "g.csv",
        "t:ok,Oklahoma,Okla.|OK,35.5,-97.5,admin1,US,Oklahoma,3900000,test",
        "t:okla,Okla,,50,20,city,PL,,300,test",
        "t:us,United States,US|U.S.,39.8,-98.6,country,US,,310000000,test",
    )
    with Gazetteer.open([csv], bundled=False, cache=tmp_path / "c") as gaz:
        assert [(m.place.id, m.quality) for m in gaz.matches("Okla.")] == [
            ("t:okla", 3),
            ("t:ok", ABBREVIATION),
        ]
        assert [(m.place.id, m.quality) for m in gaz.matches("OK")] == [("t:ok", ABBREVIATION)]
        # A country's own short forms are names, not abbreviations.
        assert [(m.place.id, m.quality) for m in gaz.matches("U.S.")] == [("t:us", 2)]


def test_fuzzy_lookup_reaches_transliteration_variants(small_csv, tmp_path):
    with Gazetteer.open([small_csv], bundled=False, cache=tmp_path / "c") as gaz:
        assert gaz.lookup("Husaybeh") == []
        assert [p.id for p in gaz.lookup("Husaybeh", fuzzy=True)] == ["t:hus"]


def test_places_in_a_box(small_csv, tmp_path):
    with Gazetteer.open([small_csv], bundled=False, cache=tmp_path / "c") as gaz:
        ids = {p.id for p in gaz.in_box(34, 40, 35, 42)}
        assert ids == {"t:rawa-iq", "t:qaim", "t:hus"}
        assert {p.id for p in gaz.in_box(34, 40, 35, 42, kinds=["border_crossing"])} == {"t:hus"}
        assert {p.id for p in gaz.in_box(34, 40, 35, 42, min_population=50000)} == {"t:qaim"}
        # The border crossing (population 0) is no city: only small cities are left out.
        assert {p.id for p in gaz.in_box(34, 40, 35, 42, min_city_population=50000)} == {
            "t:qaim",
            "t:hus",
        }
        # A tall box is read by scanning the table: the same places, in the same order.
        assert [p.id for p in gaz.in_box(-60, 40, 60, 42)] == [
            p.id for p in sorted(gaz.in_box(34, 40, 35, 42), key=lambda p: (p.lat, p.lon))
        ]
        # A map's labels read the same places, in the same order, without alternate names.
        for box, options in (((34, 40, 35, 42), {}), ((-60, 40, 60, 42), {"kinds": ["city"]})):
            assert [
                (p.id, p.name, p.lat, p.lon, p.kind, p.population, p.capital, p.extent_km)
                for p in gaz.in_box(*box, **options)
            ] == [tuple(p) for p in gaz.landmarks_in_box(*box, **options)]


def test_an_index_read_without_mapping_it_answers_the_same(small_csv, tmp_path):
    # geomap map reads the index without mapping it into memory: same places, same order.
    with Gazetteer.open([small_csv], bundled=False, cache=tmp_path / "c") as mapped:
        with Gazetteer.open([small_csv], bundled=False, cache=tmp_path / "c", mmap=False) as read:
            assert read._open.execute("PRAGMA mmap_size").fetchone() == (0,)
            assert mapped._open.execute("PRAGMA mmap_size").fetchone()[0] > 0
            for name in ("Husaybah", "Al Qaim", "Rawa"):
                assert read.matches(name) == mapped.matches(name) != []
            assert list(read.in_box(-60, 40, 60, 42)) == list(mapped.in_box(-60, 40, 60, 42))


# --------------------------------------------------------------------------- extension


def test_a_user_row_replaces_the_bundled_row_with_its_id(small_csv, tmp_path):
    user = write_csv(
        tmp_path / "user.csv",
        "t:rawa-iq,Rawa,Rawah,34.5,41.9,city,IQ,Anbar,25000,my survey",
        "u:new,Newtown,,1,2,city,GB,,10,me",
    )
    with Gazetteer.open([small_csv, user], bundled=False, cache=tmp_path / "c") as gaz:
        (rawa,) = gaz.lookup("Rawa", country="IQ")
        assert (rawa.lat, rawa.population, rawa.source) == (34.5, 25000, "my survey")
        assert gaz.get("u:new").name == "Newtown"
        assert len(gaz) == 5


def test_a_user_row_replaces_a_bundled_place(full_gazetteer, tmp_path):
    ramadi = full_gazetteer.lookup("Ramadi", country="IQ", kinds=["city"])[0]
    assert [p.id for p in full_gazetteer.lookup("Rumadiyeh")] == [ramadi.id]
    user = write_csv(
        tmp_path / "user.csv", f"{ramadi.id},Ramadi,,33.5,43.2,city,IQ,Anbar,1,corrected by me"
    )
    with Gazetteer.open([user]) as gaz:
        assert gaz.index == full_gazetteer.index and gaz.overlay is not None
        mine = gaz.lookup("Ramadi", country="IQ", kinds=["city"])[0]
        assert (mine.id, mine.lat, mine.lon, mine.source) == (
            ramadi.id,
            33.5,
            43.2,
            "corrected by me",
        )
        assert gaz.get(ramadi.id) == mine
        assert [p for p in gaz.in_box(33, 43, 34, 44) if p.id == ramadi.id] == [mine]
        # The bundled row's alternate names went with it.
        assert gaz.lookup("Rumadiyeh") == [] and not gaz.contains("Rumadiyeh")
        assert len(gaz) == len(full_gazetteer)


def test_landmarks_are_the_areas_and_large_cities_of_both_indexes(full_gazetteer, tmp_path):
    """A basemap's landmarks, read from their own index, are the rows a scan of the whole
    table finds, with the overlay's rows in place of those they replace."""
    from geomap.gazetteer import ALL_COLUMNS, LANDMARK_CITY_POPULATION, LANDMARK_KINDS

    ramadi = full_gazetteer.lookup("Ramadi", country="IQ", kinds=["city"])[0]
    assert ramadi.population >= LANDMARK_CITY_POPULATION
    user = tmp_path / "user.csv"
    user.write_text(
        ",".join(ALL_COLUMNS) + "\n"
        f"{ramadi.id},Ramadi,,33.5,43.2,city,IQ,Anbar,1,corrected by me,,\n"
        "u:wadi,Wadi Mine,,33.9,42.1,river,IQ,,0,me,,120\n"
        "u:town,Newtown,,34,42,city,IQ,,250000,me,,\n",
        encoding="utf-8",
    )
    with Gazetteer.open([user]) as gaz:
        found = {p.id: p for p in gaz.landmarks()}
        scanned = gaz.in_box(
            -90.0,
            -180.0,
            90.0,
            180.0,
            kinds=LANDMARK_KINDS + ("city",),
            min_city_population=LANDMARK_CITY_POPULATION,
        )
        fields = ("id", "name", "lat", "lon", "kind", "population", "capital", "extent_km")
        expected = {p.id: tuple(getattr(p, f) for f in fields) for p in scanned}
        assert {k: tuple(v) for k, v in found.items()} == expected
        assert ramadi.id not in found and found["u:town"].population == 250000
        assert (found["u:wadi"].kind, found["u:wadi"].extent_km) == ("river", 120.0)


def test_landmarks_filtered_in_the_index_are_those_filtered_after(full_gazetteer):
    # A map's label tiers ask the index for their rows; the answer must be the rows they
    # would keep of all the landmarks.
    every = list(full_gazetteer.landmarks())
    for options in (
        {"kinds": ("country",), "min_population": 1_000_000},
        {"kinds": ("water", "region"), "min_extent_km": 800.0},
        {"kinds": ("city",), "min_population": 300_000, "capital": "country"},
        {"kinds": ("admin1",), "latitudes": (20.5, 44.25)},
        {"kinds": ("water", "river", "region"), "min_extent_km": 100.0, "latitudes": (-5, 5)},
        {"kinds": ("admin2", "district"), "latitudes": (27.5, 42.5), "longitudes": (29.5, 52.5)},
        {"kinds": ("admin1", "city"), "longitudes": (170.0, -170.0)},  # across the antimeridian
    ):
        south, north = options.get("latitudes", (-90, 90))
        west, east = options.get("longitudes", (-180, 180))
        kept = [
            p
            for p in every
            if p.kind in options["kinds"]
            and p.population >= options.get("min_population", 0)
            and p.extent_km >= options.get("min_extent_km", 0)
            and p.capital == options.get("capital", p.capital)
            and south <= p.lat <= north
            and (west <= p.lon <= east if west <= east else p.lon >= west or p.lon <= east)
        ]
        assert sorted(full_gazetteer.landmarks(**options)) == sorted(kept) != []


def test_user_places_rank_among_bundled_ones(full_gazetteer, tmp_path):
    """Across the bundled index and the overlay, lookups keep one order: match quality,
    then population."""
    first, second = full_gazetteer.lookup("Paris", limit=2)
    between = (first.population + second.population) // 2
    user = write_csv(
        tmp_path / "user.csv",
        f"u:paris,Paris,,10,10,city,FR,,{between},me",
        f"u:alias,Lutetia Nova,Paris,11,11,city,FR,,{10**12},me",
    )
    with Gazetteer.open([user]) as gaz:
        ids = [p.id for p in gaz.lookup("Paris", limit=100)]
        assert ids[:3] == [first.id, "u:paris", second.id]
        primary = [i for i, p in enumerate(gaz.lookup("Paris", limit=100)) if p.name == "Paris"]
        assert ids.index("u:alias") > max(primary)
        assert len(gaz) == len(full_gazetteer) + 2


def test_an_edited_user_file_rebuilds_only_its_overlay(full_gazetteer, tmp_path):
    bundled = full_gazetteer.index.stat()
    mine = write_csv(tmp_path / "mine.csv", "u:1,Zorbaville,,34.1,41.2,city,IQ,,10,me")
    with Gazetteer.open([mine]) as gaz:
        assert gaz.built and gaz.index == full_gazetteer.index
        old_overlay = gaz.overlay
    add_place(mine, ["u:2", "Quxbury", "", "34.2", "41.3", "city", "IQ", "", "5", "me"])
    with Gazetteer.open([mine]) as gaz:
        assert gaz.built and gaz.index == full_gazetteer.index and gaz.overlay != old_overlay
        assert [p.id for p in gaz.lookup("Quxbury")] == ["u:2"]
        assert gaz.get("u:1").name == "Zorbaville"
    after = full_gazetteer.index.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        bundled.st_ino,
        bundled.st_mtime_ns,
        bundled.st_size,
    )
    assert not old_overlay.exists()  # stale, so swept


def test_env_variable_lists_extra_files(small_csv, tmp_path, monkeypatch):
    user = write_csv(tmp_path / "env.csv", "u:env,Envtown,,5,5,city,FR,,1,env")
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(user))
    with Gazetteer.open([small_csv], bundled=False, cache=tmp_path / "c") as gaz:
        assert gaz.lookup("Envtown")[0].id == "u:env"


# --------------------------------------------------------------------------- the index


def test_a_stale_index_is_rebuilt_after_an_edit(small_csv, tmp_path):
    cache = tmp_path / "c"
    with Gazetteer.open([small_csv], bundled=False, cache=cache) as gaz:
        first = gaz.index
        assert gaz.built
    with Gazetteer.open([small_csv], bundled=False, cache=cache) as gaz:
        assert not gaz.built and gaz.index == first
    text = small_csv.read_text(encoding="utf-8").replace("34.48229,41.91898", "34.1,41.5")
    small_csv.write_text(text, encoding="utf-8")
    os.utime(small_csv, ns=(1, 10**18))
    with Gazetteer.open([small_csv], bundled=False, cache=cache) as gaz:
        assert gaz.built and gaz.index != first
        assert (gaz.get("t:rawa-iq").lat, gaz.get("t:rawa-iq").lon) == (34.1, 41.5)


def test_an_index_in_use_is_not_swept(small_csv, tmp_path):
    cache = tmp_path / "c"
    old = Gazetteer.open([small_csv], bundled=False, cache=cache)
    small_csv.write_text(
        small_csv.read_text(encoding="utf-8") + "t:new,Newtown,,1,1,city,FR,,1,test\n",
        encoding="utf-8",
    )
    with Gazetteer.open([small_csv], bundled=False, cache=cache) as new:
        assert new.built and new.index != old.index
        assert old.index.exists() and old.lookup("Rawa") and not old.lookup("Newtown")
        old.close()
        os.utime(small_csv, ns=(1, 10**18))
        with Gazetteer.open([small_csv], bundled=False, cache=cache) as third:
            # The first index was stale and no longer held: swept. The second is held.
            assert sorted(cache.glob("*.sqlite")) == sorted([new.index, third.index])
            assert new.lookup("Newtown")
    os.utime(small_csv, ns=(1, 2 * 10**18))
    with Gazetteer.open([small_csv], bundled=False, cache=cache) as fourth:
        assert list(cache.glob("*.sqlite")) == [fourth.index]
        assert fourth.lookup("Newtown")[0].id == "t:new"


def test_identical_bundled_files_in_two_checkouts_share_one_index(small_csv, tmp_path):
    """The bundled places' index is named by content: a second checkout of the same data
    (other paths, other modification times) reuses it, and changed data replaces it."""
    from geomap.gazetteer import BUNDLED, ensure_index

    other = tmp_path / "other-checkout"
    other.mkdir()
    copy = other / small_csv.name
    copy.write_bytes(small_csv.read_bytes())
    os.utime(copy, ns=(1, 10**18))
    cache = tmp_path / "c"
    first, built = ensure_index([small_csv], family=BUNDLED, directory=cache)
    assert built
    assert ensure_index([copy], family=BUNDLED, directory=cache) == (first, False)
    copy.write_bytes(small_csv.read_bytes().replace(b"34.48229", b"34.48230"))  # same size
    changed, built = ensure_index([copy], family=BUNDLED, directory=cache)
    assert built and changed != first
    assert list(cache.glob("*.sqlite")) == [changed]  # the cache holds one bundled index


def test_indexes_of_earlier_versions_are_removed(small_csv, tmp_path):
    """geomap before overlays kept one index per set of files, never removed."""
    cache = tmp_path / "c"
    cache.mkdir()
    for suffix in (".sqlite", ".lock"):
        (cache / f"index-0123456789abcdef0123{suffix}").write_bytes(b"")
    with Gazetteer.open([small_csv], bundled=False, cache=cache) as gaz:
        assert gaz.built
    assert sorted(p.name for p in cache.iterdir()) == [gaz.index.name, "user.lock"]


def test_an_index_removed_while_being_opened_is_rebuilt(small_csv, tmp_path):
    cache = tmp_path / "c"
    with Gazetteer.open([small_csv], bundled=False, cache=cache) as gaz:
        index = gaz.index
    # As another process's sweep does: lock the unused index, then remove it.
    with open(index, "rb") as sweep, ThreadPoolExecutor(1) as pool:
        fcntl.flock(sweep, fcntl.LOCK_EX)
        opening = pool.submit(Gazetteer.open, [small_csv], bundled=False, cache=cache)
        time.sleep(0.3)  # let the opener reach the lock (if not, it finds no file: as good)
        index.unlink()
        fcntl.flock(sweep, fcntl.LOCK_UN)
        gaz = opening.result()
    with gaz:
        assert gaz.built and gaz.index == index and gaz.lookup("Rawa")


def _open_and_report(args) -> tuple[bool, int, str]:
    csv, cache = args
    with Gazetteer.open([csv], bundled=False, cache=cache) as gaz:
        return gaz.built, len(gaz), gaz.lookup("Town 4999")[0].id


def test_processes_starting_together_build_the_index_once(tmp_path):
    rows = [
        f"t:{i},Town {i},Village {i},{i % 80},{i % 170},city,FR,,{i},test" for i in range(60_000)
    ]
    csv = write_csv(tmp_path / "big.csv", *rows)
    cache = tmp_path / "cold"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_open_and_report, [(csv, cache)] * 4)
    assert sorted(built for built, _, _ in results) == [False, False, False, True]
    assert all(count == 60_000 and pid == "t:4999" for _, count, pid in results)
    assert [p.suffix for p in cache.iterdir() if p.suffix != ".lock"] == [".sqlite"]


def _edit_or_read(args) -> list[int]:
    """Either rewrite the CSV (a new version each round, atomically) and open it, or open it
    and read; return the populations seen."""
    csv, cache, editor, rounds = args
    seen = []
    for i in range(rounds):
        if editor:
            text = HEADER + f"t:1,Edited Town,,1,1,city,FR,,{i + 1},test\n"
            atomic_write(csv, text)
        with Gazetteer.open([csv], bundled=False, cache=cache) as gaz:
            seen.append(gaz.lookup("Edited Town")[0].population)
    return seen


def test_readers_survive_sweeps_of_the_indexes_they_open(tmp_path):
    """One process edits a file over and over while others read it: each edit makes the
    previous index stale, and sweeps remove stale ones while readers are opening them."""
    csv = write_csv(tmp_path / "edited.csv", "t:1,Edited Town,,1,1,city,FR,,0,test")
    cache = tmp_path / "c"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_edit_or_read, [(csv, cache, i == 0, 60) for i in range(4)])
    assert results[0] == list(range(1, 61))
    assert all(0 <= population <= 60 for seen in results for population in seen)
    # An index a reader held through the editor's last sweep, or built from the file as it
    # was before the last edit, is left until the next build sweeps: the next command
    # serves the last edit, and the next edit's build leaves one index.
    with Gazetteer.open([csv], bundled=False, cache=cache) as gaz:
        assert gaz.lookup("Edited Town")[0].population == 60
    assert _edit_or_read((csv, cache, True, 1)) == [1]
    assert len(list(cache.glob("*.sqlite"))) == 1


def test_unwritable_cache_falls_back_to_a_temporary_folder(small_csv, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with Gazetteer.open([small_csv], bundled=False, cache=blocker / "cache") as gaz:
        assert gaz.lookup("Rawa")
        assert not gaz.index.is_relative_to(blocker)


# --------------------------------------------------------------------------- bad rows

BAD_ROWS = [
    ("t:1,Town,,95,10,city,FR,,1,x", "latitude 95 outside [-90, 90]"),
    ("t:1,Town,,45,190.5,city,FR,,1,x", "longitude 190.5 outside [-180, 180]"),
    ("t:1,Town,,north,10,city,FR,,1,x", "unparsable number 'north' in column lat"),
    ("t:1,Town,,45,10,city,FR,,many,x", "unparsable number 'many' in column population"),
    ("t:1,Town,,nan,10,city,FR,,1,x", "unparsable number 'nan' in column lat"),
    ("t:1,,,45,10,city,FR,,1,x", "missing name"),
    (",Town,,45,10,city,FR,,1,x", "missing id"),
    ("t:1,Town,,45,10,city,FR,,1", "expected 10 columns, found 9"),
    (
        "t:1,Town,,45,10,city,France,,1,x",
        "country 'France' is not an ISO 3166-1 alpha-2 code such as IQ",
    ),
    (
        "t:1,Town,,45,10,City!,FR,,1,x",
        "kind 'City!' is not a lower-case word (city, admin1, country, ...)",
    ),
]


@pytest.mark.parametrize("row, problem", BAD_ROWS, ids=[p for _, p in BAD_ROWS])
def test_a_bad_row_names_file_line_and_problem(tmp_path, row, problem):
    csv = write_csv(tmp_path / "bad.csv", "t:0,Fine,,1,1,city,FR,,1,x", row)
    with pytest.raises(GazetteerError) as err:
        read_file(csv)
    assert str(err.value) == f"{csv}:3: {problem}"


def test_a_duplicate_id_names_both_lines(tmp_path):
    csv = write_csv(
        tmp_path / "dup.csv",
        "t:1,A,,1,1,city,FR,,1,x",
        "t:2,B,,1,1,city,FR,,1,x",
        "t:1,C,,1,1,city,FR,,1,x",
    )
    with pytest.raises(GazetteerError, match=r"dup.csv:4: duplicate id 't:1' \(first on line 2\)"):
        read_file(csv)


def test_undecodable_bytes_are_located(tmp_path):
    csv = tmp_path / "latin1.csv"
    csv.write_bytes((HEADER + "t:1,Köln,,50.9,6.9,city,DE,,1,x\n").encode("latin-1"))
    with pytest.raises(GazetteerError) as err:
        read_file(csv)
    assert str(err.value) == f"{csv}:2: not UTF-8 text at byte {len(HEADER) + 5}"


def test_a_wrong_header_is_refused(tmp_path):
    csv = tmp_path / "h.csv"
    csv.write_text("name,lat,lon\nX,1,2\n", encoding="utf-8")
    with pytest.raises(
        GazetteerError,
        match="h.csv:1: header column 1 is 'name', expected 'id' "
        r"\(the header must be id,name,alternate_names",
    ):
        read_file(csv)


def test_opening_a_bad_file_builds_no_index(tmp_path):
    csv = write_csv(tmp_path / "bad.csv", "t:1,Town,,95,10,city,FR,,1,x")
    cache = tmp_path / "c"
    with pytest.raises(GazetteerError):
        Gazetteer.open([csv], bundled=False, cache=cache)
    assert not list(cache.glob("*.sqlite"))


# --------------------------------------------------------------------------- adding rows


def test_add_appends_a_validated_row(tmp_path):
    csv = tmp_path / "mine.csv"
    add_place(csv, ["u:1", "Alpha", "", "10", "20", "city", "FR", "", "5", "me"])
    add_place(csv, ["u:2", "Beta", "B|Bêta", "-10.5", "20", "city", "", "", "0", "me"])
    assert [p.name for p in read_file(csv)] == ["Alpha", "Beta"]
    assert read_file(csv)[1].alternate_names == ("B", "Bêta")


@pytest.mark.parametrize(
    "row, problem",
    [
        (
            ["u:1", "Dup", "", "1", "1", "city", "", "", "0", "x"],
            "duplicate id 'u:1' (first on line 2)",
        ),
        (
            ["u:3", "Far", "", "-91", "1", "city", "", "", "0", "x"],
            "latitude -91 outside [-90, 90]",
        ),
    ],
)
def test_a_failed_add_leaves_the_file_byte_identical(tmp_path, row, problem):
    csv = tmp_path / "mine.csv"
    add_place(csv, ["u:1", "Alpha", "", "10", "20", "city", "FR", "", "5", "me"])
    before = csv.read_bytes()
    with pytest.raises(GazetteerError) as err:
        add_place(csv, row)
    assert str(err.value) == f"{csv}:3: {problem}"
    assert csv.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["mine.csv"]


def test_an_interrupted_add_leaves_the_file_byte_identical(tmp_path, monkeypatch):
    csv = tmp_path / "mine.csv"
    add_place(csv, ["u:1", "Alpha", "", "10", "20", "city", "FR", "", "5", "me"])
    before = csv.read_bytes()

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        add_place(csv, ["u:2", "Beta", "", "1", "2", "city", "", "", "0", "me"])
    monkeypatch.undo()
    assert csv.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["mine.csv"]


# --------------------------------------------------------------------------- bundled data

KIND_OF_GOLD = {
    "city": "city",
    "admin1": "admin1",
    "border_crossing": "border_crossing",
    "country": "country",
}


def test_every_seed_place_and_alias_resolves_within_tolerance(full_gazetteer, gold):
    """Each name the founding article uses, looked up with its country and kind, finds the
    gold place within the gold tolerance."""
    names = {(m["text"], m["place"]) for m in gold["mentions"]}
    names |= {(p["name"].split(" (")[0], key) for key, p in gold["places"].items()}
    assert len({key for _, key in names}) == 13
    for text, key in sorted(names):
        want = gold["places"][key]
        found = full_gazetteer.lookup(
            text, country=want["country"], kinds=[KIND_OF_GOLD[want["kind"]]], fuzzy=True
        )
        assert found, f"{text!r} not found"
        km = geodesic((found[0].lat, found[0].lon), (want["lat"], want["lon"])).km
        assert km <= want["tolerance_km"], f"{text!r}: {found[0]} is {km:.0f} km off"


def test_bundled_gazetteer_covers_the_world(full_gazetteer):
    assert len(full_gazetteer) > 230_000
    assert full_gazetteer.lookup("France", kinds=["country"])[0].id == "country:FR"
    assert full_gazetteer.lookup("U.S.", kinds=["country"])[0].id == "country:US"
    assert full_gazetteer.lookup("Louisiana", country="US", kinds=["admin1"])
    assert full_gazetteer.lookup("Rapides Parish", country="US", kinds=["admin2"])
    tokyo = full_gazetteer.lookup("Tokyo")[0]
    assert tokyo.country == "JP" and tokyo.population > 1_000_000


def test_optional_columns_carry_capitals_and_extents(tmp_path):
    csv = tmp_path / "opt.csv"
    csv.write_text(
        HEADER.rstrip("\n") + ",capital,extent_km\n"
        "t:1,Kabul,,34.53,69.17,city,AF,Kabul,4000000,x,country,\n"
        "t:2,Caspian Sea,,41.9,50.7,water,,,0,x,,370\n",
        encoding="utf-8",
    )
    kabul, caspian = read_file(csv)
    assert (kabul.capital, kabul.extent_km) == ("country", 0.0)
    assert (caspian.capital, caspian.extent_km) == ("", 370.0)
    with Gazetteer.open([csv], bundled=False, use_env=False, cache=tmp_path / "c") as gaz:
        assert gaz.lookup("Caspian Sea")[0].extent_km == 370.0
        assert gaz.lookup("Kabul")[0].capital == "country"


@pytest.mark.parametrize(
    "row, problem",
    [
        (
            "t:1,X,,1,2,city,AF,,0,x,capitol,",
            "capital 'capitol' is not one of country, admin1, admin2 (or empty)",
        ),
        ("t:1,X,,1,2,city,AF,,0,x,,-3", "extent_km -3 is negative"),
        ("t:1,X,,1,2,city,AF,,0,x", "expected 12 columns, found 10"),
    ],
)
def test_bad_optional_columns_are_located(tmp_path, row, problem):
    csv = tmp_path / "opt.csv"
    csv.write_text(HEADER.rstrip("\n") + ",capital,extent_km\n" + row + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as err:
        read_file(csv)
    assert str(err.value) == f"{csv}:2: {problem}"


def test_capitals_are_found_by_country_and_region(tmp_path):
    csv = tmp_path / "caps.csv"
    csv.write_text(
        HEADER.rstrip("\n") + ",capital,extent_km\n"
        "t:1,Kabul,,34.53,69.17,city,AF,Kabul,4000000,x,country,\n"
        "t:2,Kandahar,,31.61,65.71,city,AF,Kandahar,500000,x,admin1,\n"
        "t:3,Spin Boldak,,31.0,66.4,city,AF,Kandahar,100000,x,,\n",
        encoding="utf-8",
    )
    with Gazetteer.open([csv], bundled=False, use_env=False, cache=tmp_path / "c") as gaz:
        assert gaz.capital("AF").name == "Kabul"
        assert gaz.capital("af", admin1="Kandahar").name == "Kandahar"
        assert gaz.capital("IQ") is None


def test_a_users_capital_row_counts_and_hides_the_bundled_one(tmp_path):
    base = tmp_path / "base.csv"
    base.write_text(
        HEADER.rstrip("\n") + ",capital,extent_km\n"
        "t:1,Kabul,,34.53,69.17,city,AF,Kabul,4000000,x,country,\n",
        encoding="utf-8",
    )
    mine = tmp_path / "mine.csv"
    mine.write_text(
        HEADER.rstrip("\n") + ",capital,extent_km\n"
        "t:1,Kabul,,34.53,69.17,city,AF,Kabul,4000000,x,,\n"
        "u:1,New Capital,,34.0,69.0,city,AF,Kabul,1000,me,country,\n",
        encoding="utf-8",
    )
    with Gazetteer.open([base, mine], bundled=False, use_env=False, cache=tmp_path / "c") as gaz:
        assert gaz.capital("AF").name == "New Capital"


def test_the_wheel_build_hook_compiles_the_index_with_the_standard_library_alone(tmp_path):
    """pip builds the wheel in an isolated environment holding hatchling only: the build
    hook must import geomap.gazetteer and build an index without geomap's dependencies."""
    root = Path(__file__).resolve().parents[1]
    script = f"""
import sys

# What an isolated build holds: hatchling and its own dependencies.
ALLOWED = ("geomap", "hatchling", "packaging", "pathspec", "pluggy", "trove_classifiers",
           "_distutils_hack")

class NoThirdParty:
    # Refuse every module outside the standard library, geomap and hatchling.
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in sys.stdlib_module_names or top in ALLOWED:
            return None
        raise ModuleNotFoundError(f"no module named {{name!r}} in an isolated build")

sys.meta_path.insert(0, NoThirdParty())
sys.path.insert(0, {str(root)!r})
import importlib.util
from pathlib import Path
spec = importlib.util.spec_from_file_location("hatch_build_hook", {str(root / "hatch_build.py")!r})
hook = importlib.util.module_from_spec(spec)
try:
    spec.loader.exec_module(hook)
    gazetteer = hook._gazetteer_module(Path({str(root)!r}))
except ModuleNotFoundError as err:
    if "hatchling" in str(err):
        raise SystemExit("hatchling missing: " + str(err))
    raise
csv = Path({str(tmp_path)!r}) / "one.csv"
row = "t:1,Rawa,,34.47,41.91,city,IQ,Anbar,1,test"
csv.write_text(",".join(gazetteer.COLUMNS) + "\\n" + row + "\\n")
gazetteer.build_index([csv], Path({str(tmp_path)!r}) / "one.sqlite", key="one")
print("built", sorted(m for m in sys.modules if m.startswith("geomap")))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("built") and (tmp_path / "one.sqlite").stat().st_size > 0
