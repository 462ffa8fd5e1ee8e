"""Every state a projector can be in, reached through the domain functions, one at a time.

Runs inside a deployment's Django (a process of its own, started by ``StateDriver``): each
``next`` on its stdin moves the room on to the next state and answers with the state's name and
the projector key of the round on screen. The browser test then looks at the projector in that
state. Two workshops can be walked, each in a driver of its own (so that two test workers share
them): the demo (its live round, then a next round opening with a recap and asking the dilemmas
again, for then and now) and a stress workshop with the longest content the projector must fit
(and a next round opening with a recap of its heaviest results).
"""

import json
import random
import subprocess
import sys

from tests.e2e.server import FACILITATOR, ROOT

# Longest content a facilitator can give: 8 options of 120 characters, a 2,500-character finding
# with a quote and a list, 12 statements; 40 notes and 6 groups are added while it runs.
OPTION = (
    "Option {n}: answer every comment the same working day, in plain words, "
    "and link to the page where residents can act"
)
FINDING = "\n\n".join(
    [
        "## What the interviews said",
        "Communicators describe a daily tension between what the platforms reward and what a "
        "public authority owes every resident. A post that treats one organiser generously can "
        "look like favouritism to the next, and the platform's reach makes the difference "
        "visible to everyone at once. Several teams said they now write down, for each kind of "
        "post, who else would have to be offered the same, and they keep that list where the "
        "whole team can find it when a question comes in, on a quiet day or a busy one.",
        "> We are not a brand. We are the municipality, and everything we post is an official "
        "act that someone may ask us to account for, years later, in a public records request.",
        "Three practices came up again and again in the workshops:",
        "- a published rule for what the municipality shares from others, applied to everyone;",
        "- a named person who answers comments on weekdays, and a plain note on weekends;",
        "- keeping every post and reply as a public record, with the decisions behind it.",
        "Teams that had such rules found debates easier to handle, because they could point to "
        "the rule instead of defending a single choice. Teams without them spent much of their "
        "time on case-by-case judgement, often late in the evening, and felt exposed when a "
        "decision was questioned by a journalist or a council member. Smaller municipalities "
        "have fewer people and rely on one communicator who covers every channel, which makes "
        "written rules even more valuable, because they let a substitute act the same way.",
        "Several participants also described how the work changes once a municipality starts a "
        "dialogue. Residents expect answers in the evening, on weekends and during holidays, "
        "and a question left open for a day can become a story of its own. Teams that set out "
        "plainly when they answer, and where an urgent matter should go instead, met fewer "
        "complaints than teams that tried to be available at all hours without saying so. The "
        "workshops returned to this point many times: promising less, and keeping it, built "
        "more trust than promising everything and keeping it now and then.",
        "Engagement itself was not seen as the problem. Many wanted more dialogue with "
        "residents, but on terms a public authority can keep: answerable, equal and on record. "
        "The question the room keeps returning to is therefore not whether to be on social "
        "media, but how to stay a public authority while being there, every day, in public, "
        "with the whole town watching, and with the platform deciding who sees what first.",
    ]
)
STRESS_TEMPLATE = {
    "title": "Projector stress workshop",
    "language": "en",
    "codebook": [{"name": "Equal treatment"}, {"name": "Risk"}, {"name": "Tone"}],
    "description": "",
    "rounds": [
        {
            "title": "Stress round",
            "steps": [
                {
                    "kind": "finding",
                    "title": "A long finding with a quote and a list",
                    "body": FINDING,
                },
                *[
                    {
                        "kind": kind,
                        "title": f"{most} long options: {kind.replace('_', ' ')}",
                        "body": "Choose what your municipality would do **first**.",
                        "options": [
                            {"label": OPTION.format(n=n)[:120]} for n in range(1, most + 1)
                        ],
                        **extra,
                    }
                    for kind, most, extra in [
                        ("dilemma", 6, {}),  # the most options a dilemma may have
                        ("single_choice", 8, {}),
                        ("multiple_choice", 8, {"settings": {"max_picks": 3}}),
                        ("ranking", 8, {}),
                    ]
                ],
                {
                    "kind": "statements",
                    "title": "Twelve statements",
                    "body": "Agree, disagree or pass.",
                    "hide_results": False,
                    "statements": [
                        f"Statement {n}: we answer residents on every channel within one "
                        "working day, also when the matter is difficult."
                        for n in range(1, 13)
                    ],
                },
                {"kind": "scale", "title": "How personal can we sound?", "body": "1 is formal."},
                {"kind": "open_text", "title": "What makes a post ours?", "body": "One line."},
                {"kind": "placement", "title": "Where does it land?", "body": "Place it."},
                {"kind": "discussion", "title": "Six groups discuss", "body": "Talk it over."},
                {"kind": "conduct", "title": "Our code", "body": "Propose and endorse."},
            ],
        }
    ],
}


