"""Write the bundled example registry, schemes.yaml (fictional schemes, real borough shapes).

The schemes, providers and contact details are invented: websites and email addresses are on
example.org and phone numbers are in Ofcom's range for drama (020 7946 0000 to 0999). Points are
drawn inside each borough's boundary. Six boroughs are left with no scheme, the shape of the old
LVSC London map. Deterministic: the same seed writes the same file.

Usage: python scripts/make_example_registry.py
"""

from __future__ import annotations

import csv
import json
import random
import unicodedata
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 2026
UNSERVED = {"Bexley", "Havering", "Hillingdon", "Kingston upon Thames", "Sutton", "City of London"}

# (name pattern, provider, categories, referral routes, target groups, description)
TEMPLATES = [
    ("{b} Social Prescribing Link Service", "Example Health Partnership",
     ["information-advice", "mental-wellbeing"], ["gp", "practice-nurse", "social-worker", "hospital"],
     ["long-term-conditions", "isolated-lonely"],
     "Link workers meet people referred by their GP practice, talk through what matters to them and "
     "connect them with local groups and services."),
    ("{b} Arts on Prescription", "Example Arts Collective", ["arts-creativity", "mental-wellbeing"],
     ["gp", "link-worker", "self-referral"], ["mental-health", "isolated-lonely"],
     "Ten-week courses in painting, printmaking and creative writing in a small, friendly group."),
    ("{b} Walk and Talk", "Example Active Communities", ["physical-activity", "green-nature"],
     ["gp", "practice-nurse", "link-worker", "self-referral"], ["long-term-conditions", "older-people"],
     "Short, gentle group walks in local parks led by trained volunteers, with tea afterwards."),
    ("{b} Befriending Service", "Example Befriending Network", ["befriending-self-help"],
     ["link-worker", "social-worker", "self-referral", "family-friend"], ["older-people", "isolated-lonely"],
     "Volunteers visit or phone people who feel lonely, once a week, for as long as it helps."),
    ("{b} Debt and Benefits Advice", "Example Advice Centre", ["welfare-legal", "information-advice"],
     ["gp", "link-worker", "social-worker", "self-referral"], ["low-income"],
     "Free, confidential advice on benefits, debt, housing and work, in person or by phone."),
    ("{b} Community Growing Project", "Example Green Spaces Trust", ["green-nature", "learning-volunteering"],
     ["link-worker", "voluntary-sector", "self-referral"], ["mental-health", "everyone"],
     "Weekly gardening sessions on a community plot: grow food, learn skills, meet neighbours."),
    ("{b} Peer Support Circle", "Example Peer Support Network", ["peer-support", "mental-wellbeing"],
     ["gp", "link-worker", "self-referral"], ["mental-health"],
     "Fortnightly groups run by people with lived experience of mental ill health."),
    ("{b} Family Wellbeing Hub", "Example Family Action", ["parenting-family", "information-advice"],
     ["social-worker", "link-worker", "self-referral"], ["children-young-people", "low-income"],
     "Drop-in support for parents and carers of young children: play sessions, advice and courses."),
    ("{b} Volunteering Pathways", "Example Volunteer Centre", ["learning-volunteering"],
     ["link-worker", "voluntary-sector", "self-referral"], ["everyone"],
     "Helps people find volunteering that suits them, with a mentor for the first few weeks."),
    ("{b} Carers Support Service", "Example Carers Centre", ["peer-support", "information-advice"],
     ["gp", "social-worker", "self-referral", "family-friend"], ["carers"],
     "Information, breaks and peer groups for unpaid carers of all ages."),
    ("{b} Get Active Programme", "Example Leisure Trust", ["physical-activity"],
     ["gp", "practice-nurse", "hospital"], ["long-term-conditions", "disabled-people"],
     "A twelve-week supported exercise programme at subsidised rates, adapted to each person."),
    ("{b} Singing for Wellbeing", "Example Arts Collective", ["arts-creativity", "befriending-self-help"],
     ["link-worker", "self-referral", "family-friend"], ["older-people", "long-term-conditions"],
     "A weekly community choir: no auditions and no experience needed."),
    ("{b} Welcome Café", "Example Refugee Welcome", ["befriending-self-help", "welfare-legal"],
     ["voluntary-sector", "link-worker", "self-referral"], ["refugees-migrants"],
     "A weekly café for people new to the area, with English conversation and advice sessions."),
]
MULTI = [  # schemes serving several boroughs
    ("North Central London Carers Link", "Example Carers Centre", ["Camden", "Islington", "Haringey"], 9),
    ("South London Money Advice Line", "Example Advice Centre", ["Lambeth", "Southwark", "Lewisham", "Croydon"], 4),
    ("East London Green Gym", "Example Green Spaces Trust", ["Hackney", "Tower Hamlets", "Newham"], 5),
    ("West London Arts and Minds", "Example Arts Collective", ["Ealing", "Hounslow", "Brent"], 1),
    ("North East London Memory Café Network", "Example Befriending Network",
     ["Redbridge", "Waltham Forest", "Barking and Dagenham"], 3),
    ("South West London Walking Football", "Example Active Communities",
     ["Merton", "Wandsworth", "Richmond upon Thames"], 10),
]
# What a referrer needs to know, per template (by index): eligibility, cost, cost description,
# delivery, hours, how to refer. Ages are the kind real schemes state; everything is invented.
REFERRER = {
    0: ({"min_age": 18}, "free", None, ["in-person", "phone"], "mon,tue,wed,thu,fri 09:00-17:00",
        "Ask your GP practice to refer you; the link worker will call within a week."),
    1: ({"min_age": 18, "description": "Adults with low mood or anxiety"}, "free", None, ["in-person"],
        "tue 13:30-15:30", "GPs and link workers refer; you may also refer yourself."),
    2: ({"description": "All ages; under-16s with an adult"}, "free", None, ["in-person"], "wed 10:00-11:30",
        "Just come along, or ask your GP or link worker."),
    3: ({"min_age": 65}, "free", None, ["phone", "home-visit"], None,
        "Phone us, or ask anyone who supports you to get in touch."),
    4: ({"min_age": 18}, "free", None, ["in-person", "phone", "online"], "mon,wed,fri 10:00-16:00",
        "Book by phone or online; referrals from any professional are welcome."),
    5: ({"description": "Everyone welcome; children with an adult"}, "donation", "Pay what you can",
        ["in-person"], "sat 10:00-13:00", "Drop in, or email us first if you would like someone to meet you."),
    6: ({"min_age": 18}, "free", None, ["in-person", "online"], "thu 18:00-20:00",
        "Refer yourself or ask your GP or link worker."),
    7: ({"max_age": 5, "description": "Children under five with their parents or carers"}, "free", None,
        ["in-person"], "mon,tue,wed,thu,fri 09:30-12:00", "Drop in during opening hours."),
    8: ({"min_age": 16}, "free", None, ["in-person", "online"], None, "Fill in the form on our website."),
    9: ({"description": "Unpaid carers of any age"}, "free", None, ["in-person", "phone"], "tue,thu 10:00-14:00",
        "Carers may refer themselves; professionals may refer with the carer's agreement."),
    10: ({"min_age": 16}, "low-cost", "£2 a session for the first twelve weeks", ["in-person"],
         "mon,wed 14:00-15:00", "Your GP, practice nurse or hospital team refers you."),
    11: ({"min_age": 50}, "donation", "Pay what you can; suggested £2", ["in-person"], "fri 11:00-12:30",
         "Just come along."),
    12: ({"description": "People new to the area, of any age"}, "free", None, ["in-person"], "tue 10:00-13:00",
         "Drop in; interpreters can be booked in advance."),
}
COMMUNITY_LANGUAGES = ["bn", "ur", "so", "pl", "tr", "pa", "gu", "ar", "pt", "es", "ro", "ta"]
ACCESS = [("step-free", 0.7), ("accessible-toilet", 0.5), ("hearing-loop", 0.3), ("large-print", 0.2),
          ("bsl", 0.15), ("quiet-space", 0.15)]
