"""Simulated activity for the demo: a whole round played through, so a new user can see results
and try the research exports without gathering a room first.

Everything goes through the same domain functions a real round uses (joining, answering,
annotating, revealing, closing), so the events and the exports are what a real round leaves.
A later capability adds its own activity (clauses, group notes) as one more function in
``SAMPLE_ACTIVITIES``; each gets the round, the step on screen, the participants, the facilitator
and a seeded random generator.
"""

import random

from facilitation.workshops import services
from facilitation.workshops.models import Step

from .anchoring import sentences
from .annotations import annotate, moderate_annotation
from .answer_kinds.placement import HIGHEST, LOWEST
from .answer_kinds.ranking import RANK_FIELD
from .answer_kinds.statements import STATEMENT_ANSWERS
from .models import Code
from .moderation import set_answer_hidden
from .services import submit_answer

# Short texts written for the demo (not quotes); by the demo's language.
SAMPLE_TEXTS = {
    "en": {
        "answers": [
            "We answer every question, however it is asked.",
            "Our own photos from our own streets, not stock images.",
            "Plain words a resident would use at the kitchen table.",
            "That it would still be fine to read out at a council meeting.",
            "It points somewhere people can act: a date, a place, a form.",
            "A named colleague who can be asked about it later.",
        ],
        "notes": [
            "We see this every week in our comments.",
            "Not sure our management would agree.",
            "This is exactly the tension in our team.",
            "Smaller municipalities have no one to moderate in the evenings.",
            "We stopped boosting posts for this reason.",
            "",
        ],
    },
    "sv": {
        "answers": [
            "Vi svarar på alla frågor, hur de än ställs.",
            "Egna bilder från våra egna gator, inte bildbanker.",
            "Vardagliga ord som invånarna själva använder.",
            "Att den går att läsa upp på ett fullmäktigemöte.",
            "Den pekar på något man kan göra: ett datum, en plats, ett formulär.",
            "En namngiven kollega som går att fråga efteråt.",
        ],
        "notes": [
            "Det här ser vi varje vecka i kommentarerna.",
            "Osäker på om ledningen håller med.",
            "Precis den spänningen finns i vårt team.",
            "Mindre kommuner har ingen som modererar på kvällarna.",
            "Vi slutade köpa räckvidd av just det skälet.",
            "",
        ],
    },
}
SAMPLE_PARTICIPANTS = 12
REACTIONS = ["", "agree", "surprising", "not_true_for_us"]


def play_sample_round(round, *, facilitator, language="en", seed=1):
    """Run a draft round from start to close with simulated participants; return the round.

    Each step is shown, answered (or annotated) by most of the room, locked, revealed, and the
    round is closed at the end, all recorded as events.
    """
    rng = random.Random(seed)
    texts = SAMPLE_TEXTS.get(language, SAMPLE_TEXTS["en"])
    services.start_round(round, by=facilitator)
    participants = [services.join_round(round) for _ in range(SAMPLE_PARTICIPANTS)]
    for step in round.ordered_steps():
        services.go_to_step(round, step, by=facilitator)
        for activity in SAMPLE_ACTIVITIES:
            activity(round, step, participants, facilitator, rng, texts)
        if step.kind != Step.Kind.FINDING:
            services.lock_voting(step, by=facilitator)
            services.reveal_results(step, by=facilitator)
    services.close_round(round, by=facilitator)
    return round


def answer_steps(round, step, participants, facilitator, rng, texts):
    for participant in participants:
        if rng.random() < 0.15:
            continue  # not everyone answers everything
        payload = sample_payload(step, rng, texts)
        if payload is not None:
            submit_answer(step, participant, payload)


def sample_payload(step, rng, texts):
    options = list(step.options.values_list("pk", flat=True))
    match step.kind:
        case Step.Kind.DILEMMA | Step.Kind.SINGLE_CHOICE:
            return {"option": [str(rng.choice(options))]}
        case Step.Kind.MULTIPLE_CHOICE:
            picked = rng.sample(options, k=rng.randint(1, min(3, len(options))))
            return {"option": [str(pk) for pk in picked]}
        case Step.Kind.RANKING:
            order = rng.sample(options, k=len(options))
            return {f"{RANK_FIELD}{pk}": [str(rank)] for rank, pk in enumerate(order, start=1)}
        case Step.Kind.SCALE:
            points = step.settings.get("points", 5)
            return {"value": [str(rng.randint(1, points))]}
        case Step.Kind.PLACEMENT:
            return {"position": [str(rng.randint(LOWEST, HIGHEST))], "reason": [""]}
        case Step.Kind.STATEMENTS:
            statement = step.statements.filter(status="approved").order_by("?").first()
            if statement is None:
                return None
            return {"statement": [str(statement.pk)], "answer": [rng.choice(STATEMENT_ANSWERS)]}
        case Step.Kind.OPEN_TEXT:
            return {"text": [rng.choice(texts["answers"])]}
    return None


def annotate_findings(round, step, participants, facilitator, rng, texts):
    if step.kind != Step.Kind.FINDING:
        return
    spans = sentences(step.body)
    codes = list(Code.objects.filter(workshop=round.workshop).values_list("pk", flat=True))
    for participant in rng.sample(participants, k=len(participants) // 2):
        start, end = rng.choice(spans)
        annotate(
            step,
            participant,
            start=start,
            end=end,
            note=rng.choice(texts["notes"]),
            code_ids=rng.sample(codes, k=min(len(codes), rng.randint(0, 2))),
            reaction=rng.choice(REACTIONS),
        )


def moderate_a_little(round, step, participants, facilitator, rng, texts):
    """Pin the first note on a finding and hide one open answer, as a facilitator would."""
    if step.kind == Step.Kind.FINDING:
        first = step.annotations.order_by("created_at", "pk").first()
        if first is not None:
            moderate_annotation(first, action="pin", by=facilitator)
    elif step.kind == Step.Kind.OPEN_TEXT:
        last = step.responses.order_by("-created_at", "-pk").first()
        if last is not None:
            set_answer_hidden(last, True, by=facilitator)


SAMPLE_ACTIVITIES = [answer_steps, annotate_findings, moderate_a_little]


def add_sample_round(workshop, *, language="en", facilitator=None):
    """Add a closed, played-through round to the demo workshop, unless it has one; return it.

    The demo's own draft round stays untouched, ready to run live.
    """
    from .authoring import clean_content, create_step
    from .demo import demo_template

    [agenda] = demo_template(language)["rounds"]
    title = f"{agenda['title']} · {SAMPLE_ROUND_SUFFIX[language]}"
    existing = workshop.rounds.filter(title=title).first()
    if existing is not None:
        return existing, False
    round = services.create_round(workshop, title=title, by=facilitator)
    for position, step_content in enumerate(agenda["steps"], start=1):
        create_step(round, position, clean_content(step_content))
    return play_sample_round(round, facilitator=facilitator, language=language), True


SAMPLE_ROUND_SUFFIX = {"en": "sample activity", "sv": "exempelaktivitet"}
