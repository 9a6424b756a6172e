"""`sprx add`: a scheme appended by questions or options; every byte already in the file stays."""

from __future__ import annotations

import yaml

ORIGINAL = (b"\xef\xbb\xbfschemes:\r\n"
            b"  # keepers' comment\r\n"
            b"  - id: camden-chess-club\r\n"
            b"    name: 'Camden Chess Club'\r\n"
            b"    boroughs: [Camden, \"Islington\"]\r\n"
            b"    last_verified: 2026-01-01\r\n")


def test_options_only_append(sprx, tmp_path):
    path = tmp_path / "schemes.yaml"
    path.write_bytes(ORIGINAL)
    result = sprx("add", "--schemes", path, "--name", "Camden Chess Club", "--area", "Camden", "--area", "E09000019",
                  "--website", "https://example.org/chess", "--category", "arts-creativity", "--postcode", "NW1 7BY",
                  "--no-input")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Added camden-chess-club-2 to {path}\n"  # the id from the name, made unique
    data = path.read_bytes()
    assert data.startswith(ORIGINAL)  # byte for byte
    added = data[len(ORIGINAL):]
    assert added.startswith(b"  - id: camden-chess-club-2\r\n") and b"\n" not in added.replace(b"\r\n", b"")
    entry = yaml.safe_load(data.decode("utf-8-sig"))["schemes"][1]
    assert entry["boroughs"] == ["Camden", "Islington"] and entry["locations"] == [{"postcode": "NW1 7BY"}]
    assert entry["last_verified"] == "2026-11-23"  # SPRX_TODAY
    assert sprx("validate", "--schemes", path).exit_code == 0


def test_questions_check_each_answer(sprx, tmp_path):
    path = tmp_path / "schemes.yaml"
    path.write_bytes(ORIGINAL)
    # name; an unknown area, then a real one; provider; description; a wrong category, then none;
    # a website without https, then a good one; email; phone; how to refer; postcode
    answers = ["Islington Choir", "Islingtn", "Islington", "Example Music", "", "singing", "",
               "www.example.org", "https://example.org/choir", "choir@example.org", "", "", "N1 9ZZ", "N1 9GU"]
    result = sprx("add", "--schemes", path, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "did you mean 'Islington'?" in result.stderr and "'singing' is not a key" in result.stderr
    assert "is not an http(s) address" in result.stderr
    assert "postcode N1 9ZZ is not in the postcode table (did you mean" in result.stderr  # checked against NSPL
    assert "Categories (comma-separated keys) [information-advice, arts-creativity" in result.stdout
    entry = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))["schemes"][1]
    assert (entry["id"], entry["boroughs"], entry["website"], entry["email"], entry["locations"]) == (
        "islington-choir", ["Islington"], "https://example.org/choir", "choir@example.org", [{"postcode": "N1 9GU"}])
    assert path.read_bytes().startswith(ORIGINAL)


def test_no_input_refuses_what_is_wrong(sprx, tmp_path):
    path = tmp_path / "schemes.yaml"
    path.write_bytes(ORIGINAL)
    for args, message in ((["--name", "X"], "a scheme needs a name and at least one area"),
                          (["--name", "X", "--area", "Camden", "--email", "x at example.org"], "--email:"),
                          (["--name", "X", "--area", "Camden", "--id", "camden-chess-club"], "is used already")):
        result = sprx("add", "--schemes", path, *args, "--no-input")
        assert result.exit_code == 2 and message in result.stderr, result.output
    assert path.read_bytes() == ORIGINAL


def test_csv_row_follows_the_files_header(sprx, tmp_path):
    path = tmp_path / "schemes.csv"
    original = b"name,id,boroughs,last_verified\nA,a,Camden,2026-01-01\n"
    path.write_bytes(original)
    assert sprx("add", "--schemes", path, "--name", "B c", "--area", "Hackney", "--no-input").exit_code == 0
    assert path.read_bytes() == original + b"B c,b-c,Hackney,2026-11-23\n"
    result = sprx("add", "--schemes", path, "--name", "D", "--area", "Hackney", "--phone", "020 7946 0001",
                  "--no-input")
    assert result.exit_code == 1 and "the CSV has no column for phone" in result.stderr


def test_a_registry_that_says_schemes_empty_list_gets_its_first_scheme(sprx, tmp_path):
    """'schemes: []' is how many keepers start: the first scheme goes below it, the comment kept."""
    path = tmp_path / "schemes.yaml"
    path.write_bytes(b"# our directory\r\nschemes: [ ]  # none yet\r\n")
    result = sprx("add", "--schemes", path, "--name", "Walk Club", "--area", "Camden", "--no-input")
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"# our directory\r\nschemes:  # none yet\r\n  - id: walk-club\r\n")
    assert sprx("validate", "--schemes", path).exit_code == 0
