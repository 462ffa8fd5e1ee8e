"""Benchmark: research exports of a workshop with many events, in time and peak memory.

Builds a workshop in a fresh temporary database (SQLite unless --database-url names an empty
PostgreSQL database), with --participants people who answered every step and --events events
in all, then streams each export format to a byte counter. Each format runs twice: once for the
time, once under tracemalloc for the peak of Python memory. It does the same at a tenth of the
events and prints the ratios: time should grow with the events (about 10x), memory should not
(about 1x), since every format streams. Nothing is asserted; read the ratios.

    .venv/bin/python bench/exports.py                      # 100,000 events
    .venv/bin/python bench/exports.py --events 20000 --formats csv json
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FORMATS = ["csv", "json", "xlsx", "log", "transcript", "jsonld", "qdpx"]


def setup_django(data_dir, database_url):
    os.environ["BALANS_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facilitation.settings")
    os.environ.pop("REDIS_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_workshop(events, participants, seed_title):
    """A workshop whose round everyone answered, its log padded with events to ``events``."""
    from django.db import transaction

    from facilitation.deliberation.models import Response
    from facilitation.workshops.models import Attendance, Event, Participant, Step, Workshop
    from facilitation.workshops.services import create_round

    workshop = Workshop.objects.create(title=seed_title)
    round = create_round(workshop, title="Round")
    with transaction.atomic():
        people = Participant.objects.bulk_create(
            Participant(
                workshop=workshop, number=n, token=f"{seed_title}-t{n}", rejoin_code=f"R{n:07d}"
            )
            for n in range(1, participants + 1)
        )
        Attendance.objects.bulk_create(Attendance(round=round, participant=p) for p in people)
        steps = [
            Step.objects.create(round=round, position=i, kind=kind, title=f"Step {i}", body="Text")
            for i, kind in enumerate([Step.Kind.OPEN_TEXT, Step.Kind.SCALE] * 3, start=1)
        ]
        Response.objects.bulk_create(
            Response(step=s, participant=p, value=f"Answer of P{p.number} to {s.title}")
            for s in steps
            for p in people
        )
        batch = []
        for i in range(events):
            p, s = people[i % len(people)], steps[i % len(steps)]
            batch.append(
                Event(
                    workshop=workshop,
                    round=round,
                    step=s,
                    participant=p,
                    kind="answer.given",
                    payload={"pass_number": 1, "value": f"Answer number {i}", "option": None},
                )
            )
            if len(batch) == 5000:
                Event.objects.bulk_create(batch)
                batch = []
        Event.objects.bulk_create(batch)
    return workshop


class Counter:
    def __init__(self):
        self.size = 0

    def write(self, data):
        self.size += len(data)


def measure(workshop, key):
    from facilitation.research.exports import write_export
    from facilitation.research.scope import ExportScope

    out = Counter()
    started = time.perf_counter()
    write_export(ExportScope(workshop), key, out)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    write_export(ExportScope(workshop), key, Counter())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20, out.size / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=FORMATS)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="balans-bench-exports-") as data_dir:
        setup_django(data_dir, args.database_url)
        small_events = max(args.events // 10, 1)
        print(f"Building workshops with {small_events:,} and {args.events:,} events …")
        small = build_workshop(small_events, args.participants, "bench-small")
        large = build_workshop(args.events, args.participants, "bench-large")
        header = (
            f"{'format':<11}{'events':>9}{'seconds':>9}{'peak MiB':>10}{'out MiB':>9}"
            f"{'time ratio':>12}{'memory ratio':>14}"
        )
        print(header)
        for key in args.formats:
            s_time, s_peak, s_size = measure(small, key)
            l_time, l_peak, l_size = measure(large, key)
            print(f"{key:<11}{small_events:>9,}{s_time:>9.2f}{s_peak:>10.1f}{s_size:>9.1f}")
            print(
                f"{'':<11}{args.events:>9,}{l_time:>9.2f}{l_peak:>10.1f}{l_size:>9.1f}"
                f"{l_time / s_time:>12.1f}{l_peak / s_peak:>14.2f}"
            )
        print("Ratios: large over small. Streaming keeps the memory ratio near 1.")


if __name__ == "__main__":
    main()
