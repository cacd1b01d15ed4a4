"""The ``geomap`` command line: parses options, calls one library function, prints."""

from __future__ import annotations

import atexit
import contextlib
import csv
import functools
import gc
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from geomap import export, inputs, schema
from geomap import gazetteer as gaz
from geomap.errors import GazetteerError, GeomapError, InputError
from geomap.inputs import Article, BadRecord
from geomap.parse import collect_for_a_corpus
from geomap.records import Document

if TYPE_CHECKING:
    # Only ``geomap batch`` loads it (its workers, pickling, Dask's hooks): the other
    # commands start 10-15 ms sooner.
    from geomap import batch


class UserError(click.ClickException):
    """A bad input or a failed operation: ``Error: ...`` on stderr, exit code 2."""

    exit_code = 2


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn geomap's own errors into one-line user messages with exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GeomapError as err:
            raise UserError(str(err)) from None
        except BrokenPipeError:
            raise  # the reader of our output went away: Geomap.invoke ends quietly
        except OSError as err:
            # Last resort for a system error no stage put in words (a full disk, a
            # vanished folder): still one line, never a traceback.
            where = f"{err.filename}: " if err.filename else ""
            raise UserError(f"{where}{err.strerror or err}") from None

    return wrapper


gazetteer_option = click.option(
    "--gazetteer",
    "gazetteer_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Extra gazetteer CSV (repeatable); its rows add to or replace bundled ones by id. "
    f"Files listed in ${gaz.ENV_VAR} are read too.",
)


encoding_option = click.option(
    "--encoding",
    default=None,
    help="Text encoding of the input (default: UTF-8, or what a byte-order mark says).",
)

text_column_option = click.option(
    "--text-column",
    default="text",
    show_default=True,
    help="The article text column of a CSV input.",
)

skip_bad_option = click.option(
    "--skip-bad",
    is_flag=True,
    help="Report and skip bad records of a JSON Lines or CSV input instead of stopping.",
)


def open_gazetteer(files: tuple[Path, ...], *, mmap: bool = True) -> gaz.Gazetteer:
    """The gazetteer with the user's files; a bar on a terminal while an index is built."""
    bar = ProgressBar()
    try:
        return gaz.Gazetteer.open(
            files, progress=bar.index_build if bar.enabled else None, mmap=mmap
        )
    finally:
        bar.finish()


