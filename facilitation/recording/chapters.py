"""What a recording's chapter is called: the round's event in words, in the page's language."""

from django.utils.translation import gettext as _


def chapter_label(event):
    """A short name for the moment ``event`` marks (a step shown names the step)."""
    step = event.step
    step_name = (
        _("Step %(position)d: %(title)s") % {"position": step.position, "title": step.title}
        if step is not None
        else ""
    )
    if event.kind == "step.shown":
        return step_name or _("The lobby")
    labels = {
        "round.started": _("The round started"),
        "round.paused": _("The round paused"),
        "round.resumed": _("The round resumed"),
        "round.closed": _("The round closed"),
        "results.revealed": _("Results revealed"),
        "results.hidden": _("Results hidden"),
        "voting.locked": _("Voting locked"),
        "voting.unlocked": _("Voting reopened"),
        "pass.opened": _("Second vote opened"),
        "groups.split": _("Groups split"),
        "groups.dissolved": _("Groups ended"),
        "discussion.report_back": _("Report-back"),
        "conduct.clause_accepted": _("Clause accepted"),
        "conduct.amendment_accepted": _("New wording accepted"),
    }
    label = labels.get(event.kind, event.kind)
    return f"{label} · {step_name}" if step_name else label


def webvtt(chapters, duration):
    """A WebVTT chapters file: one cue per (offset, label) from its offset to the next one's (the
    last one to ``duration``, or a second on when the length is not known)."""
    cues = []
    for number, (offset, label) in enumerate(chapters, start=1):
        following = chapters[number][0] if number < len(chapters) else duration
        end = following if following is not None and following > offset else offset + 1
        cues.append((offset, end, label))
    return webvtt_cues(cues)


def webvtt_notes(notes, duration, *, seconds):
    """A WebVTT file of notes: one cue per (offset, label), shown for ``seconds`` (or up to
    ``duration``); cues may overlap, as subtitles may."""
    cues = []
    for offset, label in notes:
        end = offset + seconds
        if duration is not None and offset < duration:
            end = min(end, duration)
        cues.append((offset, end, label))
    return webvtt_cues(cues)


def webvtt_cues(cues):
    lines = ["WEBVTT", ""]
    for number, (start, end, label) in enumerate(cues, start=1):
        text = " ".join(label.split()).replace("-->", "→")
        lines += [str(number), f"{vtt_time(start)} --> {vtt_time(end)}", text, ""]
    return "\n".join(lines)


def vtt_time(seconds):
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def clock(seconds):
    """Seconds as h:mm:ss or m:ss."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
