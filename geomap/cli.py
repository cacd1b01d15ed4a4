"""The ``geomap`` command line: parses options, calls one library function, prints."""

from __future__ import annotations

import csv
import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from geomap import batch as batch_mod
from geomap import gazetteer as gaz
from geomap.errors import GazetteerError, GeomapError, InputError
from geomap.records import Document, Mention
from geomap.text import decode


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
        except OSError as err:
            # Last resort for a system error no stage put in words (a full disk, a
            # vanished folder): still one line, never a traceback.
            where = f"{err.filename}: " if err.filename else ""
            raise UserError(f"{where}{err.strerror or err}") from None

    return wrapper


gazetteer_option = click.option(
    "--gazetteer", "gazetteer_files", multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Extra gazetteer CSV (repeatable); its rows add to or replace bundled ones by id. "
    f"Files listed in ${gaz.ENV_VAR} are read too.",
)


def open_gazetteer(files: tuple[Path, ...]) -> gaz.Gazetteer:
    """The gazetteer with the user's files; a bar on a terminal while an index is built."""
    bar = ProgressBar()
    try:
        return gaz.Gazetteer.open(files, progress=bar.index_build if bar.enabled else None)
    finally:
        bar.finish()


class Geomap(click.Group):
    """The command group; Ctrl-C ends any command with one line and exit code 130."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("Interrupted: files already on disk are as they were, or complete.",
                       err=True)
            ctx.exit(130)


@click.group(cls=Geomap, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--fuzzy", is_flag=True,
              help="When nothing matches exactly, show near spellings: with --country, those "
                   "the parser would consider (its notable places), fewest edits first; "
                   "without, transliteration variants anywhere.")
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
            found = [v for v in variants(g, name, [country], limit=limit * 4)
                     if not kinds or v.place.kind in kinds][:limit]
            places = [v.place for v in found]
            edits = {v.place.id: v.edits for v in found}
        elif not places and fuzzy:
            places = g.lookup(name, kinds=kinds or None, limit=limit, fuzzy=True)
    if as_json:
        click.echo(json.dumps([{**_place_dict(p), **({"edits": edits[p.id]} if edits else {})}
                               for p in places], ensure_ascii=False, indent=1))
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
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
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

_MARKUP = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def _mention_dict(m: Mention, *, explain: bool) -> dict:
    p = m.place
    out = {
        "start": m.start, "end": m.end, "text": m.text, "kind": m.kind,
        "name": p.name if p else None, "lat": p.lat if p else None,
        "lon": p.lon if p else None, "country": p.country if p else None,
        "place_id": p.id if p else None, "confidence": m.confidence,
        "confident": m.confident,
    }
    if m.type_word:
        out["type_word"] = m.type_word
    if m.part:
        out["part"] = m.part
    if explain:
        out["reason"] = m.reason
        out["candidates"] = [{"place_id": c.place.id, "name": c.place.name,
                              "country": c.place.country, "score": c.score}
                             for c in m.candidates]
    return out


def _read(path: str, encoding: str | None) -> str:
    if path == "-":
        text = decode(sys.stdin.buffer.read(), path="<stdin>", encoding=encoding)
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as err:
            raise InputError(f"cannot read file ({err.strerror})", path=path) from None
        text = decode(data, path=path, encoding=encoding)
    if not text.strip():
        raise InputError("no text (the file is empty)" if not text
                         else "no text (only whitespace)",
                         path="<stdin>" if path == "-" else path)
    return text


def _jsonl_articles(path: str, text: str, skip_bad: bool):
    # Records end at "\n" only: str.splitlines() would also split inside JSON strings that
    # hold U+2028, U+0085 or a form feed, which JSON allows unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise InputError("not a JSON object", path=path, line=number)
            if not isinstance(record.get("text"), str):
                raise InputError("no 'text' field", path=path, line=number)
        except json.JSONDecodeError as err:
            problem = InputError(f"not JSON ({err.msg})", path=path, line=number)
            if not skip_bad:
                raise problem from None
            click.echo(f"Skipped {problem}", err=True)
            continue
        except InputError as problem:
            if not skip_bad:
                raise
            click.echo(f"Skipped {problem}", err=True)
            continue
        yield record


def _emit(doc: Document, path: str, fmt: str, explain: bool, writer) -> None:
    mentions = [m for m in doc.mentions if fmt != "geojson" or (m.place and m.kind == "place")]
    if fmt == "json":
        click.echo(json.dumps({"article": path, "mentions": [
            _mention_dict(m, explain=explain) for m in mentions]}, ensure_ascii=False, indent=1))
    elif fmt == "jsonl":
        for m in mentions:
            click.echo(json.dumps({"article": path, **_mention_dict(m, explain=explain)},
                                  ensure_ascii=False))
    elif fmt == "csv":
        for m in mentions:
            writer.writerow({"article": path, **_mention_dict(m, explain=False)}
                            | ({"reason": m.reason} if explain else {}))
    elif fmt == "geojson":
        features = [{
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [m.place.lon, m.place.lat]},
            "properties": {"article": path, **_mention_dict(m, explain=explain)},
        } for m in mentions]
        click.echo(json.dumps({"type": "FeatureCollection", "features": features},
                              ensure_ascii=False))
    else:
        for m in mentions:
            p = m.place
            where = f"{p.name} ({p.kind}, {p.country}) {p.lat:.4f},{p.lon:.4f}" if p else "-"
            doubt = " ?" if p is not None and not m.confident else ""
            click.echo(f"{m.start:>6}-{m.end:<6} {m.kind:<8} {m.text:<24} {where}  "
                       f"{m.confidence:.2f}{doubt}")
            if explain and m.reason:
                click.echo(f"{'':14}{m.reason}")


@main.command("extract")
@click.argument("articles", nargs=-1, required=True)
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "jsonl", "csv", "geojson"]),
              help="Output format (GeoJSON: RFC 7946, lon/lat order).")
@click.option("--explain", is_flag=True, help="Say why each place was chosen.")
@click.option("--encoding", default=None, help="Text encoding of the input (default UTF-8).")
@click.option("--skip-bad", is_flag=True, help="Report and skip bad JSONL lines.")
@gazetteer_option
@user_errors
def extract_command(articles, fmt, explain, encoding, skip_bad, gazetteer_files):
    """List the places that ARTICLE files mention ('-' reads stdin; .jsonl holds one
    {"id", "text"} article per line; .html and .md are read as markup)."""
    from geomap.parse import parse

    gaz = open_gazetteer(gazetteer_files)
    csv_fields = ["article", "start", "end", "text", "kind", "name", "lat", "lon", "country",
                  "place_id", "confidence", "type_word"] + (["reason"] if explain else [])
    writer = None
    if fmt == "csv":
        out = click.get_text_stream("stdout")
        writer = csv.DictWriter(out, csv_fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
    for path in articles:
        text = _read(path, encoding)
        if path.endswith(".jsonl"):
            for record in _jsonl_articles(path, text, skip_bad):
                doc = parse(record["text"], title=record.get("title"), url=record.get("url"),
                            id=str(record.get("id", "")), gazetteer=gaz)
                click.echo(json.dumps({"id": record.get("id"), "mentions": [
                    _mention_dict(m, explain=explain) for m in doc.mentions]},
                    ensure_ascii=False))
            continue
        doc = parse(text, format=_MARKUP.get(Path(path).suffix.lower(), "plain"), gazetteer=gaz)
        _emit(doc, path, fmt, explain, writer)


@main.command("evaluate")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False))
@click.option("--gold-spans", is_flag=True,
              help="Resolve the gold spans only (no recognition scores).")
@click.option("--skip-bad", is_flag=True, help="Report and skip bad JSONL lines.")
@click.option("--half", type=click.Choice(["dev", "held-out"]), default=None,
              help="Score only the articles whose crc32(id) is even (dev) or odd (held-out).")
@gazetteer_option
@user_errors
def evaluate_command(corpus, gold_spans, skip_bad, half, gazetteer_files):
    """Score recognition and resolution against a gold CORPUS.jsonl, overall and by the
    feature type of the gold."""
    from geomap.evaluate import evaluate, format_scores
    from geomap.evaluate import half as half_of

    gaz = open_gazetteer(gazetteer_files)
    text = _read(corpus, None)
    articles = _jsonl_articles(corpus, text, skip_bad)
    if half:
        articles = (a for a in articles if half_of(str(a.get("id", ""))) == half)
    scores = evaluate(articles, gazetteer=gaz, gold_spans=gold_spans)
    click.echo(format_scores(scores))


@main.command("evaluate-claims")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--failures", type=click.Choice(["tune", "measure", "all"]), default=None,
              help="Also list the statements missed and the wrong ones, of this part.")
@click.option("--per-record", is_flag=True,
              help="Also list, for each record with statements, how many were found.")
@gazetteer_option
@user_errors
def evaluate_claims_command(files, failures, per_record, gazetteer_files):
    """Score the location-statement finder against annotated real text (FILES in the
    format of eval/claims/README.md): recall per kind, precision, statements on passages
    that make none; for the tuning part (crc32(site) even), the measuring part and all."""
    from geomap import evaluate_claims as ev
    from geomap.parse import parse

    gazetteer = open_gazetteer(gazetteer_files)
    scores = ev.evaluate(files, parse=lambda text, **kw: parse(text, gazetteer=gazetteer,
                                                                **kw))
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
            click.echo(f"missed {miss['id']} ({miss['kind']}): {gold.get('subject')!r} <- "
                       f"{gold.get('reference')!r} {gold.get('value')} {gold.get('unit')} "
                       f"{gold.get('direction')}" + (" [found, other subject]"
                                                     if miss["found"] else ""))
        for wrong in score.wrong:
            click.echo(f"wrong {wrong['id']}: {wrong['claim']}")


def _articles(paths, encoding: str | None, skip_bad: bool):
    """(label, record) of every article in paths: a .jsonl file holds one per line."""
    for path in paths:
        text = _read(path, encoding)
        if path.endswith(".jsonl"):
            for record in _jsonl_articles(path, text, skip_bad):
                yield path, record
            continue
        name = "stdin" if path == "-" else Path(path).name
        title = next((line.strip() for line in text.splitlines() if line.strip()), "")
        yield path, {"id": name, "text": text, "title": title[:200] or None,
                     "format": _MARKUP.get(Path(path).suffix.lower(), "plain")}


def _parse_articles(paths, encoding, skip_bad, gazetteer) -> list[Document]:
    from geomap.parse import parse

    return [
        parse(record["text"], title=record.get("title"), url=record.get("url"),
              id=str(record.get("id", "")), format=record.get("format", "plain"),
              gazetteer=gazetteer)
        for _, record in _articles(paths, encoding, skip_bad)
    ]


def _check_line(row: dict) -> str:
    subject = row["subject"] or "?"
    reference = row["reference"] or "?"
    if row["reference_kind"] in ("capital", "coreference") and row["reference_name"]:
        reference += f" ({row['reference_name']})"
    head = f"{row['document']}: {subject} <- {reference}: \"{row['claim']}\"\n    "
    if row["status"] != "judged":
        detail = row["explanation"]
        if row["location"] is not None and row["status"] == "located" and \
                row["location_uncertainty_km"]:
            detail += (f"; location {row['location_lat']:.4f}, {row['location_lon']:.4f} "
                       f"± {row['location_uncertainty_km']:g} km")
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
    where = (f"{location.lat:.4f}, {location.lon:.4f}" +
             (f" ± {location.uncertainty_km:.1f} km" if location.uncertainty_km else ""))
    line = (f"{doc.id}: location: {location.name}: {where} "
            f"({statements} statement{'s' if statements != 1 else ''})")
    if location.contradiction:
        line += f"\n    {location.contradiction}"
    return line


@main.command("check")
@click.argument("articles", nargs=-1, required=True)
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "csv"]), help="Output format.")
@click.option("--fail-on-inconsistent", is_flag=True,
              help="Exit with status 1 when any claim is inconsistent.")
@click.option("--suggest-rows", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the places the articles locate but the gazetteer lacks as gazetteer "
              "CSV rows to review (geomap gazetteer validate reads them; nothing is added).")
@click.option("--encoding", default=None, help="Text encoding of the input (default UTF-8).")
@click.option("--skip-bad", is_flag=True, help="Report and skip bad JSONL lines.")
@gazetteer_option
@user_errors
def check_command(articles, fmt, fail_on_inconsistent, suggest_rows, encoding, skip_bad,
                  gazetteer_files):
    """Check the location statements ARTICLE files make: every distance, direction and
    coordinates the text states, judged when both ends are known places, located (an
    estimate with its uncertainty) when the gazetteer lacks the subject, or reported as
    unattached with the reason."""
    from geomap import claims

    docs = _parse_articles(articles, encoding, skip_bad, open_gazetteer(gazetteer_files))
    rows = [claims.check_row(doc, check) for doc in docs for check in doc.checks]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv" and rows:
        writer = csv.DictWriter(click.get_text_stream("stdout"), list(rows[0]),
                                lineterminator="\n")
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
        places = [claims.suggested_place(doc, location) for doc in docs
                  for location in doc.locations if location.kind == "estimate"]
        count = gaz.write_places(suggest_rows, places)
        click.echo(f"Wrote {count} suggested row{'s' if count != 1 else ''} to {suggest_rows}",
                   err=True)
    if fail_on_inconsistent and any(claims.is_inconsistent(c) for d in docs for c in d.checks):
        sys.exit(1)


@main.command("map")
@click.argument("articles", nargs=-1)
@click.option("-o", "--output", default="output/map.html", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="HTML file to write.")
@click.option("--tiles", default=None,
              help="Tile layer for online use: a name (OpenStreetMap, CartoDB positron, ...) "
              "or a URL template. Default: an offline vector basemap of country outlines.")
@click.option("--assets", type=click.Choice(["inline", "copy"]), default="inline",
              show_default=True, help="Inline JS/CSS into the page, or copy them beside it.")
@click.option("--encoding", default=None, help="Text encoding of the input (default UTF-8).")
@click.option("--skip-bad", is_flag=True, help="Report and skip bad JSONL lines.")
@gazetteer_option
@user_errors
def map_command(articles, output, tiles, assets, encoding, skip_bad, gazetteer_files):
    """Map the places ARTICLE files mention, with their sentences and the distance checks
    drawn on it (no ARTICLE: the bundled example)."""
    from geomap import render

    paths = articles or (str(gaz.example_path()),)
    gazetteer = open_gazetteer(gazetteer_files)
    docs = _parse_articles(paths, encoding, skip_bad, gazetteer)
    built = render.build_map(docs, boundaries=gaz.boundaries(), gazetteer=gazetteer, tiles=tiles)
    path = render.save(built, output, inline=assets == "inline")
    places = {m.place.id for d in docs for m in d.places if m.place}
    mentions = sum(1 for d in docs for m in d.places if m.place)
    checks = [c for d in docs for c in d.checks]
    bad = sum(1 for c in checks if "inconsistent" in (c.distance, c.bearing))
    click.echo(f"Mapped {len(places)} places ({mentions} mentions) from {len(docs)} "
               f"article{'s' if len(docs) != 1 else ''}, with {len(checks)} distance "
               f"claim{'s' if len(checks) != 1 else ''} ({bad} inconsistent): {path}")


if __name__ == "__main__":  # pragma: no cover
    main()


# --------------------------------------------------------------------------- batch


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60}:{rest % 60:02d}"


def progress_line(p: batch_mod.Progress, *, width: int = 24) -> str:
    """One line of the progress bar: bar, articles done, articles/s, ETA."""
    rate = f"{p.rate:,.1f} articles/s"
    if p.total:
        filled = int(width * min(p.done, p.total) / p.total)
        eta = "--:--" if p.eta is None else _clock(p.eta)
        return (f"[{'#' * filled}{'.' * (width - filled)}] {p.done:,}/{p.total:,} articles  "
                f"{rate}  ETA {eta}")
    return f"{p.done:,} articles  {rate}"


def index_line(share: float, *, width: int = 24) -> str:
    """One line of the gazetteer index build's progress bar."""
    filled = int(width * min(share, 1.0))
    return f"Compiling the gazetteer: [{'#' * filled}{'.' * (width - filled)}] {share:4.0%}"