VENUES = ["Community Centre", "Library", "Health Centre", "Park Pavilion", "Church Hall", "Family Hub",
          "Neighbourhood Centre"]


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def point_in(geom, rng: random.Random) -> tuple[float, float]:
    from shapely.geometry import Point

    minx, miny, maxx, maxy = geom.bounds
    inner = geom.buffer(-0.004) if geom.buffer(-0.004).area > 0 else geom
    while True:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if inner.contains(p):
            return round(p.y, 5), round(p.x, 5)


class PostcodeCentres:
    """The bundled postcode table (data/london-postcodes.csv.gz) as arrays, to find a real postcode
    whose centre is near a point."""

    def __init__(self) -> None:
        import gzip

        import numpy as np

        lines = gzip.decompress((ROOT / "data" / "london-postcodes.csv.gz").read_bytes()).decode().split("\n")[1:-1]
        self.keys = [f"{x[:4].strip()} {x[4:7]}" for x in lines]
        self.lat = np.array([float(x[8:16]) for x in lines])
        self.lon = np.array([float(x[17:25]) for x in lines])

    def nearest(self, lat: float, lon: float, area) -> str | None:
        """The postcode whose centre is nearest the point, when that centre is inside the area."""
        from shapely.geometry import Point

        k = int(((self.lat - lat) ** 2 + ((self.lon - lon) * 0.62) ** 2).argmin())
        return self.keys[k] if area.contains(Point(self.lon[k], self.lat[k])) else None


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def referrer_lines(template: int, sid: str, rng: random.Random) -> list[str]:
    """The fields a referrer asks about, for one scheme made from `template`."""
    eligibility, cost, cost_text, delivery, hours, how = REFERRER[template]
    languages = ["en"] + sorted(rng.sample(COMMUNITY_LANGUAGES, rng.choice([0, 0, 1, 1, 2])))
    access = [key for key, share in ACCESS if rng.random() < share]
    parts = ", ".join(f"{k}: {q(v) if isinstance(v, str) else v}" for k, v in eligibility.items())
    lines = [f"    eligibility: {{{parts}}}", f"    cost: {cost}"]
    if cost_text:
        lines.append(f"    cost_description: {q(cost_text)}")
    lines += [f"    delivery: [{', '.join(delivery)}]", f"    languages: [{', '.join(languages)}]"]
    if access:
        lines.append(f"    accessibility: [{', '.join(access)}]")
    if hours:
        lines.append(f"    hours: {q(hours)}")
    lines.append(f"    how_to_refer: {q(how)}")
    if template == 0:
        lines.append(f"    referral_email: referrals-{sid}@example.org")
    return lines


