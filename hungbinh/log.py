"""Logging for production: errors to stderr, one line each (JSON with LOG_FORMAT=json), no ID numbers.

With DEBUG off Django sends a failing request's traceback only to the site
admins' mail; without mail set up it went nowhere (gunicorn shows just the
access line). Here every record of the `django`, `hungbinh` and app loggers
goes to stderr, where systemd's journal or the container runtime keeps it.

A log line must never carry a citizen's ID number (docs/personal-data.md):
`MaskIdNumbers` rewrites the message, its arguments, the traceback and the
stack of each record so that any run of twelve digits shows only its last
four, as the pages mask them. It runs as a filter of the handler, so a
traceback that quotes a variable or an SQL statement is masked too.
"""

import json
import logging
import re
from datetime import UTC, datetime

# Twelve digits not inside a longer run of digits (a CCCD); longer numbers are left alone.
ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{8})([0-9]{4})(?![0-9])")


def mask_id_numbers(text: str) -> str:
    return ID_NUMBER.sub(lambda m: "*" * 8 + m.group(2), text)


class MaskIdNumbers(logging.Filter):
    """Renders the record's message and traceback, masked; the record then holds no unmasked number."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: its message is logged as it is
            message = str(record.msg)
        record.msg, record.args = mask_id_numbers(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_id_numbers(record.exc_text)
        # The traceback is kept as text only: a formatter would otherwise render exc_info again.
        record.exc_info = None
        if record.stack_info:
            record.stack_info = mask_id_numbers(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"], entry["path"] = request.method, mask_id_numbers(request.path)
            user = getattr(request, "user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                entry["user"] = user.get_username()
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def logging_config(*, log_format: str = "text", level: str = "INFO") -> dict:
    """The LOGGING setting: stderr, masked, text or JSON lines."""
    formatter = {"()": JsonFormatter} if log_format == "json" else {"format": TEXT_FORMAT}
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "default",
        "filters": ["mask_id_numbers"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask_id_numbers": {"()": MaskIdNumbers}},
        "formatters": {"default": formatter},
        "handlers": {"stderr": handler},
        # One handler, at the root: every logger's records reach it (and a test's capture) by propagation.
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            # Django's own: a failing request (django.request) is an ERROR with its traceback; 4xx answers
            # are part of normal use and stay out of the log.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.request": {"handlers": [], "level": "ERROR", "propagate": True},
            **{
                name: {"handlers": [], "level": level, "propagate": True}
                for name in ("hungbinh", "households", "reports", "projects", "assignments", "reviews", "program")
            },
        },
    }
