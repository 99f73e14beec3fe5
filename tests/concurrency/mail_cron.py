"""The outbox's cron sender in a process of its own: ``flask portal mail send`` run back to back, as an overlapping
cron job or a second server would, while the gunicorn workers send their just-committed mail in the background.

    python -m tests.concurrency.mail_cron FOLDER

Configured through the environment like the gunicorn under test (``conftest.server_env``). Touches FOLDER/ready
once it runs the command, stops when FOLDER/stop exists and writes FOLDER/result.json: runs, mails it sent, and the
output of any run that did not end cleanly.
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path


def main(folder: Path) -> None:
    from portal import create_app

    app = create_app()
    runner = app.test_cli_runner()
    runs, sent, errors = 0, 0, []
    while True:
        stop = (folder / "stop").exists()  # one more run after the signal: nothing due is left behind
        result = runner.invoke(args=["portal", "mail", "send"])
        runs += 1
        found = re.search(r"sent: (\d+)", result.output)
        if result.exit_code != 0 or not found:
            errors.append(result.output[-500:] + repr(result.exception))
        else:
            sent += int(found.group(1))
        if runs == 1:
            (folder / "ready").touch()
        if stop:
            break
        time.sleep(0.002)
    (folder / "result.json").write_text(json.dumps({"runs": runs, "sent": sent, "errors": errors[:5]}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
