"""The place-name table (the `places` setting): what the finder's place search reads, from messy files."""

from __future__ import annotations

import pytest

from sprx_cli.geo.gazetteer import BadPlace, GazetteerError, load_gazetteer


def test_a_messy_table_keeps_every_good_row_and_says_why_it_left_out_the_rest():
    text = ("Name , LAT,lon,Postcode\r\n"
            "Peckham,51.47403,-0.06969,\r\n"
            "  Bow   Common ,51.52,-0.02\r\n"  # (a short row: no postcode cell)
            ",51.5,-0.1,\r\n"
            "Nowhere,north,-0.1,\r\n"
            "Far Away,95,-0.1,\r\n"
            "\r\n"
            "Elephant,,,SE1 7PB\r\n"
            "Nowhere Street,,,ZZ9 9ZZ\r\n"
            "PECKHAM,51.0,-0.1,\r\n"
            "\"Stoke\nNewington\",51.56,-0.08,\r\n")
    centres = {"SE1 7PB": (51.5025, -0.11938)}
    places, bad = load_gazetteer(text, centres.get)
    assert places == {"Peckham": (51.47403, -0.06969), "Bow Common": (51.52, -0.02),
                      "Elephant": (51.5025, -0.11938), "Stoke Newington": (51.56, -0.08)}
    assert bad == [BadPlace(4, "name", "", "it has no name"),
                   BadPlace(5, "lat", "north", "lat 'north' is not a latitude in degrees"),
                   BadPlace(6, "lat", "95", "lat '95' is not a latitude in degrees"),
                   BadPlace(9, "postcode", "ZZ9 9ZZ", "postcode ZZ9 9ZZ is not in the postcode table")]


def test_rows_by_postcode_without_a_postcode_table_are_left_out_saying_so():
    places, bad = load_gazetteer("name,postcode\nElephant,SE1 7PB\n")
    assert places == {}
    assert bad == [BadPlace(2, "postcode", "SE1 7PB", "it has postcode SE1 7PB but no postcode table is set")]


@pytest.mark.parametrize("text", ["", "place,lat,lon\nPeckham,51.4,-0.07\n", "name,latitude\nPeckham,51.4\n"])
def test_a_file_that_is_not_a_place_table_is_refused_with_a_fix(text):
    with pytest.raises(GazetteerError) as caught:
        load_gazetteer(text)
    assert caught.value.hint == "give a CSV with name,lat,lon or name,postcode"


def test_the_bundled_table_is_whole_and_inside_london():
    from pathlib import Path

    places, bad = load_gazetteer(Path("data/london-places.csv").read_text(encoding="utf-8"))
    assert bad == [] and len(places) == 282
    assert places["Peckham"] == (51.47403, -0.06969)
    assert all(51.2 < lat < 51.8 and -0.6 < lon < 0.4 for lat, lon in places.values())
