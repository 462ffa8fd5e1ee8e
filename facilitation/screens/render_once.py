"""What one render of a round reads once for all its variants.

A push renders the stage once per variant (per answer, per author, per group, per language); what
is the same for all of them is read on the first and kept on the round or step being rendered,
which lives only as long as that render (a push or a request loads them afresh).
"""


def kept_for_this_render(instance, name, read):
    """``read()``, kept on ``instance`` (a round or step loaded for one render) as ``name``."""
    if not hasattr(instance, name):
        setattr(instance, name, read())
    return getattr(instance, name)
