import nh3
from django import template
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from facilitation.deliberation.answer_kinds import scale_points as points_of

register = template.Library()

# Facilitator Markdown: raw HTML off in the parser, and the output sanitised all the same.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


@register.filter
def markdown(text):
    return mark_safe(nh3.clean(_markdown.render(text or "")))  # noqa: S308


@register.filter
def scale_points(step):
    return list(points_of(step))
