"""A real Celery worker process runs a task sent through a real broker.

Without REDIS_URL the broker is kombu's filesystem transport (the default that
needs no server); with REDIS_URL (CI sets it) the same test goes through Redis.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from hall.jobs import enqueue

pytestmark = pytest.mark.celery

ROOT = Path(settings.BASE_DIR)


def _broker_config(tmp_path: Path) -> tuple[dict[str, str], dict]:
    """Environment for the worker, and the same settings for the sending app."""
    redis_url = os.environ.get("REDIS_URL", "")
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_SECRET_KEY": "celery-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
        conf = {"broker_url": redis_url, "result_backend": redis_url}
    else:
        broker, results = tmp_path / "broker", tmp_path / "results"
        for folder in (broker / "queue", broker / "control", results):
            folder.mkdir(parents=True)
        env["HALL_BROKER_DIR"] = str(broker)
        env["HALL_RESULTS_DIR"] = str(results)
        conf = {
            "broker_url": "filesystem://localhost/",
            "broker_transport_options": {
                "data_folder_in": str(broker / "queue"),
                "data_folder_out": str(broker / "queue"),
                "control_folder": str(broker / "control"),
                "store_processed": False,
            },
            "result_backend": f"file://{results}",
        }
    return env, conf


@pytest.fixture
def worker(tmp_path):
    env, conf = _broker_config(tmp_path)
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - closed in the finalizer
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sender = Celery("probe", set_as_current=False)
    sender.conf.update(task_serializer="json", accept_content=["json"], **conf)
    try:
        yield sender, process, tmp_path / "worker.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _log_with(path: Path, text: str, *, seconds: float) -> str:
    """The worker's log once it holds ``text``, or as it is after ``seconds``."""
    deadline = time.monotonic() + seconds
    log = path.read_text()
    while text not in log and time.monotonic() < deadline:
        time.sleep(0.2)
        log = path.read_text()
    return log


def test_a_real_worker_process_runs_a_task_sent_through_the_broker(worker):
    sender, process, log_path = worker
    result = sender.send_task("hall.tasks.ping", args=[21])
    try:
        answer = result.get(timeout=60)
    except Exception:
        pytest.fail("the worker did not answer; its log:\n" + log_path.read_text())
    assert answer["value"] == 42
    assert process.poll() is None, "the worker process died"
    # The result reaches the backend before the worker logs "succeeded":
    # wait a little for the line rather than racing it.
    log = _log_with(log_path, "succeeded", seconds=15)
    assert "hall.tasks.ping" in log and "succeeded" in log
    transport = "redis://" if os.environ.get("REDIS_URL") else "filesystem://"
    assert transport in log


@pytest.mark.django_db
def test_a_request_does_not_wait_for_a_broker_that_is_down(
    caplog, django_capture_on_commit_callbacks
):
    """Queueing after commit to a dead broker logs and returns at once (architecture.md)."""
    dead = Celery("dead", set_as_current=False)
    dead.conf.update(
        broker_url="redis://127.0.0.1:1/0",
        broker_connection_timeout=1,
        broker_connection_retry=False,
        broker_transport_options={"socket_connect_timeout": 1, "max_retries": 0},
        task_publish_retry=False,
    )

    @dead.task(name="probe.noop")
    def noop():
        return None

    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="hall.jobs"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        enqueue(noop)
    assert len(callbacks) == 1
    assert time.monotonic() - started < 5
    assert "Could not queue probe.noop" in caplog.text
