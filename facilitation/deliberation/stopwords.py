"""Words too common to say anything in a word cloud, in Swedish and English (casefolded)."""


def _words(text):
    return frozenset(text.split())


SWEDISH = _words(
    """
    alla allt alltså att av bara bli blev blir de dem den denna deras dess dessa det detta dig din
    dina ditt du där då efter eftersom ej eller en er era ert ett fast finns från för genom ha hade
    han hans har hela helt henne hennes hon honom hur här i icke ingen inget inga inom inte jag ju
    kan kanske kommer kunde man med mellan men mer mig min mina mitt mot mycket många ni nog när
    någon något några nu och också om oss på samma sedan sig sin sina sitt själv ska skall
    skulle som så sådan sådana sådant till under upp ut utan vad var vara varför varit varje vars
    vem vi vid vilka vilken vilket vår våra vårt än ännu är ändå även åt över
    """
)

ENGLISH = _words(
    """
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves
    """
)

STOP_WORDS = SWEDISH | ENGLISH


def is_stop_word(word):
    """Whether a casefolded word is too common to count."""
    return word in STOP_WORDS