class ProgressBar:
    """Redraws one line on a terminal at most ten times a second; silent when piped."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._last = 0.0
        self._width = 0
        self._started = 0.0

    def __call__(self, progress: batch_mod.Progress) -> None:
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
@click.argument("input_path", metavar="INPUT",
                type=click.Path(allow_dash=True, path_type=Path))
@click.option("-o", "--output", "outdir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for mentions.jsonl, places.geojson, claims.csv, errors.jsonl and "
                   "map.html; rerunning into it resumes.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="local: worker processes on this machine; dask: a dask.distributed cluster.")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Address of a running Dask scheduler (with --engine dask); without it "
                   "geomap starts a local cluster.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Worker processes (default: this machine's cores).")
@click.option("--input-format", type=click.Choice(batch_mod.INPUT_FORMATS),
              help="Format of INPUT when its name does not tell (stdin: jsonl).")
@click.option("--text-column", default="text", show_default=True,
              help="The article text column of a CSV input.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=batch_mod.CHUNK_SIZE,
              show_default=True, help="Articles per unit of work (and of resumption).")
@click.option("--no-map", is_flag=True, help="Skip map.html.")
@gazetteer_option
@user_errors
def batch_command(input_path, outdir, engine, scheduler, workers, input_format, text_column,
          chunk_size, no_map, gazetteer_files):
    """Process a corpus: INPUT is a folder of .txt/.md/.html files, a JSON Lines file
    ({"id", "text", "title", "url", "date"} per line), a CSV file with a text column, or -
    for JSON Lines on stdin. Bad records and failing articles go to errors.jsonl."""
    source = batch_mod.open_input(input_path, input_format=input_format,
                                  text_column=text_column)
    bar = ProgressBar()
    started = time.monotonic()
    with open_gazetteer(gazetteer_files) as gazetteer:
        runner = batch_mod.make_engine(engine, workers=workers, scheduler=scheduler)
        try:
            summary = batch_mod.run(source, outdir, gazetteer=gazetteer, engine=runner,
                                    chunk_size=chunk_size, on_progress=bar,
                                    map_file=not no_map)
        except KeyboardInterrupt:
            bar.finish()
            click.echo(f"Interrupted: finished chunks are kept in {outdir}; run the same "
                       "command again to resume.", err=True)
            sys.exit(130)
        finally:
            runner.close()
    bar.finish()
    resumed = f" ({summary.skipped:,} resumed)" if summary.skipped else ""
    click.echo(f"{summary.articles:,} articles{resumed} in {time.monotonic() - started:.1f} s: "
               f"{summary.mentions:,} mentions of {summary.places:,} places, "
               f"{summary.claims:,} claims, {summary.errors:,} errors")
    for path in summary.files:
        click.echo(f"  {path}")
