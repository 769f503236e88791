#!/usr/bin/env python3
"""Generates examples/data/job_search.csv: a synthetic year of a job seeker's networking.

The story (seeded, so the file is reproducible byte for byte):
- Sam Rivera is looking for a job from November 2025 to October 2026.
- Most recruiters Sam writes to never answer; a few answer once.
- Some recruiters write to Sam, who never answers them (one-sided the other way).
- A few people become trusted two-way relationships: Priya (former manager, monthly
  calls, introduces Sam to people), Marcus (former colleague, chats and coffees), Elena
  (ex-teammate who refers Sam).
- Daniel, a hiring manager, answers only after five unanswered emails over three months;
  then there is a call and an interview.
- Jordan was close early on (calls, lunches) and then drifted: no contact since spring.
- Meetups are mutual interactions with several people at once.
- Sam's target company: Grace Liu leads the team there; Sam has never been in touch with
  her, but Aisha, Marcus and Tomás know her (`relscore intro` finds the warm way in).

Usage: python3 examples/data/generate_job_search.py > examples/data/job_search.csv
Only the Python standard library is used.
"""

import csv
import random
import sys
from datetime import datetime, timedelta, timezone

SEED = 2026
START = datetime(2025, 11, 1, tzinfo=timezone.utc)
END = datetime(2026, 10, 31, tzinfo=timezone.utc)
ME = "Sam Rivera"

rng = random.Random(SEED)
rows = []


def at(day, hour=None):
    """A time `day` days after START, during working hours unless an hour is given."""
    h = rng.randint(8, 18) if hour is None else hour
    return START + timedelta(days=day, hours=h, minutes=rng.randint(0, 59))


def add(when, source, target, channel, weight="", mutual=False):
    if when <= END:
        rows.append((when, source, target, channel, weight, "true" if mutual else ""))


def exchange(day, other, channel, sam_first=True, reply_days=(0, 3)):
    """A two-way exchange: one side writes, the other replies a little later."""
    first = at(day)
    second = first + timedelta(days=rng.uniform(*reply_days), hours=rng.uniform(0.5, 6))
    a, b = (ME, other) if sam_first else (other, ME)
    add(first, a, b, channel)
    add(second, b, a, channel)


# Trusted two-way relationships.
for month in range(12):
    d = month * 30
    exchange(d + rng.randint(0, 5), "Priya Shah", "call", sam_first=month % 2 == 0)
    exchange(d + rng.randint(8, 20), "Priya Shah", "email", sam_first=rng.random() < 0.5)
    for _ in range(rng.randint(3, 6)):
        exchange(d + rng.randint(0, 29), "Marcus Lee", "message", sam_first=rng.random() < 0.5, reply_days=(0, 1))
    if month % 2 == 1:
        add(at(d + rng.randint(0, 29), 8), ME, "Marcus Lee", "meeting", mutual=True)
    if month >= 2:
        exchange(d + rng.randint(0, 29), "Elena García", "email", sam_first=rng.random() < 0.6)
add(at(95), "Elena García", ME, "favour", weight="6")  # a referral at her company
add(at(140), "Priya Shah", ME, "introduction")  # introduces Sam to Aisha and Tomás
add(at(141), "Priya Shah", "Aisha Rahman", "introduction")
add(at(175), "Priya Shah", "Tomás Ortega", "introduction")

# Warm introductions that took: Aisha becomes a real contact, Tomás a lighter one.
exchange(142, "Aisha Rahman", "email")
add(at(150, 12), ME, "Aisha Rahman", "meeting", weight="4", mutual=True)  # a long lunch
for day in range(165, 360, 21):
    exchange(day + rng.randint(0, 6), "Aisha Rahman", rng.choice(["email", "message", "call"]))
exchange(176, "Tomás Ortega", "email")
add(at(200), ME, "Tomás Ortega", "call", mutual=True)

# Persistence: five unanswered emails to Daniel, then an answer, a call and an interview.
for day in (20, 38, 55, 80, 104):
    add(at(day), ME, "Daniel Okafor", "email")