def count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: "1 article", "4,802 mentions"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class Geomap(click.Group):
    """The command group; Ctrl-C ends any command with one line and exit code 130, and a
    closed output pipe (``geomap extract - | head -3``) ends it quietly with exit code 0."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(
                "Interrupted: files already on disk are as they were, or complete.", err=True
            )
            ctx.exit(130)
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(0)


def _silence_stdout() -> None:
    # Python flushes stdout once more at exit, which would fail again on the closed pipe.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(cls=Geomap, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="geomap")
def main() -> None:
    """geomap: turn news articles into a map of the places they report, and check the
    distances they state."""
    # The process is geomap's: its collector is set for parsing article after article.
    collect_for_a_corpus()


# --------------------------------------------------------------------------- gazetteer


@main.group()
def gazetteer() -> None:
    """Look up, validate and extend the offline gazetteer."""


def _place_dict(place) -> dict:
    return {
        "id": place.id,
        "name": place.name,
        "kind": place.kind,
        "country": place.country,
        "admin1": place.admin1,
        "lat": place.lat,
        "lon": place.lon,
        "population": place.population,
        "source": place.source,
        "alternate_names": list(place.alternate_names),
    }


@gazetteer.command("lookup")
@click.argument("name")
@click.option("--country", help="Only places in this country (ISO 3166-1 alpha-2, e.g. IQ).")
@click.option("--kind", "kinds", multiple=True, help="Only places of this kind (repeatable).")
@click.option("--limit", default=10, show_default=True, help="How many places at most.")
@click.option(
    "--fuzzy",
    is_flag=True,
    help="When nothing matches exactly, show near spellings: with --country, those "
    "the parser would consider (its notable places), fewest edits first; "
    "without, transliteration variants anywhere.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@gazetteer_option
@user_errors
def gazetteer_lookup(name, country, kinds, limit, fuzzy, as_json, gazetteer_files):
    """Show the places filed under NAME, best match first."""
    from geomap.variants import variants

    edits: dict[str, int] = {}
    with open_gazetteer(gazetteer_files) as g:
        places = g.lookup(name, country=country, kinds=kinds or None, limit=limit)
        if not places and fuzzy and country:
            found = [
                v
                for v in variants(g, name, [country], limit=limit * 4)
                if not kinds or v.place.kind in kinds
            ][:limit]
            places = [v.place for v in found]
            edits = {v.place.id: v.edits for v in found}
        elif not places and fuzzy:
            places = g.lookup(name, kinds=kinds or None, limit=limit, fuzzy=True)
    if as_json:
        click.echo(
            json.dumps(
                [{**_place_dict(p), **({"edits": edits[p.id]} if edits else {})} for p in places],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    if not places:
        click.echo(f"No place named {name!r}.", err=True)
        sys.exit(1)
    for p in places:
        region = ", ".join(x for x in (p.admin1, p.country) if x)
        spelled = f"  {edits[p.id]} edit{'s' if edits[p.id] != 1 else ''}" if edits else ""
        click.echo(
            f"{p.name:<28} {p.kind:<15} {region:<28} {p.lat:9.4f} {p.lon:10.4f} "
            f"pop {p.population:>10,}  {p.id}{spelled}"
        )


@gazetteer.command("validate")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def gazetteer_validate(files):
    """List every problem of gazetteer CSV FILES; exit code 2 if there is any."""
    bad = 0
    for path in files:
        places = problems = 0
        for _, item in gaz.scan_file(path):
            if isinstance(item, InputError):
                click.echo(f"Error: {item}", err=True)
                problems += 1
            else:
                places += 1
        bad += problems
        if not problems:
            click.echo(f"{path}: {places} places, no problems")
    if bad:
        click.echo(f"{bad} problem{'s' if bad != 1 else ''} found", err=True)
        sys.exit(2)


@gazetteer.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "pid", required=True, help="Stable id, e.g. user:my-village.")
@click.option("--name", required=True)
@click.option("--lat", required=True, help="Latitude in decimal degrees.")
@click.option("--lon", required=True, help="Longitude in decimal degrees.")
@click.option(
    "--kind",
    default="city",
    show_default=True,
    help="city, admin1, admin2, country, border_crossing, ...",
)
@click.option("--country", default="", help="ISO 3166-1 alpha-2 code.")
@click.option("--admin1", default="", help="First-level region's name.")
@click.option("--population", default="0", show_default=True)
@click.option("--alternate-names", default="", help=f"Names separated by '{gaz.ALT_SEP}'.")
@click.option("--source", default="user", show_default=True)
@user_errors
def gazetteer_add(
    file, pid, name, lat, lon, kind, country, admin1, population, alternate_names, source
):
    """Append one validated place to the user gazetteer CSV FILE, atomically."""
    place = gaz.add_place(
        file, [pid, name, alternate_names, lat, lon, kind, country, admin1, population, source]
    )
    click.echo(f"Added {place.name} ({place.id}) to {file}")


@gazetteer.command("import-geonames")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Gazetteer CSV to write (.csv or .csv.gz).",
)
@click.option(
    "--admin1-codes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="GeoNames admin1CodesASCII.txt, to name each place's region.",
)
@click.option("--min-population", default=0, show_default=True)
@user_errors
def gazetteer_import_geonames(files, output, admin1_codes, min_population):
    """Convert GeoNames dumps (allCountries.txt, citiesN.txt format) into a gazetteer CSV."""
    from geomap import geonames

    names = geonames.read_admin1_codes(admin1_codes) if admin1_codes else {}
    seen: dict[str, Path] = {}

    def places():
        for path in files:
            for place in geonames.read_places(
                path, admin1_names=names, min_population=min_population
            ):
                if place.id in seen:
                    raise GazetteerError(
                        f"duplicate id {place.id!r} (also in {seen[place.id]})", path=str(path)
                    )
                seen[place.id] = path
                yield place

    count = gaz.write_places(output, places())
    click.echo(f"Wrote {count:,} places to {output}")


@gazetteer.command("info")
@gazetteer_option
@user_errors
def gazetteer_info(gazetteer_files):
    """Show the gazetteer files in use, their indexes (bundled, and the overlay of your
    files) and how many places they hold."""
    with open_gazetteer(gazetteer_files) as g:
        for path in g.files:
            click.echo(f"file    {path}")
        click.echo(f"index   {g.index}")
        if g.overlay:
            click.echo(f"overlay {g.overlay}")
        click.echo(f"places  {len(g):,}")


# --------------------------------------------------------------------------- articles


def read_articles(
    paths: Iterable[str],
    *,
    command: str,
    encoding: str | None = None,
    text_column: str = "text",
    skip_bad: bool = False,
    extra_fields: tuple[str, ...] = (),
    input_format: str | None = None,
) -> Iterator[tuple[str, Article]]:
    """(label, article) of every article that the ARTICLE arguments of ``command`` hold: a
    file of one article (labelled by its path; '-' is stdin) or a JSON Lines or CSV file of
    many (labelled by their ids).

    A bad record stops the command (InputError), or with ``skip_bad`` is reported on stderr
    and skipped; an empty file, a folder and a PDF are refused with what to do instead.
    """
    for path in paths:
        source = inputs.open_input(
            path,
            encoding=encoding,
            input_format=input_format,
            text_column=text_column,
            stdin_format="txt",
            other_format="txt",
            extra_fields=extra_fields,
        )
        if source.kind == "dir":
            raise InputError(
                f"a folder, and geomap {command} reads article files; for a "
                f"folder of articles use geomap batch {path} -o OUTDIR",
                path=path,
            )
        empty = True
        for item in source.items():
            empty = False
            if isinstance(item, BadRecord):
                if not (skip_bad and source.many):
                    raise InputError(item.reason, path=item.source, line=item.line)
                click.echo(f"Skipped {item}", err=True)
            elif source.many:
                yield item.id, item
            else:
                yield path, _one_article(item)
        if empty:
            raise InputError(_nothing_in(source), path=source.name)


def _one_article(article: Article) -> Article:
    """A file's article, refused when it holds no text, titled by its first line."""
    if not article.text.strip():
        problem = "the file is empty" if not article.text else "only whitespace"
        raise InputError(f"no text ({problem})", path=article.source)
    first = re.search(r"\S", article.text).start()  # type: ignore[union-attr]
    title = article.text[first : first + 1000].splitlines()[0].strip()
    return replace(article, title=title[:200])