def main() -> None:
    import geopandas as gpd

    rng = random.Random(SEED)
    with open(ROOT / "data" / "areas.csv", encoding="utf-8") as f:
        names = [r["name"] for r in csv.DictReader(f)]
    gdf = gpd.read_file(ROOT / "data" / "london-boroughs.geojson")
    shape = dict(zip(gdf["name"], gdf.geometry))
    served = [n for n in names if n not in UNSERVED]
    picks = served + [rng.choice(served) for _ in range(54 - len(served))]
    schemes = []
    used: set[str] = set()
    for borough in picks:
        for _ in range(50):
            t = rng.choice(TEMPLATES)
            name = t[0].format(b=borough)
            if name not in used:
                break
        used.add(name)
        schemes.append({"name": name, "provider": t[1], "boroughs": [borough], "categories": t[2],
                        "routes": t[3], "groups": t[4], "description": t[5], "template": TEMPLATES.index(t)})
    for name, provider, boroughs, ti in MULTI:
        t = TEMPLATES[ti]
        schemes.append({"name": name, "provider": provider, "boroughs": boroughs, "categories": t[2],
                        "routes": t[3], "groups": t[4], "description": t[5], "template": ti})
    schemes.sort(key=lambda s: slug(s["name"]))
    status = dict.fromkeys(rng.sample(range(len(schemes)), 3), "paused")
    for i in rng.sample([i for i in range(len(schemes)) if i not in status and len(schemes[i]["boroughs"]) == 1
                         and sum(schemes[i]["boroughs"] == s["boroughs"] for s in schemes) > 1], 2):
        status[i] = "closed"
    out = [
        "# sprx example registry: EXAMPLE DATA, NOT REAL SCHEMES.",
        "# yaml-language-server: $schema=schemes.schema.json",
        "# Every scheme, provider, address and contact detail here is invented to show the format;",
        "# websites and emails are on example.org and phone numbers are in Ofcom's drama range.",
        "# Borough boundaries are real (see data/README.md); six boroughs deliberately have no scheme.",
        "# Regenerate with: python scripts/make_example_registry.py",
        "# Field reference: README.md, section 'The scheme registry'. The second line lets an editor with",
        "# the YAML language server check this file as you type (schemes.schema.json: `sprx schema`).",
        "",
        "schemes:",
    ]
    start = date(2025, 11, 1)
    extra = random.Random(SEED + 1)  # the referrer fields draw from their own stream: the rest stays as it was
    postal = random.Random(SEED + 2)  # and so does the choice of places given by postcode alone
    postcodes = PostcodeCentres()
    for i, s in enumerate(schemes):
        sid = slug(s["name"])
        verified = start + timedelta(days=rng.randrange(0, 365))
        out += ["", f"  - id: {sid}", f"    name: {q(s['name'])}", f"    provider: {q(s['provider'])}",
                f"    boroughs: [{', '.join(s['boroughs'])}]",
                f"    description: {q(s['description'])}",
                f"    categories: [{', '.join(s['categories'])}]",
                f"    referral_routes: [{', '.join(s['routes'])}]",
                f"    target_groups: [{', '.join(s['groups'])}]"]
        out += referrer_lines(s["template"], sid, extra)
        n_sites = 0 if rng.random() < 0.15 else (len(s["boroughs"]) if len(s["boroughs"]) > 1 else
                                                 rng.choice([1, 1, 1, 1, 2, 3]))
        if n_sites:
            out.append("    locations:")
            for k in range(n_sites):
                borough = s["boroughs"][k % len(s["boroughs"])]
                lat, lon = point_in(shape[borough], rng)
                venue = f"{borough} {rng.choice(VENUES)} (example)"
                out += [f"      - name: {q(venue)}",
                        f"        address: {q(f'{rng.randint(1, 120)} Example Road, {borough}')}"]
                # about one place in three is given as a keeper knows it: by postcode, no coordinates
                near = postcodes.nearest(lat, lon, shape[borough]) if postal.random() < 0.35 else None
                out += [f"        postcode: {near}"] if near else [f"        lat: {lat}", f"        lon: {lon}"]
        out.append(f"    website: https://example.org/schemes/{sid}")
        out.append(f"    email: {sid}@example.org")
        if rng.random() < 0.8:
            out.append(f"    phone: 020 7946 0{i * 13 % 1000:03d}")
        if i in status:
            out.append(f"    status: {status[i]}")
        out.append(f"    last_verified: {verified.isoformat()}")
    (ROOT / "schemes.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote schemes.yaml: {len(schemes)} schemes")


if __name__ == "__main__":
    main()
