"""Build ``geomap/models/common_words.txt``: English words that are also place names.

The extractor does not mark a capitalised word as a place when it is an ordinary English word
("Army", "Agency", "Orchard", "Reading") unless the context says place (a locative preposition,
a type word, a ", State" qualifier, or a country or region name). This script derives that
list from a spelling dictionary's lower-case entries (Debian's ``wamerican``:
``apt-get install wamerican``) intersected with the single-word names of the gazetteer, so the
shipped file stays small.

    python tools/train_common_words.py [/usr/share/dict/american-english]
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from geomap.gazetteer import Gazetteer

OUT = Path(__file__).resolve().parents[1] / "geomap" / "models" / "common_words.txt"


def main(dictionary: str = "/usr/share/dict/american-english") -> None:
    words = set()
    for line in Path(dictionary).read_text(encoding="utf-8", errors="replace").splitlines():
        word = line.strip()
        if word.isalpha() and word.islower() and word.isascii() and len(word) > 1:
            words.add(word)
    gazetteer = Gazetteer.open()
    db = sqlite3.connect(f"file:{gazetteer.index}?mode=ro", uri=True)
    keys = {k for (k,) in db.execute("SELECT DISTINCT key FROM names WHERE key NOT LIKE '% %'")}
    common = sorted(words & keys)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        "# English words that are also gazetteer names; built by tools/train_common_words.py\n"
        + "\n".join(common) + "\n",
        encoding="utf-8",
    )
    print(f"{len(common)} words -> {OUT}")


if __name__ == "__main__":
    main(*sys.argv[1:])
