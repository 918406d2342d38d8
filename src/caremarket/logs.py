"""Keep secrets that travel in URLs out of every log line.

The "carry on" link `/help/return/<token>/` carries a token that opens a resident's answers.
`RedactSecrets` rewrites it to `/help/return/[link]/` in any record it sees: it is on the
server's own log handler (settings.LOGGING: Django's "Not Found: …" lines and errors) and on
gunicorn's access and error logs (`GunicornLogger`, set by `caremarket serve`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

#: Paths whose next segment is a secret: (pattern, replacement).
SECRET_PATHS = [(re.compile(r"(/help/return/)[^/?#\s\"']+"), r"\1[link]")]


def redact(text: str) -> str:
    for pattern, replacement in SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """A logging filter that formats each record once and removes secrets from it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class GunicornLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger with the secrets filter on its access and error logs."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(RedactSecrets())
