"""geomap: turn news articles into an interactive map of the places they report, and check
the distances they state."""

from __future__ import annotations

from geomap.errors import GazetteerError, GeomapError, InputError
from geomap.gazetteer import Gazetteer
from geomap.parse import parse
from geomap.records import Candidate, Claim, ClaimCheck, Document, Mention, Place, Sentence

__version__ = "0.1.0"

__all__ = [
    "Candidate",
    "Claim",
    "ClaimCheck",
    "Document",
    "GazetteerError",
    "Gazetteer",
    "GeomapError",
    "InputError",
    "Mention",
    "Place",
    "Sentence",
    "parse",
]