def _nothing_in(source: inputs.Source) -> str:
    """Why a JSON Lines or CSV input gave no record at all."""
    if source.path is not None and source.path.stat().st_size == 0:
        return "no text (the file is empty)"
    return (
        "no articles (only a header row)" if source.kind == "csv" else "no text (only whitespace)"
    )


def parse_articles(
    paths: Iterable[str], *, command: str, gazetteer: gaz.Gazetteer, **reading: Any
) -> Iterator[tuple[str, Document]]:
    """(label, parsed and checked document) of every article of ``paths`` (``reading``: the
    options of :func:`read_articles`)."""
    from geomap.parse import parse

    for label, article in read_articles(paths, command=command, **reading):
        yield (
            label,
            parse(
                article.text,
                title=article.title,
                url=article.url,
                id=article.id,
                format=article.format,
                gazetteer=gazetteer,
            ),
        )


class MentionWriter:
    """Prints the mentions of one article after another in an ``extract`` format (see
    :mod:`geomap.schema` for the rows): JSON (an object per article, with the places it
    locates but the gazetteer lacks), JSON Lines and CSV (a row per mention), GeoJSON (one
    FeatureCollection of every resolved place mention and located place) or a table (headed
    by the article when there may be several)."""

    def __init__(self, fmt: str, *, explain: bool, headed: bool):
        self.fmt, self.explain, self.headed = fmt, explain, headed
        self.features: list[dict[str, Any]] = []
        self.articles = 0
        self.csv: csv.DictWriter[str] | None = None

    def _csv(self) -> csv.DictWriter[str]:
        """The CSV writer, made (and the header written) once there is something to say."""
        if self.csv is None:
            columns = [c for c in schema.MENTION_COLUMNS if self.explain or c != "reason"]
            self.csv = csv.DictWriter(sys.stdout, columns, lineterminator="\n")
            self.csv.writeheader()
        return self.csv

    def write(self, label: str, doc: Document) -> None:
        explain = self.explain
        if self.fmt == "json":
            rows = [schema.mention_row(label, m, explain=explain) for m in doc.mentions]
            places = [{**schema.location_row(doc, loc), "article": label} for loc in doc.locations]
            click.echo(
                json.dumps(
                    {"article": label, "mentions": rows, "locations": places},
                    ensure_ascii=False,
                    indent=1,
                )
            )
        elif self.fmt == "jsonl":
            for m in doc.mentions:
                click.echo(export.dumps(schema.mention_row(label, m, explain=explain)))
        elif self.fmt == "csv":
            self._csv().writerows(
                schema.flat_mention(label, m, explain=explain) for m in doc.mentions
            )
        elif self.fmt == "geojson":
            for m in doc.mentions:
                if m.place is None or m.kind != "place":
                    continue
                row = schema.flat_mention(label, m, explain=explain)
                self.features.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                        "properties": row,
                    }
                )
            # Places the article locates but the gazetteer lacks, as points of their own.
            self.features += [
                schema.location_feature({**schema.location_row(doc, loc), "article": label})
                for loc in doc.locations
            ]
        else:
            self._table(label, doc)
        self.articles += 1

    def _table(self, label: str, doc: Document) -> None:
        if self.headed:  # as head(1) heads the files it prints
            if self.articles:
                click.echo()
            click.echo(f"==> {label} <==")
        for m in doc.mentions:
            row = schema.mention_row(label, m)
            p = row["place"]
            where = (
                f"{p['name']} ({p['kind']}, {p['country']}) {p['lat']:.4f},{p['lon']:.4f}"
                if p
                else "-"
            )
            doubt = " ?" if p is not None and not m.confident else ""
            click.echo(
                f"{row['start']:>6}-{row['end']:<6} {row['kind']:<8} {row['text']:<24} "
                f"{where}  {row['confidence'] or 0:.2f}{doubt}"
            )
            if self.explain and m.reason:
                click.echo(f"{'':14}{m.reason}")

    def close(self) -> None:
        if self.fmt == "csv":
            self._csv()
        elif self.fmt == "geojson":
            click.echo(
                json.dumps(
                    {"type": "FeatureCollection", "features": self.features}, ensure_ascii=False
                )
            )