def states(*, stress):
    """Yield (state name, projector key) for every state of the demo or the stress workshop."""
    from django.contrib.auth import get_user_model

    from facilitation.deliberation.demo import demo_key
    from facilitation.deliberation.workshop_templates import FORMAT, VERSION, import_template
    from facilitation.workshops import services
    from facilitation.workshops.models import Round

    by = get_user_model().objects.get(username=FACILITATOR)
    if stress:
        workshop = import_template({"format": FORMAT, "version": VERSION, **STRESS_TEMPLATE}, by=by)
        round = workshop.rounds.get()
        prefix = "stress"
    else:
        round = Round.objects.get(workshop__demo_key=demo_key("en"))
        prefix = "demo"
    rng = random.Random(5)
    services.start_round(round, by=by)
    people = [services.join_round(round) for _ in range(12)]
    yield f"{prefix}-00-lobby", round.projector_key
    for number, step in enumerate(round.ordered_steps(), start=1):
        for state in step_states(round, step, people, by, rng, stress=stress):
            yield f"{prefix}-{number:02d}-{step.kind}-{state}", round.projector_key
    if stress:
        # The next round opens with a recap of the heaviest results, long questions, the code.
        ask_questions(round, people, by, long=True)
        later = continue_with_recap(round, by, ["dilemma", "multiple_choice", "statements"])
        yield "stress-r01-recap-shown", later.projector_key
        return
    # The next round asks the dilemmas and choice questions again: then and now.
    ask_questions(round, people, by, long=False)
    later = continue_with_recap(round, by, ["dilemma", "placement", "open_text"])
    for person in people:
        services.join_round(later, participant=person)
    yield "demo-r01-recap-shown", later.projector_key
    for number, step in enumerate(later.ordered_steps(), start=1):
        if step.rerun_of_id:
            services.go_to_step(later, step, by=by)
            answer(round, step, people, by, rng)
            services.reveal_results(step, by=by)
            yield f"demo-t{number:02d}-{step.kind}-then-now", later.projector_key


def ask_questions(round, people, by, *, long):
    """Questions left open at the end of the round (some voted up), for the next one's recap."""
    from facilitation.questions.services import ask_question, configure_questions, upvote_question

    configure_questions(round, open_any_time=True, premoderate=False, by=by)
    text = (
        "Question {n}: how do we answer residents on every channel within one working day, "
        "also in the evening, on weekends and during the summer holidays, when the matter is "
        "difficult and the one communicator we have is away? Who decides, and where is it "
        "written down for the whole team to find?"
    )
    for n, person in enumerate(people[:8], start=1):
        question = ask_question(round, person, text=(text.format(n=n) if long else f"Why {n}?"))
        for voter in people[n:]:
            upvote_question(question, voter)


def continue_with_recap(round, by, kinds):
    """Close ``round``, start the next one from it with a recap of its first step of each of
    ``kinds``, the code of conduct and the open questions, and show the recap."""
    from facilitation.deliberation.conduct import freeze_round_version
    from facilitation.recap.services import choose_recap, start_round_from
    from facilitation.workshops import services

    services.close_round(round, by=by)
    freeze_round_version(round, by=by)
    later = start_round_from(round, title="June workshop", with_recap=True, by=by)
    picks = [round.steps.filter(kind=kind).order_by("position").first().pk for kind in kinds]
    recap = later.ordered_steps().first()
    choose_recap(recap, step_ids=picks, show_conduct=True, show_questions=True, by=by)
    services.start_round(later, by=by)
    services.go_to_step(later, recap, by=by)
    return later


