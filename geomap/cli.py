"""The ``geomap`` command line: parses options, calls one library function, prints."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from geomap import gazetteer as gaz
from geomap.errors import GazetteerError, GeomapError


class UserError(click.ClickException):
    """A bad input or a failed operation: ``Error: ...`` on stderr, exit code 2."""

    exit_code = 2


def user_errors(func):
    """Turn geomap's own errors into one-line user messages with exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GeomapError as err:
            raise UserError(str(err)) from None

    return wrapper


gazetteer_option = click.option(
    "--gazetteer", "gazetteer_files", multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Extra gazetteer CSV (repeatable); its rows add to or replace bundled ones by id. "
    f"Files listed in ${gaz.ENV_VAR} are read too.",
)


def open_gazetteer(files: tuple[Path, ...]) -> gaz.Gazetteer:
    return gaz.Gazetteer.open(files)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="geomap")
def main() -> None:
    """geomap: turn news articles into a map of the places they report, and check the
    distances they state."""


# --------------------------------------------------------------------------- gazetteer


@main.group()
def gazetteer() -> None:
    """Look up, validate and extend the offline gazetteer."""


def _place_dict(place) -> dict:
    return {
        "id": place.id, "name": place.name, "kind": place.kind, "country": place.country,
        "admin1": place.admin1, "lat": place.lat, "lon": place.lon,
        "population": place.population, "source": place.source,
        "alternate_names": list(place.alternate_names),
    }


@gazetteer.command("lookup")
@click.argument("name")
@click.option("--country", help="Only places in this country (ISO 3166-1 alpha-2, e.g. IQ).")
@click.option("--kind", "kinds", multiple=True, help="Only places of this kind (repeatable).")
@click.option("--limit", default=10, show_default=True, help="How many places at most.")
@click.option("--fuzzy", is_flag=True, help="Fall back to transliteration variants.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@gazetteer_option
@user_errors
def gazetteer_lookup(name, country, kinds, limit, fuzzy, as_json, gazetteer_files):
    """Show the places filed under NAME, best match first."""
    with open_gazetteer(gazetteer_files) as g:
        places = g.lookup(name, country=country, kinds=kinds or None, limit=limit, fuzzy=fuzzy)
    if as_json:
        click.echo(json.dumps([_place_dict(p) for p in places], ensure_ascii=False, indent=1))
        return
    if not places:
        click.echo(f"No place named {name!r}.", err=True)
        sys.exit(1)
    for p in places:
        region = ", ".join(x for x in (p.admin1, p.country) if x)
        click.echo(
            f"{p.name:<28} {p.kind:<15} {region:<28} {p.lat:9.4f} {p.lon:10.4f} "
            f"pop {p.population:>10,}  {p.id}"
        )


@gazetteer.command("validate")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def gazetteer_validate(files):
    """List every problem of gazetteer CSV FILES; exit code 2 if there is any."""
    bad = 0
    for path in files:
        places, problems = gaz.check_file(path)
        for problem in problems:
            click.echo(f"Error: {problem}", err=True)
        bad += len(problems)
        if not problems:
            click.echo(f"{path}: {len(places)} places, no problems")
    if bad:
        click.echo(f"{bad} problem{'s' if bad != 1 else ''} found", err=True)
        sys.exit(2)


@gazetteer.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "pid", required=True, help="Stable id, e.g. user:my-village.")
@click.option("--name", required=True)
@click.option("--lat", required=True, help="Latitude in decimal degrees.")
@click.option("--lon", required=True, help="Longitude in decimal degrees.")
@click.option("--kind", default="city", show_default=True,
              help="city, admin1, admin2, country, border_crossing, ...")
@click.option("--country", default="", help="ISO 3166-1 alpha-2 code.")
@click.option("--admin1", default="", help="First-level region's name.")
@click.option("--population", default="0", show_default=True)
@click.option("--alternate-names", default="", help=f"Names separated by '{gaz.ALT_SEP}'.")
@click.option("--source", default="user", show_default=True)
@user_errors
def gazetteer_add(file, pid, name, lat, lon, kind, country, admin1, population,
                  alternate_names, source):
    """Append one validated place to the user gazetteer CSV FILE, atomically."""
    place = gaz.add_place(file, [pid, name, alternate_names, lat, lon, kind, country, admin1,
                                 population, source])
    click.echo(f"Added {place.name} ({place.id}) to {file}")


@gazetteer.command("import-geonames")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Gazetteer CSV to write (.csv or .csv.gz).")
@click.option("--admin1-codes", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="GeoNames admin1CodesASCII.txt, to name each place's region.")
@click.option("--min-population", default=0, show_default=True)
@user_errors
def gazetteer_import_geonames(files, output, admin1_codes, min_population):
    """Convert GeoNames dumps (allCountries.txt, citiesN.txt format) into a gazetteer CSV."""
    from geomap import geonames

    names = geonames.read_admin1_codes(admin1_codes) if admin1_codes else {}
    seen: dict[str, Path] = {}

    def places():
        for path in files:
            for place in geonames.read_places(path, admin1_names=names,
                                              min_population=min_population):
                if place.id in seen:
                    raise GazetteerError(f"duplicate id {place.id!r} (also in {seen[place.id]})",
                                         path=str(path))
                seen[place.id] = path
                yield place

    count = gaz.write_places(output, places())
    click.echo(f"Wrote {count:,} places to {output}")


@gazetteer.command("info")
@gazetteer_option
@user_errors
def gazetteer_info(gazetteer_files):
    """Show the gazetteer files in use and where their index is cached."""
    with open_gazetteer(gazetteer_files) as g:
        for path in g.files:
            click.echo(f"file   {path}")
        click.echo(f"index  {g.index}")
        click.echo(f"places {len(g):,}")


if __name__ == "__main__":  # pragma: no cover
    main()
