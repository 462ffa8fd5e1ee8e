"""The three audiences of a round, as screens and pushes name them."""

PARTICIPANT, PROJECTOR, FACILITATOR = "participant", "projector", "facilitator"