@main.command("extract")
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json", "jsonl", "csv", "geojson"]),
    help="Output format (GeoJSON: RFC 7946, lon/lat order).",
)
@click.option("--explain", is_flag=True, help="Say why each place was chosen.")
@encoding_option
@text_column_option
@skip_bad_option
@gazetteer_option
@user_errors
def extract_command(articles, fmt, explain, encoding, text_column, skip_bad, gazetteer_files):
    """List the places that ARTICLE files mention ('-' reads stdin; .jsonl and .csv hold
    one article a line, labelled by its id; .html and .md are read as markup)."""
    gazetteer = open_gazetteer(gazetteer_files)
    many = len(articles) > 1 or inputs.SUFFIXES.get(Path(articles[0]).suffix.lower()) in (
        "jsonl",
        "csv",
    )
    writer = MentionWriter(fmt, explain=explain, headed=many)
    for label, doc in parse_articles(
        articles,
        command="extract",
        gazetteer=gazetteer,
        encoding=encoding,
        text_column=text_column,
        skip_bad=skip_bad,
    ):
        writer.write(label, doc)
    writer.close()


@main.command("evaluate")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--gold-spans", is_flag=True, help="Resolve the gold spans only (no recognition scores)."
)
@skip_bad_option
@click.option(
    "--half",
    type=click.Choice(["dev", "held-out"]),
    default=None,
    help="Score only the articles whose crc32(id) is even (dev) or odd (held-out).",
)
@gazetteer_option
@user_errors
def evaluate_command(corpus, gold_spans, skip_bad, half, gazetteer_files):
    """Score recognition and resolution against a gold CORPUS.jsonl, overall and by the
    feature type of the gold."""
    from geomap.evaluate import evaluate, format_scores
    from geomap.evaluate import half as half_of

    gazetteer = open_gazetteer(gazetteer_files)
    articles = read_articles(
        [corpus],
        command="evaluate",
        skip_bad=skip_bad,
        input_format="jsonl",
        extra_fields=("toponyms", "unresolved"),
    )
    gold = ({"text": article.text, "id": article.id, **article.extra} for _, article in articles)
    if half:
        gold = (g for g in gold if half_of(str(g.get("id", ""))) == half)
    click.echo(format_scores(evaluate(gold, gazetteer=gazetteer, gold_spans=gold_spans)))


