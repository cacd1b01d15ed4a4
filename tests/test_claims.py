"""Stated distances and directions: parsing, judging, explaining, helping resolution."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import pytest

from geomap import claims, geometry, schema, statements
from geomap.records import Claim, Document, Mention, Party, Place, Sentence

# --------------------------------------------------------------------------- documents

_MARK = re.compile(r"\[([^\]]+)\]|\{([^}]+)\}")


def marked_doc(marked: str) -> Document:
    """A Document from text with places in [brackets] and demonyms in {braces}.

    Stands in for ``geomap.parse`` until the extractor exists: sentences split after
    ``.!?`` and at blank lines.
    """
    text, mentions, pos = "", [], 0
    for m in _MARK.finditer(marked):
        text += marked[pos : m.start()]
        name = m[1] or m[2]
        mentions.append((len(text), len(text) + len(name), name, "place" if m[1] else "demonym"))
        text += name
        pos = m.end()
    text += marked[pos:]
    return document(text, mentions)


def document(text: str, spans) -> Document:
    """A Document with the given (start, end, text, kind) mentions and trivial sentences."""
    sentences, start = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+|\n\s*\n", text):
        sentences.append(Sentence(len(sentences), start, m.start()))
        start = m.end()
    if start < len(text):
        sentences.append(Sentence(len(sentences), start, len(text)))
    index = lambda pos: next(s.index for s in sentences if s.start <= pos < s.end)  # noqa: E731
    mentions = tuple(Mention(s, e, t, index(s), kind=k) for s, e, t, k in spans)
    return Document(text=text, sentences=tuple(sentences), mentions=mentions)


# --------------------------------------------------------------------------- parse table

# (subject, reference, low, high, unit code, direction, hedge); low/high in the stated unit,
# high None for a single value, low None for a direction alone.
CLAIM_CASES = [
    (
        "[Tikrit], 150 km (95 miles) north of [Baghdad], was retaken in 2015.",
        [("Tikrit", "Baghdad", 150, None, "km", "N", None)],
        "comma-apposition-conversion",
    ),
    (
        "[Aswan] lies some 120 miles southeast of [Luxor] along the Nile.",
        [("Aswan", "Luxor", 120, None, "mi", "SE", "some")],
        "lies-some-miles",
    ),
    (
        "Protesters gathered in [Bingen], about 10km outside [Mainz].",
        [("Bingen", "Mainz", 10, None, "km", None, "about")],
        "outside-attached-unit",
    ),
    (
        "Aid arrived in [Kasese], a town 15 kilometres east of the capital, [Kampala].",
        [("Kasese", "Kampala", 15, None, "km", "E", None)],
        "a-town-east-of-the-capital",
    ),
    (
        "300 km from [Lagos], [Ibadan] has grown quickly.",
        [("Ibadan", "Lagos", 300, None, "km", None, None)],
        "front-subject-after",
    ),
    (
        "[Gdansk] and [Gdynia], 30 km apart, share an airport.",
        [("Gdansk", "Gdynia", 30, None, "km", None, None)],
        "apart-comma",
    ),
    (
        "Located three kilometers from [Rafah] and 35 kilometers south of [Gaza City], the "
        "[Kerem Shalom] crossing reopened.",
        [
            ("Kerem Shalom", "Rafah", 3, None, "km", None, None),
            ("Kerem Shalom", "Gaza City", 35, None, "km", "S", None),
        ],
        "located-chain-subject-after",
    ),
    (
        "[Perth] is 2,700 km from [Adelaide].",
        [("Perth", "Adelaide", 2700, None, "km", None, None)],
        "thousands-comma",
    ),
    (
        "[Sark] lies 6 nautical miles east of [Guernsey].",
        [("Sark", "Guernsey", 6, None, "nmi", "E", None)],
        "nautical-miles",
    ),
    (
        "[Versailles], 300km from [Lille], hosted the summit.",
        [("Versailles", "Lille", 300, None, "km", None, None)],
        "300km",
    ),
    (
        "Rescuers reached [Pokhara], two hundred kilometres west of [Kathmandu].",
        [("Pokhara", "Kathmandu", 200, None, "km", "W", None)],
        "two-hundred",
    ),
    (
        "[Dahab] sits eighty kilometres north-northeast of [Sharm el-Sheikh].",
        [("Dahab", "Sharm el-Sheikh", 80, None, "km", "NNE", None)],
        "eighty-nne",
    ),
    (
        "The hotel in [Slough] is two and a half miles from [Windsor].",
        [("Slough", "Windsor", 2.5, None, "mi", None, None)],
        "two-and-a-half",
    ),
    (
        "[Kinsale], a dozen miles south of [Cork], fills up in summer.",
        [("Kinsale", "Cork", 12, None, "mi", "S", None)],
        "a-dozen",
    ),
    (
        "The inn at [Grasmere] is a mile from [Rydal].",
        [("Grasmere", "Rydal", 1, None, "mi", None, None)],
        "a-mile",
    ),
    (
        "[Hebron] is 10-15 km south of [Bethlehem], residents say.",
        [("Hebron", "Bethlehem", 10, 15, "km", "S", None)],
        "range-hyphen",
    ),
    (
        "[Kass] lies 80 to 90 kilometres north-west of [Nyala].",
        [("Kass", "Nyala", 80, 90, "km", "NW", None)],
        "range-to",
    ),
    (
        "[Ramallah], roughly 15 km north of [Jerusalem], hosts the ministries.",
        [("Ramallah", "Jerusalem", 15, None, "km", "N", "roughly")],
        "roughly",
    ),
    (
        "[Mosul] is nearly 400 km north-west of [Baghdad].",
        [("Mosul", "Baghdad", 400, None, "km", "NW", "nearly")],
        "nearly",
    ),
    (
        "[Kandahar] lies more than 450 km south-west of [Kabul].",
        [("Kandahar", "Kabul", 450, None, "km", "SW", "more than")],
        "more-than",
    ),
    (
        "[Lamu] is less than 5 km from [Shela].",
        [("Lamu", "Shela", 5, None, "km", None, "less than")],
        "less-than",
    ),
    (
        "[Hilo] is at least 60 miles from [Kona].",
        [("Hilo", "Kona", 60, None, "mi", None, "at least")],
        "at-least",
    ),
    (
        "Shells fell on [Avdiivka], up to 20 km from [Donetsk].",
        [("Avdiivka", "Donetsk", 20, None, "km", None, "up to")],
        "up-to",
    ),
    (
        "[Nablus] lies 50 kms north of [Jerusalem].",
        [("Nablus", "Jerusalem", 50, None, "km", "N", None)],
        "kms",
    ),
    (
        "The monastery of [Ostrog] sits 800 metres from [Bogetici].",
        [("Ostrog", "Bogetici", 800, None, "m", None, None)],
        "metres",
    ),
    (
        "[Cerro Azul] is 600 meters south of [La Cumbre].",
        [("Cerro Azul", "La Cumbre", 600, None, "m", "S", None)],
        "meters",
    ),
    ("[Zermatt] lies 9 mi from [Tasch].", [("Zermatt", "Tasch", 9, None, "mi", None, None)], "mi"),
    (
        "The lighthouse at [Fanad] is 300 feet from [Ballyhiernan].",
        [("Fanad", "Ballyhiernan", 300, None, "ft", None, None)],
        "feet",
    ),
    (
        "[Bilhorod] lies 40 km SW of [Odesa].",
        [("Bilhorod", "Odesa", 40, None, "km", "SW", None)],
        "abbrev-sw",
    ),
    (
        "[Lourdes] sits 20 km WSW of [Tarbes].",
        [("Lourdes", "Tarbes", 20, None, "km", "WSW", None)],
        "abbrev-wsw",
    ),
    (
        "[Wuhan] lies about 1,050 kilometres south of [Beijing].",
        [("Wuhan", "Beijing", 1050, None, "km", "S", "about")],
        "about-thousands",
    ),
    (
        "[Homs], 160 kilometers north of [Damascus], was shelled.",
        [("Homs", "Damascus", 160, None, "km", "N", None)],
        "kilometers",
    ),
    (
        "[Idlib] is 60 km to the south-west of [Aleppo].",
        [("Idlib", "Aleppo", 60, None, "km", "SW", None)],
        "to-the-sw-of",
    ),
    (
        "[Daraa] lies roughly 100 km due south of [Damascus].",
        [("Daraa", "Damascus", 100, None, "km", "S", "roughly")],
        "due-south",
    ),
    (
        "[Qusayr] is 35 km away from [Homs].",
        [("Qusayr", "Homs", 35, None, "km", None, None)],
        "away-from",
    ),
    (
        "[Bakhmut], about 90 km north of [Donetsk], held out for months.",
        [("Bakhmut", "Donetsk", 90, None, "km", "N", "about")],
        "about-north",
    ),
    (
        "[Jenin] is within 10 km of [Arraba].",
        [("Jenin", "Arraba", 10, None, "km", None, "within")],
        "within-of",
    ),
    (
        "Just 5 km from [Calais], [Coquelles] hosts the tunnel terminal.",
        [("Coquelles", "Calais", 5, None, "km", None, None)],
        "just-front",
    ),
    (
        "Some 20 miles north of [Aberdeen], [Ellon] is quiet.",
        [("Ellon", "Aberdeen", 20, None, "mi", "N", "some")],
        "some-front",
    ),
    (
        "About 40 kilometres west of [Tunis] lies [Tebourba].",
        [("Tebourba", "Tunis", 40, None, "km", "W", "about")],
        "inverted-lies",
    ),
    (
        "[Gao] and [Timbuktu] are some 320 km apart.",
        [("Gao", "Timbuktu", 320, None, "km", None, "some")],
        "apart-are-some",
    ),
    (
        "[Tyre] and [Sidon], which are 40 km apart, both lost power.",
        [("Tyre", "Sidon", 40, None, "km", None, None)],
        "apart-which-are",
    ),
    (
        "[Nazareth] is 25 km from [Haifa] and 40 km from [Tiberias].",
        [
            ("Nazareth", "Haifa", 25, None, "km", None, None),
            ("Nazareth", "Tiberias", 40, None, "km", None, None),
        ],
        "chain-after-subject",
    ),
    (
        "[Kirkuk], 240 km north of [Baghdad] and 150 km south-east of [Mosul], was tense.",
        [
            ("Kirkuk", "Baghdad", 240, None, "km", "N", None),
            ("Kirkuk", "Mosul", 150, None, "km", "SE", None),
        ],
        "chain-apposition",
    ),
    (
        "[Bordeaux] is roughly 580 km (360 miles) south-west of [Paris].",
        [("Bordeaux", "Paris", 580, None, "km", "SW", "roughly")],
        "roughly-conversion",
    ),
    (
        "[Hamilton] is 70 kilometres, or 43 miles, from [Toronto].",
        [("Hamilton", "Toronto", 70, None, "km", None, None)],
        "or-conversion",
    ),
    (
        "[Galle], 119 km south of the capital, [Colombo], was flooded.",
        [("Galle", "Colombo", 119, None, "km", "S", None)],
        "the-capital-comma",
    ),
    (
        "[Najaf] lies 160 km south of the {Iraqi} capital [Baghdad].",
        [("Najaf", "Baghdad", 160, None, "km", "S", None)],
        "demonym-capital",
    ),
    (
        "[Ghazni] is 150 km south-west of [Afghanistan]'s capital, [Kabul].",
        [("Ghazni", "Kabul", 150, None, "km", "SW", None)],
        "possessive-capital",
    ),
    (
        "[Irbil] lies 80 km east of the northern city of [Mosul].",
        [("Irbil", "Mosul", 80, None, "km", "E", None)],
        "the-northern-city-of",
    ),
    (
        "[Tobruk] is about 1,100 km east of [Tripoli].",
        [("Tobruk", "Tripoli", 1100, None, "km", "E", "about")],
        "about-east",
    ),
    (
        "[Ramadi], west of [Baghdad], was under curfew.",
        [("Ramadi", "Baghdad", None, None, "", "W", None)],
        "direction-only",
    ),
    (
        "[Sderot] lies just north-east of [Gaza City].",
        [("Sderot", "Gaza City", None, None, "", "NE", None)],
        "direction-only-just",
    ),
    (
        "[Fallujah] lies to the west of [Baghdad].",
        [("Fallujah", "Baghdad", None, None, "", "W", None)],
        "direction-only-to-the",
    ),
    (
        "[Maarat], between 25 and 30 km south of [Idlib], emptied.",
        [("Maarat", "Idlib", 25, 30, "km", "S", None)],
        "between-and",
    ),
    (
        "The jetty at [Portree] lies half a mile from [Penifiler].",
        [("Portree", "Penifiler", 0.5, None, "mi", None, None)],
        "half-a-mile",
    ),
    (
        "[Kobani] is a couple of kilometres from [Mursitpinar].",
        [("Kobani", "Mursitpinar", 2, None, "km", None, None)],
        "a-couple-of",
    ),
    (
        "[Bir Gandouz] is eighteen kilometres from [Guerguerat].",
        [("Bir Gandouz", "Guerguerat", 18, None, "km", None, None)],
        "eighteen",
    ),
    (
        "[Kiryat Shmona] is twenty-five kilometres north of [Safed].",
        [("Kiryat Shmona", "Safed", 25, None, "km", "N", None)],
        "twenty-five",
    ),
    (
        "[Caen] lies one hundred and twenty kilometres west of [Rouen].",
        [("Caen", "Rouen", 120, None, "km", "W", None)],
        "one-hundred-and-twenty",
    ),
    (
        "[Setif] sits approximately 300 km east of [Algiers].",
        [("Setif", "Algiers", 300, None, "km", "E", "approximately")],
        "approximately",
    ),
    (
        "[Kismayo] is over 500 km south-west of [Mogadishu].",
        [("Kismayo", "Mogadishu", 500, None, "km", "SW", "over")],
        "over",
    ),
    (
        "[Jowhar], 90km north of [Mogadishu], was cut off.",
        [("Jowhar", "Mogadishu", 90, None, "km", "N", None)],
        "90km-north",
    ),
    (
        "[Jinja] is 80 km by road from [Kampala].",
        [("Jinja", "Kampala", 80, None, "km", None, None)],
        "by-road",
    ),
    (
        "[Naivasha] is 90 kilometres northwest of [Nairobi].",
        [("Naivasha", "Nairobi", 90, None, "km", "NW", None)],
        "northwest-one-word",
    ),
    (
        "[Lampedusa] lies 113 km off the coast of [Tunisia].",
        [("Lampedusa", "Tunisia", 113, None, "km", None, None)],
        "off-the-coast-of",
    ),
    (
        "[Mariupol] is less than 50 miles from [Russia].",
        [("Mariupol", "Russia", 50, None, "mi", None, "less than")],
        "less-than-miles",
    ),
    (
        "[Enerhodar] sits west-southwest of [Zaporizhzhia].",
        [("Enerhodar", "Zaporizhzhia", None, None, "", "WSW", None)],
        "direction-only-16-point",
    ),
    (
        "Thirty kilometres from [Bruges], [Ostend] braced for the storm.",
        [("Ostend", "Bruges", 30, None, "km", None, None)],
        "word-front",
    ),
    (
        "[Dover] is 21 miles (34 km) from [Calais] across the strait.",
        [("Dover", "Calais", 21, None, "mi", None, None)],
        "miles-conversion-km",
    ),
    (
        "[Goma], which lies 3.5 km from [Gisenyi], saw fighting.",
        [("Goma", "Gisenyi", 3.5, None, "km", None, None)],
        "which-lies-decimal",
    ),
    (
        "[Bucha], located 25 km north-west of [Kyiv], was occupied.",
        [("Bucha", "Kyiv", 25, None, "km", "NW", None)],
        "located-apposition",
    ),
    # Written after the parser, as a held-out check (see the closing note of issue 4).
    (
        "The militants seized [Palmyra], some 215 km north-east of [Damascus], in May.",
        [("Palmyra", "Damascus", 215, None, "km", "NE", "some")],
        "held-seized-apposition",
    ),
    (
        "[Hodeidah] port, 150 kilometres west of [Sanaa], handles most imports.",
        [("Hodeidah", "Sanaa", 150, None, "km", "W", None)],
        "held-type-word-after-subject",
    ),
    (
        "Fighting was reported in [Marib], about 120 km east of the capital [Sanaa].",
        [("Marib", "Sanaa", 120, None, "km", "E", "about")],
        "held-the-capital-name",
    ),
    (
        "[Benghazi] and [Tripoli] are roughly 650 miles apart by road.",
        [("Benghazi", "Tripoli", 650, None, "mi", None, "roughly")],
        "held-apart-by-road",
    ),
    (
        "[Kherson] lies roughly 60 miles (100 km) west of [Nova Kakhovka].",
        [("Kherson", "Nova Kakhovka", 60, None, "mi", "W", "roughly")],
        "held-miles-conversion",
    ),
    (
        "Nearly 30 km south of [Mosul], the town of [Qayyarah] was retaken.",
        [("Qayyarah", "Mosul", 30, None, "km", "S", "nearly")],
        "held-front-the-town-of",
    ),
    (
        "The border post at [Torkham] is 5 km from [Landi Kotal].",
        [("Torkham", "Landi Kotal", 5, None, "km", None, None)],
        "held-post-at",
    ),
    (
        "[Sinjar], 120 km west of [Mosul], was freed in 2015.",
        [("Sinjar", "Mosul", 120, None, "km", "W", None)],
        "held-apposition",
    ),
    (
        "[Rafah] sits on the border, 30 km south-west of [Gaza City].",
        [("Rafah", "Gaza City", 30, None, "km", "SW", None)],
        "held-interposed-phrase",
    ),
    (
        "Boats left [Zuwara], a port 100 km west of [Tripoli], at dawn.",
        [("Zuwara", "Tripoli", 100, None, "km", "W", None)],
        "held-a-port",
    ),
    (
        "Residents of [Kramatorsk], 55 km north of [Donetsk], were told to leave.",
        [("Kramatorsk", "Donetsk", 55, None, "km", "N", None)],
        "held-residents-of",
    ),
    (
        "[Manbij] lies 30 kilometres west of the [Euphrates].",
        [("Manbij", "Euphrates", 30, None, "km", "W", None)],
        "held-the-river",
    ),
    (
        "[Mandalay] is some 700 km north of [Yangon] and 300 km north of [Naypyidaw].",
        [
            ("Mandalay", "Yangon", 700, None, "km", "N", "some"),
            ("Mandalay", "Naypyidaw", 300, None, "km", "N", None),
        ],
        "held-chain",
    ),
    (
        "[Ayacucho], 330 miles southeast of [Lima], voted heavily for him.",
        [("Ayacucho", "Lima", 330, None, "mi", "SE", None)],
        "held-miles-southeast",
    ),
    (
        "[Tal Afar], about 60 km (40 miles) west of [Mosul], is mostly Turkmen.",
        [("Tal Afar", "Mosul", 60, None, "km", "W", "about")],
        "held-about-conversion",
    ),
    (
        "Five kilometres north of [Bakhmut] lies the village of [Berkhivka].",
        [("Berkhivka", "Bakhmut", 5, None, "km", "N", None)],
        "held-inverted-village-of",
    ),
    (
        "Troops moved to [Ras al-Ain], 80 km east of [Tal Abyad].",
        [("Ras al-Ain", "Tal Abyad", 80, None, "km", "E", None)],
        "held-moved-to",
    ),
    (
        "[Cox's Bazar] is about 400 km south-east of [Dhaka].",
        [("Cox's Bazar", "Dhaka", 400, None, "km", "SE", "about")],
        "held-apostrophe-name",
    ),
    (
        "[New York City] to [Houston] is 1,600 miles, but that long distance must feel long.",
        [("New York City", "Houston", 1600, None, "mi", None, None)],
        "x-to-y-is",
    ),
    (
        "The distance between [Kabul] and [Kandahar] is about 480 km.",
        [("Kabul", "Kandahar", 480, None, "km", None, "about")],
        "distance-between-is",
    ),
    (
        "Only 20 miles separate [Dover] and [Calais].",
        [("Dover", "Calais", 20, None, "mi", None, None)],
        "separate",
    ),
    (
        "They covered the 300km between [Lagos] and [Ibadan] in a day.",
        [("Lagos", "Ibadan", 300, None, "km", None, None)],
        "the-n-km-between",
    ),
    (
        "[Beni] is 350 km north of [Goma], and [Butembo] is 55 km south of [Beni].",
        [
            ("Beni", "Goma", 350, None, "km", "N", None),
            ("Butembo", "Beni", 55, None, "km", "S", None),
        ],
        "held-two-subjects",
    ),
]

NON_CLAIM_CASES = [
    ("The earthquake near [Izmir] struck at a depth of 10 km.", "depth"),
    ("A 40-km convoy of trucks stretched from [Kyiv] towards [Zhytomyr].", "convoy-length"),
    ("Winds of 120 km per hour battered [Manila] overnight.", "speed-per-hour"),
    ("Fires burned 300 square kilometres of forest near [Valencia].", "area"),
    ("The new highway from [Nairobi] to [Mombasa] is 480 km long.", "road-length"),
    ("Refugees walked 30 km from the border to reach [Tirana].", "travelled"),
    ("Police set checkpoints every 5 km along the road out of [Quito].", "interval"),
    ("The plane cruised at 11,000 metres over [Greenland].", "altitude"),
    ("The wreck lies in waters 4,000 metres deep off [Crete].", "water-depth"),
    ("Runners covered 42 km through the streets of [Boston].", "race-length"),
    ("Visibility in [Delhi] fell below 200 metres on Monday.", "visibility"),
    ("The 25-mile pipeline from [Aberdeen] will be finished in May.", "pipeline-length"),
    ("Rain soaked northern [Kenya] and western [Uganda] this week.", "northern-western"),
    ("The tunnel under the Scheldt at [Antwerp] is 1.2 km long.", "tunnel-length"),
    ("Rescuers combed 5 square miles around [Galway].", "square-miles"),
    ("[Sweden] cut its speed limit to 80 km/h near [Malmo].", "km-per-h"),
    ("He drove 300km from [Madrid] in a single day.", "travelled-from"),
    ("He drove 300 km from [Madrid] to [Toledo] and back.", "route-from-to"),
    ("[Kabul] and [Kandahar] is a route of 480 km.", "and-without-between"),
    ("A 10-km exclusion zone surrounds [Chernobyl].", "zone-radius"),
    ("The river at [Mopti] rose 2 metres in a week.", "rise"),
    ("Its 1,500 km border with [Iran] is porous.", "border-length"),
    # Held-out (written after the parser).
    ("The 700-km trip from [Lagos] to [Abuja] takes a day.", "held-trip-length"),
    ("A flood 40 km long swept through [Derna].", "held-flood-length"),
    ("The quake's epicentre was 12 km below [Petrinja].", "held-depth-below"),
    ("Food prices in [Juba] rose 40 percent in the 12 months to May.", "held-percent"),
    ("Clashes erupted in the north of [Mali] on Monday.", "the-north-of"),
]

#: Statements whose ends are not both place mentions: still reported, never dropped.
#: (subject text, subject kind, reference text, reference kind, km, direction, status)
STATEMENT_CASES = [
    (
        "The epicentre was 25 km north of the coast, officials in [Lima] said.",
        ("The epicentre", "unnamed", "the coast", "description", 25.0, "N", "unattached"),
        "unnamed-to-the-coast",
    ),
    (
        "The storm was 200 miles off the coast of [Florida] on Tuesday.",
        ("The storm", "unnamed", "Florida", "place", 321.8688, None, "located"),
        "storm-off",
    ),
    (
        "The crash happened 3 miles from [Denver] airport.",
        ("The crash", "unnamed", "Denver", "place", 4.828032, None, "located"),
        "crash-happened",
    ),
    (
        "[Kasese] is 15 km from the capital.",
        ("Kasese", "place", "the capital", "capital", 15.0, None, "unattached"),
        "the-capital-without-a-country",
    ),
    (
        "The camp at [Dadaab], 100 km west of the {Somali} border, holds 200,000 people.",
        ("Dadaab", "place", "the Somali border", "border", 100.0, "W", "judged"),
        "a-border",
    ),
    (
        "Troops in [Kherson] were 5 km north of the river.",
        ("Kherson", "place", "the river", "description", 5.0, "N", "unattached"),
        "the-river",
    ),
    (
        "Qarawul lies about 180 km (110 miles) northeast of [Kunduz].",
        ("Qarawul", "name", "Kunduz", "place", 180.0, "NE", "located"),
        "unknown-name",
    ),
    (
        "In [Sindhupalchok] district, rescuers worked on. In the district, 60 km east of "
        "[Kathmandu], homes fell.",
        ("the district", "coreference", "Kathmandu", "place", 60.0, "E", "judged"),
        "coreference-the-district",
    ),
]


def _expected(rows):
    out = []
    for subject, reference, low, high, unit, direction, hedge in rows:
        factor = statements.UNIT_KM[unit] if unit else 1.0
        low_km = None if low is None else low * factor
        high_km = None if low is None else (high if high is not None else low) * factor
        out.append((subject, reference, low_km, high_km, unit, direction, hedge))
    return out


def _name(doc: Document, party: Party | None) -> str | None:
    if party is None:
        return None
    return doc.mentions[party.mention].text if party.kind == "place" else party.text


def _parsed(doc: Document) -> list[tuple]:
    out = []
    for c in statements.find_claims(doc):
        unit = statements.canonical_unit(c.unit) if c.unit else ""
        out.append(
            (
                _name(doc, c.subject),
                _name(doc, c.reference),
                c.low_km,
                c.high_km,
                unit,
                c.direction,
                c.hedge,
            )
        )
    return out


def _same(a: tuple, b: tuple) -> bool:
    return all(
        x == pytest.approx(y) if isinstance(x, float) and y is not None else x == y
        for x, y in zip(a, b)
    )


#: Cases the parser gets wrong, kept in the tables so that the figures stay honest.
KNOWN_MISSES = {
    "held-interposed-phrase": "a phrase with a preposition ('sits on the border,') between "
    "the subject and the statement",
}


@pytest.mark.parametrize(
    ("marked", "rows"),
    [
        pytest.param(
            m,
            r,
            id=i,
            marks=[pytest.mark.xfail(reason=KNOWN_MISSES[i], strict=True)]
            if i in KNOWN_MISSES
            else [],
        )
        for m, r, i in CLAIM_CASES
    ],
)
def test_claim_is_parsed(marked, rows):
    doc = marked_doc(marked)
    parsed = _parsed(doc)
    expected = _expected(rows)
    assert len(parsed) == len(expected), parsed
    for got, want in zip(parsed, expected):
        assert _same(got, want), (got, want)
    for claim in statements.find_claims(doc):
        assert claim.text == doc.text[claim.start : claim.end]
        assert claim.unit in claim.text
        assert doc.sentences[claim.sentence].start <= claim.start


@pytest.mark.parametrize(
    "marked", [m for m, _ in NON_CLAIM_CASES], ids=[i for _, i in NON_CLAIM_CASES]
)
def test_number_that_is_not_a_distance_between_places_gives_no_claim(marked):
    assert statements.find_claims(marked_doc(marked)) == ()


@pytest.mark.parametrize(
    ("marked", "want"),
    [(m, w) for m, w, _ in STATEMENT_CASES],
    ids=[i for _, _, i in STATEMENT_CASES],
)
def test_a_statement_whose_ends_are_not_both_places_is_reported(marked, want):
    doc = marked_doc(marked)
    mentions = tuple(
        replace(m, place=Place(m.text, m.text, 1.0 + i, 1.0, "city", "XX"))
        for i, m in enumerate(doc.mentions)
        if m.kind == "place"
    )
    doc = replace(doc, mentions=mentions + tuple(m for m in doc.mentions if m.kind != "place"))
    (check,) = claims.check_document(doc).checks
    claim = check.claim
    got = (
        claim.subject.text if claim.subject else None,
        claim.subject.kind if claim.subject else None,
        claim.reference.text if claim.reference else None,
        claim.reference.kind if claim.reference else None,
        claim.low_km,
        claim.direction,
        check.status,
    )
    assert got[:4] == want[:4] and got[5:] == want[5:]
    assert claim.low_km == pytest.approx(want[4])
    if check.status == "unattached":
        assert check.explanation.startswith("unattached: ")


def test_extraction_precision_and_recall_over_the_tables():
    true_positive = predicted = expected_total = 0
    for marked, rows, _ in CLAIM_CASES:
        parsed, expected = _parsed(marked_doc(marked)), _expected(rows)
        predicted += len(parsed)
        expected_total += len(expected)
        true_positive += sum(any(_same(p, e) for p in parsed) for e in expected)
    for marked, _ in NON_CLAIM_CASES:
        predicted += len(_parsed(marked_doc(marked)))
    precision, recall = true_positive / predicted, true_positive / expected_total
    print(
        f"\nclaim extraction: {expected_total} claims in {len(CLAIM_CASES)} sentences, "
        f"{len(NON_CLAIM_CASES)} sentences without claims; predicted {predicted}, "
        f"correct {true_positive}; precision {precision:.3f}, recall {recall:.3f}"
    )
    assert expected_total >= 60 and len(NON_CLAIM_CASES) >= 20
    assert precision >= 0.95 and recall >= 0.95


# --------------------------------------------------------------------------- numbers, words


@pytest.mark.parametrize(
    ("text", "value", "step"),
    [
        ("410", 410, 10),
        ("400", 400, 100),
        ("2", 2, 1),
        ("3.5", 3.5, 0.1),
        ("1,200", 1200, 100),
        ("two", 2, 1),
        ("eighty", 80, 10),
        ("two and a half", 2.5, 0.5),
        ("a dozen", 12, 6),
        ("a", 1, 1),
        ("one hundred and twenty", 120, 10),
        ("twenty-five", 25, 1),
        ("half a", 0.5, 0.5),
        ("a couple of", 2, 2),
    ],
    ids=lambda v: str(v),
)
def test_parse_number(text, value, step):
    assert statements.parse_number(text) == (pytest.approx(value), pytest.approx(step))


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("north-west", "NW"),
        ("northwest", "NW"),
        ("NW", "NW"),
        ("north-northeast", "NNE"),
        ("west-southwest", "WSW"),
        ("South", "S"),
    ],
)
def test_direction_code(written, code):
    assert statements.direction_code(written) == code


def test_compass_and_degrees():
    assert geometry.compass(297) == "WNW"
    assert geometry.compass(271) == "W"
    assert geometry.compass(359) == "N"
    assert claims.direction_degrees("WNW") == 292.5


def test_unknown_unit_is_named():
    with pytest.raises(ValueError, match="'furlongs'"):
        statements.canonical_unit("furlongs")


# --------------------------------------------------------------------------- founding article

RAMADI = Place("ramadi", "Ramadi", 33.42056, 43.30778, "city", "IQ", population=274_539)
AL_QAIM = Place("al-qaim", "Al-Qaim", 34.39251, 40.98945, "city", "IQ", population=74_100)
HUSAYBAH = Place("husaybah", "Husaybah crossing", 34.3975, 40.977, "border_crossing", "IQ")
AL_WALID = Place("al-walid", "Al-Walid crossing", 33.4332, 38.9374, "border_crossing", "IQ")
RUTBA = Place("rutba", "Rutba", 33.0381, 40.2848, "city", "IQ", population=22_000)
RAWA = Place("rawa", "Rawa", 34.48229, 41.91898, "city", "IQ", population=20_000)
ABU_KAMAL = Place("abu-kamal", "Abu Kamal", 34.45226, 40.91854, "city", "SY", population=42_000)
TANF = Place("al-tanf", "Al-Tanf crossing", 33.5089, 38.6269, "border_crossing", "SY")
PLACES = (RAMADI, AL_QAIM, HUSAYBAH, AL_WALID, RUTBA, RAWA, ABU_KAMAL, TANF)
BY_GOLD_ID = {
    "ramadi": RAMADI,
    "al-qaim": AL_QAIM,
    "husaybah": HUSAYBAH,
    "al-walid": AL_WALID,
    "rawa": RAWA,
    "abu-kamal": ABU_KAMAL,
}


class ListGazetteer:
    """A gazetteer over a list, with the ``in_box`` of ``geomap.gazetteer.Gazetteer``."""

    def __init__(self, places):
        self.places = tuple(places)

    def in_box(self, south, west, north, east, *, kinds=None, min_population=0):
        for p in self.places:
            inside_lon = west <= p.lon <= east if west <= east else p.lon >= west or p.lon <= east
            if (
                south <= p.lat <= north
                and inside_lon
                and p.population >= min_population
                and (not kinds or p.kind in kinds)
            ):
                yield p


@pytest.fixture()
def founding_doc(gold, example_text) -> Document:
    spans = [(m["start"], m["end"], m["text"], "place") for m in gold["mentions"]]
    spans += [(m["start"], m["end"], m["text"], "demonym") for m in gold["demonyms"]]
    doc = document(example_text, sorted(spans))
    gold_place = {(m["start"], m["end"]): m["place"] for m in gold["mentions"]}
    mentions = tuple(
        replace(m, place=BY_GOLD_ID.get(gold_place.get((m.start, m.end), ""))) for m in doc.mentions
    )
    return replace(doc, mentions=mentions)


def test_founding_article_has_exactly_the_gold_claims(founding_doc, gold):
    found = statements.find_claims(founding_doc)
    assert len(found) == len(gold["claims"])
    gold_place = {(m["start"], m["end"]): m["place"] for m in gold["mentions"]}
    for claim, want in zip(found, gold["claims"]):
        subject, reference = (
            founding_doc.mentions[p.mention] for p in (claim.subject, claim.reference)
        )
        assert gold_place[(subject.start, subject.end)] == want["subject"]
        assert gold_place[(reference.start, reference.end)] == want["reference"]
        assert claim.low_km == claim.high_km == want["value"]
        assert statements.canonical_unit(claim.unit) == want["unit"]
        assert claim.direction == want["direction"]
        assert claim.text in want["text"]
        assert founding_doc.sentences[claim.sentence].start == want["sentence_start"]


def test_founding_article_verdicts(founding_doc, gold):
    doc = claims.check_document(founding_doc, ListGazetteer(PLACES))
    near, far = doc.checks
    assert near.distance == "consistent" and near.bearing is None
    assert near.computed_km == pytest.approx(gold["claims"][0]["computed_km"], abs=0.2)
    assert far.distance == "inconsistent"
    assert far.bearing == "consistent"
    assert far.computed_km == pytest.approx(241.3, abs=1)
    assert far.computed_bearing == pytest.approx(297, abs=1)
    assert geometry.compass(far.computed_bearing) == "WNW"
    assert far.fits[0] == AL_WALID
    assert "Al-Walid crossing (406 km, bearing 271° W)" in far.explanation


def test_two_kilometres_from_al_qaim_is_consistent():
    doc = marked_doc(
        "Located two kilometers from [Al-Qaim] city, the [Husaybah] crossing links the two towns."
    )
    (claim,) = statements.find_claims(doc)
    check = claims.judge(claim, HUSAYBAH, AL_QAIM)
    assert check.distance == "consistent"
    assert check.computed_km == pytest.approx(1.3, abs=0.1)


def test_410_km_west_of_ramadi_is_inconsistent_in_distance_only():
    doc = marked_doc(
        "The [Husaybah] crossing lies 410 kilometers west of provincial capital [Ramadi]."
    )
    (claim,) = statements.find_claims(doc)
    check = claims.judge(claim, HUSAYBAH, RAMADI)
    assert (check.distance, check.bearing) == ("inconsistent", "consistent")
    assert check.computed_km == pytest.approx(241.3, abs=0.5)
    assert round(check.computed_bearing) == 297
    low, high = check.tolerance_km
    assert low > check.computed_km * claims.ROAD_FACTOR and high < 450
    assert "-41%" in check.explanation and "WNW" in check.explanation


def test_fits_names_al_walid_and_the_target_point():
    doc = marked_doc("The [Husaybah] crossing lies 410 kilometers west of [Ramadi].")
    (claim,) = statements.find_claims(doc)
    assert claims.fits(claim, RAMADI, PLACES, subject=HUSAYBAH)[0] == AL_WALID
    lat, lon = claims.target_point(claim, RAMADI)
    assert lat == pytest.approx(33.2, abs=0.2) and lon == pytest.approx(38.9, abs=0.2)
    m = geometry.measure(RAMADI, AL_WALID)
    assert round(m.km) == 406 and round(m.bearing) == 271


def test_explain_prefers_the_same_kind_and_notable_places():
    doc = marked_doc("The [Husaybah] crossing lies 410 kilometers west of [Ramadi].")
    (claim,) = statements.find_claims(doc)
    hamlet = Place("hamlet", "Tiny hamlet", 33.40, 38.92, "city", "IQ", population=50)
    found = claims.explain(claim, RAMADI, ListGazetteer([hamlet, *PLACES]), subject=HUSAYBAH)
    assert found[0] == AL_WALID
    assert HUSAYBAH not in found and RAMADI not in found


# --------------------------------------------------------------------------- verdicts


def _claim(**fields) -> Claim:
    base = dict(
        subject=Party("x", 0, 1, "place", 0),
        reference=Party("y", 2, 3, "place", 1),
        sentence=0,
        start=0,
        end=0,
        text="",
    )
    return Claim(**{**base, **fields})


def _point(lat: float, lon: float, kind: str = "border_crossing", population: int = 0) -> Place:
    return Place(f"{lat},{lon}", "p", lat, lon, kind, population=population)


def test_unresolved_place_is_unverifiable_not_guessed():
    claim = _claim(text="50 km north of", low_km=50.0, high_km=50.0, unit="km", direction="N")
    check = claims.judge(claim, None, RAMADI)
    assert (check.distance, check.bearing) == ("unverifiable", "unverifiable")
    assert check.computed_km is None and "subject not placed" in check.explanation


def test_longer_stated_distance_within_road_circuity_is_road():
    reference = _point(0.0, 0.0)
    subject = _point(0.0, 0.9)  # about 100 km east
    claim = _claim(text="130 km from", low_km=130.0, high_km=130.0, unit="km")
    assert claims.judge(claim, subject, reference).distance == "road"
    claim = _claim(text="250 km from", low_km=250.0, high_km=250.0, unit="km")
    assert claims.judge(claim, subject, reference).distance == "inconsistent"


def test_shorter_stated_distance_is_never_a_road():
    claim = _claim(text="50 km from", low_km=50.0, high_km=50.0, unit="km")
    check = claims.judge(claim, _point(0.0, 0.9), _point(0.0, 0.0))
    assert check.distance == "inconsistent"


@pytest.mark.parametrize(
    ("text", "hedge", "value", "verdict"),
    [
        ("95 km from", None, 95.0, "inconsistent"),
        ("about 100 km from", "about", 100.0, "consistent"),
        ("more than 80 km from", "more than", 80.0, "consistent"),
        ("less than 80 km from", "less than", 80.0, "inconsistent"),
        ("nearly 120 km from", "nearly", 120.0, "consistent"),
        ("up to 200 km from", "up to", 200.0, "consistent"),
    ],
    ids=["bare", "about", "more-than", "less-than", "nearly", "up-to"],
)
def test_hedges_move_the_window(text, hedge, value, verdict):
    reference, subject = _point(0.0, 0.0), _point(0.0, 1.0)  # 111.3 km apart
    claim = _claim(text=text, low_km=value, high_km=value, unit="km", hedge=hedge)
    assert claims.judge(claim, subject, reference).distance == verdict


def test_precision_of_the_number_widens_the_window():
    reference, subject = _point(0.0, 0.0), _point(0.0, 3.0)  # 334 km
    exact = _claim(text="310 km from", low_km=310.0, high_km=310.0, unit="km", precision_km=5.0)
    round_ = _claim(text="300 km from", low_km=300.0, high_km=300.0, unit="km", precision_km=50.0)
    assert claims.judge(exact, subject, reference).distance == "inconsistent"
    assert claims.judge(round_, subject, reference).distance == "consistent"


def test_a_province_is_not_a_point():
    reference = _point(0.0, 0.0, kind="admin1")
    subject = _point(0.0, 0.9)  # 100 km
    claim = _claim(text="40 km from", low_km=40.0, high_km=40.0, unit="km")
    assert claims.judge(claim, subject, reference).distance == "consistent"
    assert claims.judge(claim, subject, _point(0.0, 0.0)).distance == "inconsistent"


@pytest.mark.parametrize(
    ("direction", "verdict"),
    [
        ("W", "consistent"),
        ("NW", "consistent"),
        ("WNW", "consistent"),
        ("SW", "inconsistent"),
        ("N", "inconsistent"),
        ("NNW", "inconsistent"),
    ],
)
def test_direction_tolerance_depends_on_compass_precision(direction, verdict):
    claim = _claim(text="west of", direction=direction)
    check = claims.judge(claim, HUSAYBAH, RAMADI)  # bearing 297
    assert check.bearing == verdict and check.distance is None


def test_check_row_has_the_table_columns(founding_doc):
    doc = claims.check_document(founding_doc)
    row = schema.claim_row(doc, doc.checks[1])
    assert row["stated_km"] == "410" and row["computed_km"] == pytest.approx(241.3, abs=0.5)
    assert row["diff_pct"] == -41 and row["distance"] == "inconsistent"
    assert (row["stated_direction"], row["stated_bearing"]) == ("W", 270)
    assert (row["computed_bearing"], row["computed_direction"]) == (297, "WNW")
    assert row["bearing"] == "consistent" and row["subject"] == "Husaybah"
    assert claims.is_inconsistent(doc.checks[1]) and not claims.is_inconsistent(doc.checks[0])


def test_check_document_leaves_the_input_alone(founding_doc):
    checked = claims.check_document(founding_doc)
    assert founding_doc.checks == () and len(checked.checks) == 2
    assert checked.mentions == founding_doc.mentions


# --------------------------------------------------------------------------- resolution

SPRINGFIELD_NEAR = Place("sf-near", "Springfield", 40.36, -89.65, "city", "US", population=1000)
SPRINGFIELD_FAR = Place("sf-far", "Springfield", 42.10, -72.59, "city", "US", population=1000)
DECATUR = Place("decatur", "Decatur", 39.84, -88.95, "city", "US", population=1000)


def test_support_hook_matches_the_resolver_signature_and_never_penalises():
    doc = marked_doc("[Springfield] lies 80 km north-west of [Decatur].")
    hook = claims.support_hook(doc)
    assert hook(0, SPRINGFIELD_NEAR, {1: DECATUR}) == 1.0
    assert hook(0, SPRINGFIELD_FAR, {1: DECATUR}) == 0.0
    assert hook(1, DECATUR, {0: SPRINGFIELD_NEAR}) == 1.0
    assert hook(0, SPRINGFIELD_NEAR, {}) == 0.0


def test_support_hook_on_the_founding_article(founding_doc):
    hook = claims.support_hook(founding_doc)
    husaybah = next(
        i for i, m in enumerate(founding_doc.mentions) if m.text == "Husaybah" and m.start > 1100
    )
    chosen = {i: m.place for i, m in enumerate(founding_doc.mentions) if m.place}
    assert hook(husaybah, HUSAYBAH, chosen) == 1.5  # 2 km consistent; 410 km W: direction only


def _grid_solving_every_point(areas):
    """What claims._Grid answers, by solving every grid point on the ellipsoid."""
    grid = claims._Grid(areas)
    held = []
    for k, area in enumerate(areas):
        kms, start, span, _ = grid._grids[k]
        rays = [geometry.destinations(area.center, start + span * b / 24, kms) for b in range(25)]
        for d in range(9):
            for b in range(25):
                own = k if grid._own(k, d, b) else -1
                p = rays[b][d]
                if all(j == own or other.contains(p) for j, other in enumerate(areas)):
                    held.append(p)
    return held


def test_the_grid_answers_as_solving_every_point_does():
    import random

    rng = random.Random(16)
    nonempty = 0
    for _ in range(40):
        lat = rng.choice([rng.uniform(-60, 60), rng.uniform(80, 89.9)])
        reference = (lat, rng.uniform(-180, 180))
        areas = []
        for _ in range(rng.choice([1, 2, 3])):
            center = geometry.destination(reference, rng.uniform(0, 360), rng.uniform(0, 40))
            low = rng.choice([0.0, rng.uniform(1, 60)])
            high = low + rng.choice([rng.uniform(2, 80), rng.uniform(500, 3000)])
            bearing = rng.choice([None, rng.uniform(0, 360)])
            areas.append(geometry.Area(center, low, high, bearing, rng.uniform(20, 70)))
        held = _grid_solving_every_point(areas)
        grid = claims._Grid(areas)
        assert grid.any_inside() == bool(held)
        assert grid.inside() == held
        if held:
            nonempty += 1
            origin = geometry.destination(areas[0].center, rng.uniform(0, 360), 30)
            assert claims._Grid(areas).farthest_km(origin) == geometry.farthest_km(origin, held)
    assert nonempty > 15


def test_the_geodesic_is_never_longer_than_the_grids_bound_times_the_spherical_distance():
    # claims._Grid.farthest_km skips a point whose spherical distance times this bound is
    # shorter than the farthest found: the bound must hold everywhere, the poles (where the
    # ellipsoid's radii of curvature are largest) and the antipode included.
    import random

    rng = random.Random(16)
    worst = 0.0
    for _ in range(20_000):
        lat = rng.choice(
            [math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(85, 90), rng.uniform(-2, 2)]
        )
        a = (lat, rng.uniform(-180, 180))
        km = 10 ** rng.uniform(-3, 4.31)
        b = geometry.destination(a, rng.choice([0.0, 90.0, rng.uniform(0, 360)]), km)
        rough = geometry.approx_km(*a, *b)
        exact = geometry.measure(a, b).km
        assert exact <= rough * claims._GEODESIC_OVER_SPHERE + 1e-6, (a, b)
        worst = max(worst, exact / rough)
    assert 1.0044 < worst < 1.0045 < claims._GEODESIC_OVER_SPHERE


def test_the_grids_farthest_point_is_the_farthest_of_every_point_solved():
    # Seen from afar, the two points of a ring whose bearings straddle the way back are
    # about as far: the sphere may rank either first, and a bound too tight to hold would
    # stop at it and miss the other, a few metres farther on the ellipsoid.
    import random

    rng = random.Random(8)
    for _ in range(60):
        center = (rng.uniform(-70, 70), rng.uniform(-180, 180))
        low = rng.choice([0.0, rng.uniform(0.1, 5)])
        area = geometry.Area(center, low, low + rng.uniform(0.5, 20))
        held = _grid_solving_every_point([area])
        way = 15 * rng.randrange(24) + 7.5 + rng.uniform(-0.5, 0.5)
        origin = geometry.destination(center, way, rng.uniform(50, 5000))
        assert claims._Grid([area]).farthest_km(origin) == geometry.farthest_km(origin, held)
