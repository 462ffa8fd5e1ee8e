"""Ranking: a participant puts all of a step's options (its items, 2 to 10) in order.

The phone posts one field per item, ``rank_<option id>``, holding the rank given to it (1 is the
top). The answer kept is the list of option ids, best first. The room's results are the average
rank of each item (a Borda count in other words) with the range of ranks it was given.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from .base import Answer, answers_of, as_int, options_of, refuse

RANK_FIELD = "rank_"
MIN_ITEMS, MAX_ITEMS = 2, 10


@dataclass(frozen=True)
class ItemResult:
    option: object
    average: float | None  # mean rank, 1 = first; None when nobody ranked the item
    best: int | None  # the highest rank anyone gave (the smallest number)
    worst: int | None
    percent: int  # Borda points as a share of the most possible: 100 if everyone put it first
    leading: bool = False


@dataclass(frozen=True)
class RankingResults:
    items: list  # best first
    total: int  # people who answered


def _labels(options):
    return ", ".join(f"“{option.label}”" for option in options)


def clean_ranking(step, payload):
    items = list(step.options.all())
    if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        refuse(
            _("This ranking needs %(min)d to %(max)d items before it can be answered.")
            % {"min": MIN_ITEMS, "max": MAX_ITEMS}
        )
    by_id = {option.pk: option for option in items}
    not_an_item = _("That is not one of the items to rank.")
    out_of_range = _("Ranks go from 1 to %(n)d.") % {"n": len(items)}
    ranks = {}
    for name, values in payload.items():
        if not str(name).startswith(RANK_FIELD):
            continue
        option = by_id.get(as_int(str(name)[len(RANK_FIELD) :], not_an_item))
        if option is None:
            refuse(not_an_item)
        given = [str(v).strip() for v in values if str(v).strip()]
        if len(given) > 1:
            refuse(_("Give “%(item)s” one rank only.") % {"item": option.label})
        if given:
            rank = as_int(given[0], out_of_range)
            if not 1 <= rank <= len(items):
                refuse(out_of_range)
            ranks[option.pk] = rank
    if missing := [option for option in items if option.pk not in ranks]:
        refuse(
            _("Give every item a rank. Still without one: %(items)s.") % {"items": _labels(missing)}
        )
    holders = defaultdict(list)
    for option in items:
        holders[ranks[option.pk]].append(option)
    for rank, options in sorted(holders.items()):
        if len(options) > 1:
            refuse(
                _("Each rank can go to one item only; %(rank)d is given to %(items)s.")
                % {"rank": rank, "items": _labels(options)}
            )
    return Answer(value=sorted(ranks, key=ranks.get))


def tally_ranking(step, pass_number):
    items = options_of(step)
    ranks = defaultdict(list)
    total = 0
    for order in answers_of(step, pass_number).values_list("value", flat=True):
        if not isinstance(order, list):
            continue
        total += 1
        for rank, option_id in enumerate(order, start=1):
            ranks[option_id].append(rank)
    worst_possible = max(len(items) - 1, 1)
    results = []
    for option in items:
        given = ranks[option.pk]
        average = statistics.fmean(given) if given else None
        results.append(
            ItemResult(
                option=option,
                average=round(average, 1) if given else None,
                best=min(given, default=None),
                worst=max(given, default=None),
                percent=round(100 * (len(items) - average) / worst_possible) if given else 0,
            )
        )
    results.sort(key=lambda r: (r.average is None, r.average or 0, r.option.position))
    top = results[0].average if results else None
    results = [replace(r, leading=r.average is not None and r.average == top) for r in results]
    return RankingResults(items=results, total=total)