add(at(118), "Daniel Okafor", ME, "email")
exchange(121, "Daniel Okafor", "email", sam_first=True, reply_days=(0, 1))
add(at(126), ME, "Daniel Okafor", "call", mutual=True)
add(at(140), ME, "Daniel Okafor", "meeting", mutual=True)
for day in range(170, 360, 45):
    exchange(day + rng.randint(0, 10), "Daniel Okafor", "email", sam_first=rng.random() < 0.5)

# Drifting: close in the first months, nothing since March.
for day in range(0, 130, 9):
    exchange(day + rng.randint(0, 4), "Jordan Kim", rng.choice(["call", "message", "message", "email"]))
for day in (12, 55, 100):
    add(at(day, 12), ME, "Jordan Kim", "meeting", mutual=True)

# Recruiters Sam writes to: most never answer, a few answer once.
recruiters = ["Alex Novak", "Bea Lindqvist", "Chen Wei", "Dana Brooks", "Eitan Levi", "Fatima Zahra",
              "Greg Holm", "Hana Sato", "Ivan Petrov", "Julia Costa", "Kofi Mensah", "Lena Fischer",
              "Mateo Rossi", "Nora Berg", "Zoë Müller"]
answering = {"Chen Wei", "Hana Sato", "Lena Fischer"}
for name in recruiters:
    first = rng.randint(0, 300)
    for k in range(rng.randint(1, 3)):
        add(at(first + 14 * k), ME, name, rng.choice(["email", "message"]))
    if name in answering:
        add(at(first + rng.randint(2, 10)), name, ME, "email")

# Recruiters who write to Sam about roles Sam does not want: Sam never answers.
for name in ("Oskar Wójcik", "Paula Mendes", "Quinn Avery"):
    for k in range(rng.randint(1, 4)):
        add(at(rng.randint(0, 360)), name, ME, "message")

# Meetups: mutual, with several people at once; people meet each other too.
for day, group in ((60, ["Ravi Patel", "Sofia Andersson", "Marcus Lee"]),
                   (190, ["Ravi Patel", "José Álvarez", "Aisha Rahman"]),
                   (300, ["Sofia Andersson", "José Álvarez", "Yusuf Demir"])):
    when = at(day, 19)
    for i, person in enumerate(group):
        add(when, ME, person, "meeting", weight="1.5", mutual=True)
        for other in group[i + 1:]:
            add(when, person, other, "meeting", weight="1.5", mutual=True)
exchange(63, "Ravi Patel", "message")
exchange(305, "Yusuf Demir", "email")

# The network around Sam: Priya and Marcus know each other, and so on.
for day in range(0, 360, 25):
    add(at(day + rng.randint(0, 20)), "Priya Shah", "Marcus Lee", "email")
    add(at(day + rng.randint(0, 20)), "Marcus Lee", "Priya Shah", "email")
for day in range(30, 360, 40):
    add(at(day), "Aisha Rahman", "Tomás Ortega", "message")
    add(at(day + 1), "Tomás Ortega", "Aisha Rahman", "message")

# The company Sam most wants to join, Lumen Labs: Sam has never been in touch with Grace Liu,
# who leads the team there, but people Sam knows do. Aisha worked with Grace for years and
# they still write every couple of months; Marcus, Sam's closest tie, met her once at a conference;
# Tomás chats with her now and then. (Kept after every other random draw, so the rows
# above are the same as without it.)
for day in range(10, 330, 60):
    sent = at(day + rng.randint(0, 10))
    add(sent, "Aisha Rahman", "Grace Liu", "email")
    add(sent + timedelta(days=rng.uniform(0.5, 3)), "Grace Liu", "Aisha Rahman", "email")
add(at(150, 17), "Marcus Lee", "Grace Liu", "meeting", weight="1.5", mutual=True)
for day in range(40, 330, 60):
    add(at(day + rng.randint(0, 20)), "Tomás Ortega", "Grace Liu", "message")
    add(at(day + rng.randint(21, 25)), "Grace Liu", "Tomás Ortega", "message")

rows.sort(key=lambda r: (r[0], r[1], r[2]))
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["time", "source", "target", "channel", "weight", "mutual"])
for when, source, target, channel, weight, mutual in rows:
    out.writerow([when.strftime("%Y-%m-%dT%H:%M:%SZ"), source, target, channel, weight, mutual])
