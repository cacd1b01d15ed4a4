"""``python -m geomap``: the same as the ``geomap`` command."""

from geomap.cli import main

main(prog_name="geomap")