def step_states(round, step, people, by, rng, *, stress):
    from facilitation.deliberation.answer_kinds import ANSWER_KINDS
    from facilitation.deliberation.demo import sample_content
    from facilitation.deliberation.finding_parts import finding_parts, show_finding_part
    from facilitation.deliberation.sample_activity import annotate_findings, work_on_the_code
    from facilitation.deliberation.services import open_second_pass
    from facilitation.workshops import services
    from facilitation.workshops.groups import RANDOM, group_of, split_into_groups
    from facilitation.workshops.models import Step

    texts = sample_content("en")
    services.go_to_step(round, step, by=by)
    yield "before"
    if step.kind in ANSWER_KINDS:
        answer(round, step, people[: len(people) // 2], by, rng)
        yield "answers"
        services.conceal_results(step, by=by)
        yield "hidden"
        answer(round, step, people[len(people) // 2 :], by, rng)
        services.reveal_results(step, by=by)
        yield "revealed"
        services.lock_voting(step, by=by)
        yield "locked"
        if ANSWER_KINDS[step.kind].second_pass:
            open_second_pass(step, by=by)
            answer(round, step, people[: len(people) // 2], by, rng)
            yield "second-hidden"
            answer(round, step, people[len(people) // 2 :], by, rng)
            services.reveal_results(step, by=by)
            yield "second-revealed"
    elif step.kind == Step.Kind.FINDING:
        for _ in range(7 if stress else 1):  # six notes a time, 40 or so on the stress wall
            annotate_findings(round, step, people, by, rng, texts)
        yield "notes"
        # A long finding is shown a part at a time: every part must fit, with its notes.
        for part in range(1, len(finding_parts(step.body))):
            show_finding_part(step, part=part, by=by)
            yield f"notes-part-{part + 1}"
        services.lock_voting(step, by=by)
        yield "locked"
    elif step.kind == Step.Kind.DISCUSSION:
        from facilitation.deliberation.discussion import add_note, set_report_back

        split_into_groups(round, method=RANDOM, count=6 if stress else 3, by=by, rng=rng)
        yield "groups"
        for number, person in enumerate(people):
            note = texts["group_notes"][number % len(texts["group_notes"])]
            add_note(step, person, group=group_of(round, person), text=note)
        yield "group-notes"
        set_report_back(step, True, by=by)
        yield "report-back"
    elif step.kind == Step.Kind.CONDUCT:
        work_on_the_code(round, step, people, by, rng, texts)
        yield "proposals"


def answer(round, step, people, by, rng):
    from facilitation.deliberation.demo import sample_content
    from facilitation.deliberation.sample_activity import sample_payload
    from facilitation.deliberation.services import submit_answer

    for person in people:
        payload = sample_payload(step, rng, sample_content("en"))
        if payload is not None:
            submit_answer(step, person, payload)


WORKSHOPS = ("demo", "stress")


def serve(workshop):
    """Answer each ``next`` on stdin with the next state of ``workshop`` (one of ``WORKSHOPS``)
    as JSON, ``{"done": true}`` at the end."""
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")
    walk = states(stress=workshop == "stress")
    for line in sys.stdin:
        if line.strip() != "next":
            continue
        name, key = next(walk, (None, None))
        reply = {"name": name, "projector_key": key} if name else {"done": True}
        print(json.dumps(reply), flush=True)


class StateDriver:
    """The process that walks the states of ``workshop``, in a deployment's environment."""

    def __init__(self, env, workshop):
        if workshop not in WORKSHOPS:
            raise ValueError(f"no such workshop to walk: {workshop!r}")
        walk = f"from tests.browser.projector_states import serve; serve({workshop!r})"
        self.process = subprocess.Popen(
            [sys.executable, "-c", walk],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __iter__(self):
        while True:
            self.process.stdin.write("next\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError("the state driver stopped (see its errors above)")
            reply = json.loads(line)
            if reply.get("done"):
                return
            yield reply["name"], reply["projector_key"]

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(20)
