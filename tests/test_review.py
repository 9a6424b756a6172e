"""`sprx review`: what to check with providers now, as text, CSV, JSON and draft emails."""

from __future__ import annotations

import csv
import email
import io
import json
from datetime import date
from email.policy import default


from helpers import MINI, TODAY, read_yaml, sources
from sprx_cli.core.dates import months_after
from sprx_cli.upkeep.review import due_for_review
from sprx_cli.registry.validate import validate


def expected_ids(within: int) -> list[str]:
    """Computed here from the YAML: open schemes never verified, or due (12 months on) by today + within."""
    today = date.fromisoformat(TODAY)
    out = []
    for s in read_yaml("schemes.yaml")["schemes"]:
        if s.get("status", "active") == "closed":
            continue
        lv = s.get("last_verified")
        if lv is None or (months_after(date.fromisoformat(str(lv)), 12) - today).days <= within:
            out.append(s["id"])
    return sorted(out)


def test_due_follows_the_registry():
    _, reg = validate(sources("london"))
    for within in (0, 30, 90):
        assert sorted(d.scheme.id for d in due_for_review(reg, date.fromisoformat(TODAY), within)) == \
            expected_ids(within)


def test_review_text_csv_json(sprx):
    result = sprx("review", "--due-within", "30")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"{len(expected_ids(30))} schemes to check as of {TODAY}:"
    assert ("  haringey-debt-and-benefits-advice: Haringey Debt and Benefits Advice (due 2026-11-11; last verified "
            "more than 12 months ago)") in lines
    rows = list(csv.DictReader(io.StringIO(sprx("review", "--format", "csv").stdout)))
    assert list(rows[0]) == ["id", "name", "provider", "contact_email", "last_verified", "due", "reason"]
    assert sorted(r["id"] for r in rows) == expected_ids(30)
    doc = json.loads(sprx("review", "--format", "json", "--due-within", "0").stdout)
    assert doc["on"] == TODAY and sorted(d["id"] for d in doc["due"]) == expected_ids(0)


def test_nothing_due(sprx):
    result = sprx("review", *MINI, "--due-within", "0", "--stale-after", "120")
    assert result.exit_code == 0
    assert result.stdout == f"Nothing to check as of {TODAY}.\n"


def test_draft_emails(sprx, tmp_path):
    result = sprx("review", "--emails", tmp_path / "mail", "--quiet")
    assert result.exit_code == 0
    files = sorted((tmp_path / "mail").iterdir())
    assert len(files) == len(expected_ids(30))  # each of these schemes has its own contact address
    msg = email.message_from_bytes(files[0].read_bytes(), policy=default)
    assert msg["To"].endswith("@example.org") and msg["Subject"].startswith("Please check your entr")
    assert msg.get_content_charset() == "utf-8" and msg["Date"] == "Mon, 23 Nov 2026 09:00:00 +0000"
    body = msg.get_content()
    assert "reply by 7 December 2026" in body and "Last verified:" in body
    again = tmp_path / "again"
    sprx("review", "--emails", again, "--quiet")
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in sorted(again.iterdir())]  # deterministic


def test_a_title_can_never_add_a_header_to_a_draft(tmp_path):
    """A CRLF in the title was an internal error with `review --emails` (#37 row 18): a settings file's
    title must be one line, and a header's value is always one line whatever it is given."""
    from sprx_cli.upkeep.review import draft_emails

    _, registry = validate(sources("london"))
    dues = due_for_review(registry, date(2031, 1, 1), 30)
    drafts = draft_emails(registry, dues, date(2031, 1, 1), title="Ours\r\nBcc: all@example.net",
                          feedback_email="keeper@example.org\nBcc: x@example.net")
    assert drafts
    for data in drafts.values():
        msg = email.message_from_bytes(data, policy=default)
        assert msg["Bcc"] is None and msg["Subject"].endswith("in Ours Bcc: all@example.net")
        heads = data.split(b"\r\n\r\n")[0].split(b"\r\n")
        assert not [h for h in heads if h.lower().startswith(b"bcc")]
        assert len([h for h in heads if h.startswith(b"Reply-To: ")]) == 1
