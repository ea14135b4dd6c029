"""Logging filters named in settings.LOGGING."""

import logging


class TracebackOnlyFor5xx(logging.Filter):
    """Drop the traceback from a record about a refused request (status below 500): the line says enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
