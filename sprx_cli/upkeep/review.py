"""Review cycles: which entries need checking with their provider now, and the reminders to send.

An entry is due when it was never verified, when its last check is older than the stale period
(`--stale-after` months), or when it falls due within `due_within` days. Closed schemes are left
out. Everything is judged as on one day (the data's, or SPRX_TODAY), so the output is
deterministic.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from ..core.dates import months_after
from ..core.model import Registry, Scheme, hours_text

COLUMNS = ("id", "name", "provider", "contact_email", "last_verified", "due", "reason")


@dataclass(frozen=True)
class Due:
    """One scheme to check: when it falls (or fell) due, and why it is listed."""

    scheme: Scheme
    due: date | None  # None: never verified
    reason: str

    @property
    def contact(self) -> str | None:
        """The address reminders go to: the scheme's email, else its referral email."""
        return self.scheme.email or self.scheme.referral_email


def due_for_review(registry: Registry, on: date, due_within_days: int = 30) -> list[Due]:
    """The schemes to check, grouped by provider and contact, then by id."""
    out = []
    horizon = on + timedelta(days=due_within_days)
    for s in registry.schemes:
        if s.status == "closed":
            continue
        if s.last_verified is None:
            out.append(Due(s, None, "never verified"))
            continue
        due = months_after(s.last_verified, registry.stale_after_months)
        if due <= on:
            out.append(Due(s, due, f"last verified more than {registry.stale_after_months} months ago"))
        elif due <= horizon:
            out.append(Due(s, due, f"due within {due_within_days} days"))
    return sorted(out, key=lambda d: ((d.scheme.provider or "").lower(), d.contact or "", d.scheme.id))


def _row(d: Due) -> dict:
    s = d.scheme
    return {"id": s.id, "name": s.name, "provider": s.provider, "contact_email": d.contact,
            "last_verified": s.last_verified.isoformat() if s.last_verified else None,
            "due": d.due.isoformat() if d.due else None, "reason": d.reason}


def as_csv(dues: list[Due]) -> str:
    """One row per scheme: id, name, provider, contact email, last verified, due date, reason."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for d in dues:
        row = _row(d)
        w.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
    return buf.getvalue()


def as_json(dues: list[Due], on: date) -> str:
    """The same rows as JSON, with the day they were judged on."""
    return json.dumps({"on": on.isoformat(), "due": [_row(d) for d in dues]}, ensure_ascii=False, indent=2) + "\n"


def groups(dues: list[Due]) -> list[tuple[str | None, str | None, list[Due]]]:
    """(provider, contact email, its dues), in order."""
    out: list[tuple[str | None, str | None, list[Due]]] = []
    for d in dues:
        key = (d.scheme.provider, d.contact)
        if out and (out[-1][0], out[-1][1]) == key:
            out[-1][2].append(d)
        else:
            out.append((key[0], key[1], [d]))
    return out


def as_text(dues: list[Due], on: date) -> str:
    """For people: by provider and contact, each scheme with its due date and reason."""
    if not dues:
        return f"Nothing to check as of {on.isoformat()}.\n"
    lines = [f"{len(dues)} scheme{'s' if len(dues) != 1 else ''} to check as of {on.isoformat()}:"]
    for provider, contact, items in groups(dues):
        lines += ["", f"{provider or '(no provider)'} <{contact or 'no email'}>"]
        for d in items:
            when = f"due {d.due.isoformat()}" if d.due else "never verified"
            why = when if d.reason == when else f"{when}; {d.reason}"
            lines.append(f"  {d.scheme.id}: {d.scheme.name} ({why})")
    return "\n".join(lines) + "\n"


def _details(s: Scheme, area_names: dict) -> list[str]:
    fields = [("Name", s.name), ("Areas", ", ".join(area_names[c].name for c in s.boroughs)),
              ("Description", s.description), ("Website", s.website), ("Email", s.email), ("Phone", s.phone),
              ("How to refer", s.how_to_refer), ("Hours", hours_text(s.hours)), ("Hours note", s.hours_note),
              ("Places", "; ".join(", ".join(x for x in (loc.name, loc.address, loc.postcode) if x)
                                   for loc in s.locations) or None),
              ("Last verified", s.last_verified.isoformat() if s.last_verified else "never")]
    return [f"  {k}: {v}" for k, v in fields if v]


def _one_line(text: str) -> str:
    """A header's value: its line breaks and other white space made single spaces, so that no text
    can start a header of its own (To, Bcc) in the message."""
    return " ".join(text.split())


def draft_emails(registry: Registry, dues: list[Due], on: date, reply_days: int = 14,
                 title: str = "our directory", feedback_email: str | None = None) -> dict[str, bytes]:
    """One draft email (.eml bytes) per contact that has an email address, by file name."""
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime

    reply_by = on + timedelta(days=reply_days)
    names = registry.areas.by_code
    out: dict[str, bytes] = {}
    for provider, contact, items in groups(dues):
        if not contact:
            continue
        msg = EmailMessage(policy=SMTP)
        msg["To"] = _one_line(contact)
        if feedback_email:
            msg["Reply-To"] = _one_line(feedback_email)
        msg["Subject"] = _one_line(f"Please check your entr{'ies' if len(items) > 1 else 'y'} in {title}")
        msg["Date"] = format_datetime(datetime(on.year, on.month, on.day, 9, 0, tzinfo=timezone.utc))
        body = [f"Hello{(' ' + provider) if provider else ''},", "",
                f"{title} lists the scheme{'s' if len(items) > 1 else ''} below. Referrers rely on these details "
                f"being right. Please check them and reply by {reply_by.day} {reply_by:%B %Y}, saying either "
                "that they are correct or what has changed.", ""]
        for d in items:
            body += [f"{d.scheme.id}:", *_details(d.scheme, names), ""]
        if feedback_email:
            body += [f"To suggest a change at any time, write to {feedback_email}.", ""]
        body += ["Thank you."]
        msg.set_content("\n".join(body) + "\n", charset="utf-8")
        stem = "".join(c if c.isalnum() or c in "-." else "-" for c in contact.lower())
        out[f"{stem}.eml"] = bytes(msg)
    return out
