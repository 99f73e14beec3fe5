"""Permission codes of the awards plugin."""
from __future__ import annotations

from portal.plugin import NoticeKind
from portal.toolkit import _l

NOMINATE = "awards.nominate"  # units nominate their own collectives, individuals, households
MANAGE = "awards.manage"  # the council secretariat: award types, council, rounds, sessions
VOTE = "awards.vote"  # council members (and only those on a session's roll actually vote)
VIEW = "awards.view"  # leadership and others: published results
REGISTRATIONS = "awards.registrations"  # the standing office and secretariat: approve and sum up registrations


VOTING_NOTICE = "awards.voting"  # a council member's vote is open
DECISION_NOTICE = "awards.decision"  # a unit's nominees were awarded by an issued decision

NOTICE_KINDS = (
    NoticeKind(VOTING_NOTICE, _l("Voting is open in a session I sit on")),
    NoticeKind(DECISION_NOTICE, _l("An award decision for our unit")),
)
