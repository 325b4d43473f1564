"""Logging for workflow jobs: one log file per rule, user errors as one sentence."""

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from topics.errors import UserError
from topics.startup import freeze_before_exit

log = logging.getLogger("topics")


@contextlib.contextmanager
def rule_log(log_path: str | Path) -> Iterator[logging.Logger]:
    """Send the package's log to the rule's log file (and stderr), for the body's duration.

    A UserError raised in the body ends the job with its sentence on stderr and exit
    code 1, so the user sees what to fix instead of a traceback.

    Every job's process ends right after its body, so it ends with freeze_before_exit.
    """
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S")
    handlers: list[logging.Handler] = [
        logging.FileHandler(log_path, mode="w", encoding="utf-8"),
        logging.StreamHandler(sys.stderr),
    ]
    for handler in handlers:
        handler.setFormatter(formatter)
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield log
    except UserError as error:
        log.error("%s", error)
        sys.exit(1)
    finally:
        for handler in handlers:
            log.removeHandler(handler)
            handler.close()
        freeze_before_exit()
