"""Queueing background work from a request without ever waiting on the broker."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> None:
    """Queue `task` once the current transaction commits.

    If the broker is down the request still succeeds: the failure is logged and
    the scheduled sweep that owns this work repairs it on its next run.

    Nobody ever reads the result of work queued here, so it is sent with
    ``ignore_result``: otherwise Celery's Redis result backend first subscribes to
    the result, and with Redis down that retries for about 20 seconds before it
    gives up (bench/faults.py measured a clerk's intake hanging 16 s).
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, ignore_result=True)
        except Exception:  # noqa: BLE001 - any broker error must not reach the user
            logger.warning("Could not queue %s; the next sweep will repair it.", task.name)

    transaction.on_commit(send)
