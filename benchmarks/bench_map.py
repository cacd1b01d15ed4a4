"""Benchmark the map stage: 10,000 places from 1,000 articles, on both maps.

For the article map (``geomap map``: ``render.build_map`` with the bundled gazetteer's names
on the basemap) and the corpus map (``geomap batch``'s map.html: ``build_corpus_map`` of the
same articles' tally, dated), prints for each run and as the median of the runs: the time to
build and write the page, its size, and the time until the first marker shows in headless
Chromium (network off). Targets (issues 5 and 14): write <= 5 s, file <= 15 MB, first
marker <= 3 s.

    python benchmarks/bench_map.py [--articles 1000] [--places-per-article 10] [--runs 3]
        [--maps article,corpus] [--no-labels] [--plain] [--no-browser]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geomap import claims, render
from geomap.corpus_map import build_corpus_map
from geomap.export import Tally, article_rows
from geomap.gazetteer import Gazetteer, boundaries
from geomap.records import Claim, Document, Mention, Party, Place, Sentence

KINDS = ("city", "city", "city", "admin1", "border_crossing", "country")
# fmt: off
WORDS = ("officials", "said", "the", "convoy", "reached", "outskirts", "before", "dawn", "and",
         "road", "was", "reopened", "after", "a", "long", "night", "of", "talks", "between",
         "local", "council", "army")
# fmt: on


def synthetic_documents(articles: int, per_article: int, seed: int = 5) -> list[Document]:
    """``articles`` articles of ``per_article`` sentences, each naming one new place."""
    rng = random.Random(seed)
    docs = []
    for a in range(articles):
        text, sentences, mentions = "", [], []
        places = []
        for s in range(per_article):
            place = Place(
                id=f"bench:{a}:{s}",
                name=f"Place {a}-{s}",
                lat=rng.uniform(-60, 70),
                lon=rng.uniform(-180, 180),
                kind=rng.choice(KINDS),
                country="XX",
                admin1="Region",
                source="benchmark",
            )
            places.append(place)
            before = " ".join(rng.choices(WORDS, k=rng.randint(6, 14)))
            after = " ".join(rng.choices(WORDS, k=rng.randint(6, 14)))
            start = len(text)
            sentence = f"{before.capitalize()} near {place.name} where {after}. "
            m_start = start + len(before) + len(" near ")
            mentions.append(
                Mention(
                    m_start,
                    m_start + len(place.name),
                    place.name,
                    s,
                    place=place,
                    confidence=rng.random(),
                )
            )
            sentences.append(Sentence(s, start, start + len(sentence) - 1))
            text += sentence
        ends = [
            Party(m.text, m.start, m.end, "place", mention=i) for i, m in enumerate(mentions[:2])
        ]
        claim = Claim(
            subject=ends[1],
            reference=ends[0],
            sentence=1,
            start=sentences[1].start,
            end=sentences[1].end,
            text="some 120 kilometres north",
            low_km=120,
            high_km=120,
            unit="km",
            direction=rng.choice(("N", "WSW", None)),
        )
        # Judged as the checker does: the check carries its window, which the map draws.
        check = claims.judge(claim, places[1], places[0])
        docs.append(
            Document(
                text=text,
                sentences=tuple(sentences),
                mentions=tuple(mentions),
                title=f"Article {a}",
                url=f"https://example.org/{a}",
                id=str(a),
                checks=(check,),
            )
        )
    return docs


def first_marker_seconds(path: Path) -> float:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as profile:
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1400,900",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(arg)
        driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        try:
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*"]})
            driver.get("about:blank")
            start = time.perf_counter()
            driver.get(path.as_uri())
            while time.perf_counter() - start < 30:
                if driver.execute_script("""
                    return [...document.querySelectorAll('.leaflet-marker-icon')].some((e) => {
                      const r = e.getBoundingClientRect();
                      return r.width > 0 && r.right > 0 && r.bottom > 0
                        && r.left < innerWidth && r.top < innerHeight;
                    });"""):
                    return time.perf_counter() - start
                time.sleep(0.02)
            raise RuntimeError("no marker became visible within 30 s")
        finally:
            driver.quit()


def build(kind: str, docs: list[Document], gazetteer: Gazetteer | None, outlines: dict):
    """The page ``kind`` ("article" or "corpus") of ``docs``, as the command builds it."""
    if kind == "article":
        return render.build_map(docs, boundaries=outlines, gazetteer=gazetteer)
    tally = Tally()
    for i, doc in enumerate(docs):
        tally.add(article_rows(doc, date=f"2017-{1 + i % 12:02d}-{1 + i % 28:02d}"))
    return build_corpus_map(tally, boundaries=outlines, gazetteer=gazetteer, title="bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--places-per-article", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--maps", default="article,corpus")
    parser.add_argument("--no-labels", action="store_true", help="No gazetteer names.")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="No names and no country outlines (as this benchmark was run "
        "before the basemap had them).",
    )
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    docs = synthetic_documents(args.articles, args.places_per_article)
    places = sum(len(d.mentions) for d in docs)
    outlines = {} if args.plain else boundaries()
    gazetteer = None if args.no_labels or args.plain else Gazetteer.open()
    print(
        f"{places:,} places from {len(docs):,} articles, {args.runs} runs, "
        f"{'no names' if gazetteer is None else 'basemap names'}, "
        f"{'no outlines' if args.plain else 'country outlines'}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.maps.split(","):
            writes, sizes, firsts = [], [], []
            for run in range(args.runs):
                path = Path(tmp) / f"bench-{kind}-{run}.html"
                start = time.perf_counter()
                render.save(build(kind, docs, gazetteer, outlines), path)
                writes.append(time.perf_counter() - start)
                sizes.append(path.stat().st_size / 1e6)
                line = (
                    f"{kind} map, run {run + 1}: write {writes[-1]:.2f} s, file {sizes[-1]:.1f} MB"
                )
                if not args.no_browser:
                    firsts.append(first_marker_seconds(path))
                    line += f", first marker {firsts[-1]:.2f} s"
                print(line, flush=True)
            print(
                f"{kind} map median: write {statistics.median(writes):.2f} s (target <= 5), "
                f"file {statistics.median(sizes):.1f} MB (target <= 15)"
                + (
                    f", first marker {statistics.median(firsts):.2f} s (target <= 3)"
                    if firsts
                    else ""
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
