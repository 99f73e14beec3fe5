"""Names the audit log shows for the plugin's table and columns (``Plugin(labels=labels)``)."""
from __future__ import annotations

from portal.toolkit import _l

RECORDS = {"notices_notice": _l("Notice")}
FIELDS = {
    "notices_notice.title": _l("Title"),
    "notices_notice.body": _l("Content"),
    "notices_notice.pinned": _l("Pinned to the top"),
    "notices_notice.author_id": _l("Posted by"),
    "notices_notice.created_at": _l("Posted on"),
}