@main.command("evaluate-claims")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--failures",
    type=click.Choice(["tune", "measure", "all"]),
    default=None,
    help="Also list the statements missed and the wrong ones, of this part.",
)
@click.option(
    "--per-record",
    is_flag=True,
    help="Also list, for each record with statements, how many were found.",
)
@gazetteer_option
@user_errors
def evaluate_claims_command(files, failures, per_record, gazetteer_files):
    """Score the location-statement finder against annotated real text (FILES in the
    format of eval/claims/README.md): recall per kind, precision, statements on passages
    that make none; for the tuning part (crc32(site) even), the measuring part and all."""
    from geomap import evaluate_claims as ev
    from geomap.parse import parse

    gazetteer = open_gazetteer(gazetteer_files)
    scores = ev.evaluate(files, parse=lambda text, **kw: parse(text, gazetteer=gazetteer, **kw))
    click.echo(ev.report(scores))
    if per_record:
        click.echo(f"{'record':36}{'statements':>11}{'found':>7}{'strict':>8}{'wrong':>7}")
        for rid, gold, found, strict, wrong in scores["all"].per_record:
            if gold:
                click.echo(f"{rid:36}{gold:>11}{found:>7}{strict:>8}{wrong:>7}")
    if failures:
        score = scores[failures]
        for miss in score.misses:
            gold = miss["gold"]
            click.echo(
                f"missed {miss['id']} ({miss['kind']}): {gold.get('subject')!r} <- "
                f"{gold.get('reference')!r} {gold.get('value')} {gold.get('unit')} "
                f"{gold.get('direction')}" + (" [found, other subject]" if miss["found"] else "")
            )
        for wrong in score.wrong:
            click.echo(f"wrong {wrong['id']}: {wrong['claim']}")


def _check_line(row: dict) -> str:
    subject = row["subject"] or "?"
    reference = row["reference"] or "?"
    if row["reference_kind"] in ("capital", "coreference") and row["reference_name"]:
        reference += f" ({row['reference_name']})"
    head = f'{row["document"]}: {subject} <- {reference}: "{row["claim"]}"\n    '
    if row["status"] != "judged":
        detail = row["explanation"]
        if (
            row["location"] is not None
            and row["status"] == "located"
            and row["location_uncertainty_km"]
        ):
            detail += (
                f"; location {row['location_lat']:.4f}, {row['location_lon']:.4f} "
                f"± {row['location_uncertainty_km']:g} km"
            )
        return head + detail
    stated = "-" if row["stated_km"] is None else f"{row['stated_km']} km"
    if row["stated_direction"]:
        stated += f" {row['stated_direction']}"
    computed = f"{row['computed_km']:.1f} km"
    if row["diff_pct"] is not None:
        computed += f" ({row['diff_pct']:+.0f}%)"
    computed += f", {row['computed_bearing']:.0f}° {row['computed_direction']}"
    verdicts = f"distance {row['distance'] or '-'}, direction {row['bearing'] or '-'}"
    fits = f"; fits: {row['fits']}" if row["fits"] else ""
    return f"{head}stated {stated}; computed {computed}; {verdicts}{fits}"


def _location_line(doc: Document, location) -> str:
    statements = len(location.checks)
    where = f"{location.lat:.4f}, {location.lon:.4f}" + (
        f" ± {location.uncertainty_km:.1f} km" if location.uncertainty_km else ""
    )
    line = (
        f"{doc.id}: location: {location.name}: {where} "
        f"({statements} statement{'s' if statements != 1 else ''})"
    )
    if location.contradiction:
        line += f"\n    {location.contradiction}"
    return line


