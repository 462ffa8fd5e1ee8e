"""``{% recorder round %}``: the console's recording controls, or nothing for a workshop that is
not recorded; ``{{ seconds|clock }}``: a recording's offset as m:ss."""

from django import template

from ..chapters import clock as as_clock
from ..models import Recording

register = template.Library()


@register.inclusion_tag("recording/console.html", takes_context=True)
def recorder(context, round):
    recordings = list(round.recordings.all()) if round.workshop.recorded else []
    running = next((r for r in recordings if r.status != Recording.Status.STOPPED), None)
    return {
        "round": round,
        "recorded": round.workshop.recorded,
        "recordings": recordings,
        "running": running,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def clock(seconds):
    return as_clock(seconds or 0)


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: a dict's value by a key that is a variable."""
    return mapping.get(key) if mapping else None
