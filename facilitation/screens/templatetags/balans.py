import nh3
from django import template
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from facilitation.deliberation.answer_kinds import scale_points as points_of
from facilitation.screens import reading

register = template.Library()

# Facilitator Markdown: raw HTML off in the parser, and the output sanitised all the same.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


@register.filter
def markdown(text):
    return mark_safe(nh3.clean(_markdown.render(text or "")))  # noqa: S308


@register.filter
def scale_points(step):
    return list(points_of(step))


@register.filter
def passage(source):
    """A quoted passage of a finding as the reader saw it: Markdown markers left out."""
    return "".join(text for text, what in reading.pieces(source or "") if what == "text")
