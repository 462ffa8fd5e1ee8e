"""``{% report_link round %}``: the link to a round's published report, or nothing."""

from django import template

from ..services import is_published

register = template.Library()


@register.inclusion_tag("reports/link.html")
def report_link(round):
    return {"round": round, "published": is_published(round)}
