"""Permission codes of the awards plugin."""
from __future__ import annotations

NOMINATE = "awards.nominate"  # units nominate their own collectives, individuals, households
MANAGE = "awards.manage"  # the council secretariat: award types, council, rounds, sessions
VOTE = "awards.vote"  # council members (and only those on a session's roll actually vote)
VIEW = "awards.view"  # leadership and others: published results
REGISTRATIONS = "awards.registrations"  # the standing office and secretariat: approve and sum up registrations
