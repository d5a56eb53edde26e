"""A person's notes and chats over half a year, with questions whose answers are known.

Sam lives in Paris, then moves to Lyon; works at Globex, then joins Acme Robotics; adopts a dog;
has a birthday in March; keeps coming back to running and cooking. Times are local dates.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path


def t(day: str, hour: int = 12) -> float:
    return datetime.strptime(day, "%Y-%m-%d").replace(hour=hour).timestamp()


# (id, conversation, date, speaker, text)
CHATS: list[tuple[str, str, str, str, str]] = [
    ("c1-1", "jan", "2024-01-10", "user", "I live at 12 Rue Cler, Paris. It's a small flat near the market."),
    ("c1-2", "jan", "2024-01-10", "assistant", "Noted. A flat near the market sounds convenient."),
    ("c1-3", "jan", "2024-01-15", "user", "I work at Globex as a data analyst, mostly dashboards."),
    ("c1-4", "jan", "2024-01-20", "user", "Went for a 5 km run along the Seine this morning, felt slow."),
    ("c2-1", "feb", "2024-02-02", "user", "My sister Anna is visiting next weekend, she loves museums."),
    ("c2-2", "feb", "2024-02-12", "user", "Signed up for the Lyon half marathon in September. Training starts now."),
    ("c2-3", "feb", "2024-02-20", "user", "My birthday is on 14 March, I'd like a quiet dinner this year."),
    ("c3-1", "mar", "2024-03-14", "user", "Had a lovely birthday dinner with Anna at Chez Janou, the chocolate mousse was huge."),
    ("c3-2", "mar", "2024-03-22", "user", "Tried a new recipe: ratatouille with smoked paprika. Too salty, use less next time."),
    ("c4-1", "apr", "2024-04-03", "user", "We adopted a dog named Rex from the shelter! He is a beagle mix."),
    ("c4-2", "apr", "2024-04-20", "user", "Rex chewed my running shoes again, I need new ones before the long runs."),
    ("c4-3", "apr", "2024-04-28", "user", "Long run of 15 km today, knees fine, pace 5:40 per km."),
    ("c5-1", "may", "2024-05-06", "user", "I started a new job at Acme Robotics today, on the perception team."),
    ("c5-2", "may", "2024-05-18", "user", "Cooked ratatouille again with less salt: much better. Anna wants the recipe."),
    ("c6-1", "jun", "2024-06-01", "user", "We moved to 5 Oak Street, Lyon. Boxes everywhere, Rex is confused."),
    ("c6-2", "jun", "2024-06-03", "user", "My email is sam.river@example.org for the new lease paperwork."),
    ("c6-3", "jun", "2024-06-05", "user", "First run along the Rhône from the new place, 10 km, lovely river path."),
]

NOTES: dict[str, str] = {
    "garden.md": "# Balcony garden\nTomatoes (San Marzano) and basil in the big pot. Water every evening in June.\n",
    "running.md": "# Half marathon plan\nLong run on Sundays, intervals on Wednesdays. Goal: under 2 hours.\n",
}

# question -> a string the top recall hits must contain (the right, newest answer) and, where
# a knowledge update happened, the old value that must not be preferred.
QUESTIONS: list[tuple[str, str, str | None]] = [
    ("Where do I live now?", "Oak Street", "Rue Cler"),
    ("Where do I work?", "Acme Robotics", "Globex"),
    ("What is my dog called?", "Rex", None),
    ("When is my birthday?", "14 March", None),
    ("What is my email address?", "sam.river@example.org", None),
    ("Who is my sister?", "Anna", None),
]

# Questions nothing in the corpus answers: ``ask`` must abstain.
ABSTAIN = ["What is my passport number?", "What did the doctor say about my blood pressure?"]


def write_jsonl(path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for mid, conv, day, speaker, text in CHATS:
            fh.write(json.dumps({"id": mid, "conversation": conv, "time": datetime.fromtimestamp(t(day)).isoformat(),
                                 "speaker": speaker, "text": text}) + "\n")
    return path


def write_notes(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