@main.command("check")
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json", "csv"]),
    help="Output format.",
)
@click.option(
    "--fail-on-inconsistent",
    is_flag=True,
    help="Exit with status 1 when any claim is inconsistent.",
)
@click.option(
    "--suggest-rows",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the places the articles locate but the gazetteer lacks as gazetteer "
    "CSV rows to review (geomap gazetteer validate reads them; nothing is added).",
)
@encoding_option
@text_column_option
@skip_bad_option
@gazetteer_option
@user_errors
def check_command(
    articles,
    fmt,
    fail_on_inconsistent,
    suggest_rows,
    encoding,
    text_column,
    skip_bad,
    gazetteer_files,
):
    """Check the location statements ARTICLE files make: every distance, direction and
    coordinates the text states, judged when both ends are known places, located (an
    estimate with its uncertainty) when the gazetteer lacks the subject, or reported as
    unattached with the reason."""
    from geomap import claims

    docs = [
        doc
        for _, doc in parse_articles(
            articles,
            command="check",
            gazetteer=open_gazetteer(gazetteer_files),
            encoding=encoding,
            text_column=text_column,
            skip_bad=skip_bad,
        )
    ]
    rows = [schema.claim_row(doc, check) for doc in docs for check in doc.checks]
    if fmt == "json":
        locations = [schema.location_row(doc, loc) for doc in docs for loc in doc.locations]
        click.echo(
            json.dumps({"claims": rows, "locations": locations}, ensure_ascii=False, indent=1)
        )
    elif fmt == "csv" and rows:
        writer = csv.DictWriter(sys.stdout, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif fmt == "table":
        for row in rows:
            click.echo(_check_line(row))
        for doc in docs:
            for location in doc.locations:
                click.echo(_location_line(doc, location))
        if not rows:
            click.echo("No location statements found.")
    if suggest_rows is not None:
        places = [
            claims.suggested_place(doc, location)
            for doc in docs
            for location in doc.locations
            if location.kind == "estimate"
        ]
        count = gaz.write_places(suggest_rows, places)
        click.echo(
            f"Wrote {count} suggested row{'s' if count != 1 else ''} to {suggest_rows}", err=True
        )
    if fail_on_inconsistent and any(claims.is_inconsistent(c) for d in docs for c in d.checks):
        sys.exit(1)


@contextlib.contextmanager
def _one_shot() -> Iterator[None]:
    """Run a command that builds one page and ends the process with the cyclic garbage
    collector off: it would traverse again and again the objects folium, numpy and the
    page's rows keep alive to the end (and the command makes little cyclic garbage); at exit
    the collector leaves alone what the ending process frees at once (:func:`gc.freeze`).
    About 50 ms of a 700 ms map; peak memory unchanged."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@main.command("map")
@click.argument("articles", nargs=-1)
@click.option(
    "-o",
    "--output",
    default="output/map.html",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write.",
)
@click.option(
    "--tiles",
    default=None,
    help="Tile layer for online use: a name (OpenStreetMap, CartoDB positron, ...) "
    "or a URL template. Default: an offline vector basemap of country outlines.",
)
@click.option(
    "--assets",
    type=click.Choice(["inline", "copy"]),
    default="inline",
    show_default=True,
    help="Inline JS/CSS into the page, or copy them beside it.",
)
@encoding_option
@text_column_option
@skip_bad_option
@gazetteer_option
@user_errors
def map_command(articles, output, tiles, assets, encoding, text_column, skip_bad, gazetteer_files):
    """Map the places ARTICLE files mention, with their sentences and the distance checks
    drawn on it (no ARTICLE: the bundled example)."""
    with _one_shot():
        # folium brings numpy, whose OpenBLAS starts a pool of threads that spin for about
        # 100 ms of another core; geomap does no linear algebra: one thread (unless set).
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        from geomap import render
        from geomap.claims import is_inconsistent

        paths = articles or (str(gaz.example_path()),)
        # One page reads the index once: mapping it would only swell memory (see Gazetteer).
        gazetteer = open_gazetteer(gazetteer_files, mmap=False)
        docs = [
            doc
            for _, doc in parse_articles(
                paths,
                command="map",
                gazetteer=gazetteer,
                encoding=encoding,
                text_column=text_column,
                skip_bad=skip_bad,
            )
        ]
        built = render.build_map(
            docs, boundaries=gaz.boundaries(), gazetteer=gazetteer, tiles=tiles
        )
        path = render.save(built, output, inline=assets == "inline")
        places = {m.place.id for d in docs for m in d.places if m.place}
        mentions = sum(1 for d in docs for m in d.places if m.place)
        checks = [c for d in docs for c in d.checks]
        bad = sum(1 for c in checks if is_inconsistent(c))
        click.echo(
            f"Mapped {count(len(places), 'place')} ({count(mentions, 'mention')}) from "
            f"{count(len(docs), 'article')}, with {count(len(checks), 'distance claim')} "
            f"({bad} inconsistent): {path}"
        )


# --------------------------------------------------------------------------- batch


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60}:{rest % 60:02d}"


def progress_line(p: batch.Progress, *, width: int = 24) -> str:
    """One line of the progress bar: bar, articles done, articles/s, ETA."""
    rate = f"{p.rate:,.1f} articles/s"
    if p.total:
        filled = int(width * min(p.done, p.total) / p.total)
        eta = "--:--" if p.eta is None else _clock(p.eta)
        return (
            f"[{'#' * filled}{'.' * (width - filled)}] {p.done:,}/{p.total:,} articles  "
            f"{rate}  ETA {eta}"
        )
    return f"{p.done:,} articles  {rate}"


def index_line(share: float, *, width: int = 24) -> str:
    """One line of the gazetteer index build's progress bar."""
    filled = int(width * min(share, 1.0))
    return f"Compiling the gazetteer: [{'#' * filled}{'.' * (width - filled)}] {share:4.0%}"


class ProgressBar:
    """Redraws one line on a terminal at most ten times a second; silent when piped."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._last = 0.0
        self._width = 0
        self._started = 0.0

    def __call__(self, progress: batch.Progress) -> None:
        if self.enabled:
            self.draw(lambda: progress_line(progress), last=progress.done == progress.total)

    def index_build(self, share: float) -> None:
        """Progress of a gazetteer index build (``share`` done, 0 to 1), shown once the
        build has taken half a second: a small overlay's build leaves no line."""
        if not self.enabled:
            return
        now = time.monotonic()
        self._started = self._started or now
        if now - self._started >= 0.5 or (self._width and share >= 1):
            self.draw(lambda: index_line(share), last=share >= 1)

    def draw(self, line: Callable[[], str], *, last: bool = False) -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and not last:
            return
        self._last = now
        text = line()
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def finish(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\n")
            self.stream.flush()


@main.command("batch")
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for mentions.jsonl, places.geojson, claims.csv, errors.jsonl and "
    "map.html; rerunning into it resumes.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: worker processes on this machine; dask: a dask.distributed cluster.",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="Address of a running Dask scheduler (with --engine dask); without it "
    "geomap starts a local cluster.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Worker processes (default: this machine's cores).",
)
@click.option(
    "--input-format",
    type=click.Choice(inputs.INPUT_FORMATS),
    help="Format of INPUT when its name does not tell (stdin: jsonl).",
)
@text_column_option
@encoding_option
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    # batch.CHUNK_SIZE, written out: reading it would load geomap.batch for every command.
    help="Articles per unit of work (and of resumption); default 100.",
)
@click.option("--no-map", is_flag=True, help="Skip map.html.")
@gazetteer_option
@user_errors
def batch_command(
    input_path,
    outdir,
    engine,
    scheduler,
    workers,
    input_format,
    text_column,
    encoding,
    chunk_size,
    no_map,
    gazetteer_files,
):
    """Process a corpus: INPUT is a folder of .txt/.md/.html files, a JSON Lines file
    ({"id", "text", "title", "url", "date"} per line), a CSV file with a text column, or -
    for JSON Lines on stdin. Bad records and failing articles go to errors.jsonl."""
    from geomap import batch

    source = inputs.open_input(
        input_path, input_format=input_format, text_column=text_column, encoding=encoding
    )
    bar = ProgressBar()
    started = time.monotonic()
    with open_gazetteer(gazetteer_files) as gazetteer:
        runner = batch.make_engine(engine, workers=workers, scheduler=scheduler)
        try:
            summary = batch.run(
                source,
                outdir,
                gazetteer=gazetteer,
                engine=runner,
                chunk_size=batch.CHUNK_SIZE if chunk_size is None else chunk_size,
                on_progress=bar,
                map_file=not no_map,
            )
        except KeyboardInterrupt:
            bar.finish()
            click.echo(
                f"Interrupted: finished chunks are kept in {outdir}; run the same "
                "command again to resume.",
                err=True,
            )
            sys.exit(130)
        finally:
            runner.close()
    bar.finish()
    resumed = f" ({summary.skipped:,} resumed)" if summary.skipped else ""
    click.echo(
        f"{count(summary.articles, 'article')}{resumed} in "
        f"{time.monotonic() - started:.1f} s: {count(summary.mentions, 'mention')} of "
        f"{count(summary.places, 'place')}, {count(summary.claims, 'claim')}, "
        f"{count(summary.errors, 'error')}"
    )
    for path in summary.files:
        click.echo(f"  {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
