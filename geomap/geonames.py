"""Import GeoNames dumps (``allCountries.txt``, ``citiesN.txt``, ``admin1CodesASCII.txt``)
into gazetteer CSV rows.

The main dump has 19 tab-separated columns per line; ``admin1CodesASCII.txt`` has four
(``CC.code``, name, ASCII name, geonameid) and supplies the admin1 names that the main dump
gives only as codes. Files are streamed, so a 1.5 GB ``allCountries.txt`` fits in memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from geomap.errors import GazetteerError
from geomap.names import is_latin
from geomap.records import Place

MAIN_COLUMNS = 19
ADMIN1_COLUMNS = 4
_CLASS_KINDS = {
    "P": "city",
    "H": "water",
    "T": "terrain",
    "L": "area",
    "S": "spot",
    "R": "road",
    "V": "vegetation",
    "U": "undersea",
}


def kind_of(feature_class: str, feature_code: str) -> str:
    """geomap's kind for a GeoNames feature class and code."""
    if feature_code == "CONT":
        return "continent"
    if feature_class == "A":
        if feature_code.startswith("PCL"):
            return "country"
        if feature_code.startswith("ADM") and feature_code[3:4].isdigit():
            return f"admin{feature_code[3]}"
        return "admin"
    return _CLASS_KINDS.get(feature_class, "place")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with open(path, "rb") as raw:
        offset = 0
        for number, data in enumerate(raw, start=1):
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError as err:
                raise GazetteerError(
                    f"not UTF-8 text at byte {offset + err.start}", path=str(path), line=number
                ) from None
            offset += len(data)
            line = line.rstrip("\r\n")
            if line and not line.startswith("#"):
                yield number, line


def _rows(path: Path, columns: int) -> Iterator[tuple[int, list[str]]]:
    """The tab-separated cells of each line, which must number ``columns``."""
    for number, line in _lines(path):
        cells = line.split("\t")
        if len(cells) != columns:
            raise GazetteerError(
                f"expected {columns} tab-separated columns, found {len(cells)}",
                path=str(path),
                line=number,
            )
        yield number, cells


def read_admin1_codes(path: str | os.PathLike) -> dict[str, str]:
    """``{"IQ.01": "Anbar", ...}`` from an ``admin1CodesASCII.txt`` file."""
    path = Path(path)
    names = {}
    for _, cells in _rows(path, ADMIN1_COLUMNS):
        names[cells[0]] = cells[1]
    return names


def read_places(
    path: str | os.PathLike,
    *,
    admin1_names: dict[str, str] | None = None,
    min_population: int = 0,
) -> Iterator[Place]:
    """Places of a GeoNames main-format dump, streamed; bad lines raise GazetteerError."""
    path = Path(path)
    admin1_names = admin1_names or {}
    version = path.name
    for number, cells in _rows(path, MAIN_COLUMNS):
        gid, name, ascii_name, alternates, lat_s, lon_s, fclass, fcode, cc = cells[:9]
        admin1_code, pop_s = cells[10], cells[14]
        try:
            lat, lon = float(lat_s), float(lon_s)
            population = int(pop_s or 0)
        except ValueError:
            raise GazetteerError(
                "unparsable number in latitude, longitude or population",
                path=str(path),
                line=number,
            ) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GazetteerError(
                f"coordinates {lat_s}, {lon_s} out of range", path=str(path), line=number
            )
        if not name or not gid:
            raise GazetteerError("missing geonameid or name", path=str(path), line=number)
        if population < min_population:
            continue
        names = [ascii_name] + alternates.split(",") if alternates else [ascii_name]
        alt = tuple(
            dict.fromkeys(
                n.strip()
                for n in names
                if n.strip() and n.strip() != name and is_latin(n) and "|" not in n
            )
        )
        yield Place(
            id=f"gn:{gid}",
            name=name,
            lat=lat,
            lon=lon,
            kind=kind_of(fclass, fcode),
            country=cc if len(cc) == 2 else "",
            population=population,
            admin1=admin1_names.get(f"{cc}.{admin1_code}", ""),
            source=f"GeoNames {version} (CC-BY 4.0)",
            alternate_names=alt,
        )
