"""The broker may be down (issue 4 §7; architecture.md "Jobs"): a clerk's request that
asks for a sweep after commit meets a dead broker, still answers at once, and the
worker's next scheduled sweep brings every light up to date (N-3)."""

import logging
import time

import pytest
from celery import Celery
from django.urls import reverse
from django.utils import timezone

import cases.tasks
from cases.clock import light as page_light
from cases.models import Case, Light
from cases.sweep import sweep_lights

from .support import ID_NUMBER, MOBILE, accept

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def dead_broker(monkeypatch):
    """Publishing the sweep really talks to a broker that is not there."""
    dead = Celery("dead", set_as_current=False)
    dead.conf.update(
        broker_url=DEAD_BROKER,
        broker_connection_timeout=1,
        broker_connection_retry=False,
        broker_transport_options={"socket_connect_timeout": 1, "max_retries": 0},
        task_publish_retry=False,
    )
    failures: list[BaseException] = []

    def apply_async(*args, **kwargs):
        try:
            dead.send_task("cases.tasks.sweep_lights")
        except Exception as exc:
            failures.append(exc)
            raise
        raise AssertionError("a broker answered on port 1")

    monkeypatch.setattr(cases.tasks.sweep_lights_task, "apply_async", apply_async)
    yield failures
    dead.close()


def intake_data(item) -> dict:
    data = {
        "item": item.code,
        "kind": "accepted",
        "applicant_kind": "person",
        "applicant_name": "李四",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": MOBILE,
        "leader_assigned": "",
    }
    for material in item.materials.all():
        data[f"mat_{material.pk}_received"] = "on"
        data[f"mat_{material.pk}_pages"] = "2"
    return data


def timed_post(client, capture, url, data=None):
    """POST and run what the request queued for after its commit; (response, seconds,
    how many callbacks)."""
    started = time.monotonic()
    with capture(execute=True) as callbacks:
        response = client.post(url, data or {})
    return response, time.monotonic() - started, len(callbacks)


def test_requests_succeed_at_once_and_the_next_sweep_catches_up(
    client, clerk, hall, item, dead_broker, caplog, django_capture_on_commit_callbacks
):
    now = timezone.now()
    today = timezone.localdate()
    to_approve = accept(clerk, hall.window, item, now)
    late = accept(clerk, hall.window, item, now)
    # Taken in long ago: both limits have passed.
    Case.objects.filter(pk=late.pk).update(
        promised_due=today - timezone.timedelta(days=20),
        statutory_due=today - timezone.timedelta(days=1),
    )
    client.force_login(clerk)

    with caplog.at_level(logging.WARNING, logger="hall.jobs"):
        taken, taken_seconds, taken_callbacks = timed_post(
            client,
            django_capture_on_commit_callbacks,
            reverse("cases:intake"),
            intake_data(item),
        )
        approved, approved_seconds, approved_callbacks = timed_post(
            client,
            django_capture_on_commit_callbacks,
            reverse("cases:action", args=[to_approve.number, "approve"]),
        )

    new = Case.objects.exclude(pk__in=[to_approve.pk, late.pk]).get()
    assert taken.status_code == 302 and taken.url == new.get_absolute_url()
    assert approved.status_code == 302 and approved.url == to_approve.get_absolute_url()
    assert taken_seconds < 2 and approved_seconds < 2
    assert taken_callbacks >= 1 and approved_callbacks >= 1
    # Each request really met the dead broker, and said so in the log.
    assert len(dead_broker) == 2
    assert caplog.text.count("Could not queue cases.tasks.sweep_lights") == 2
    to_approve.refresh_from_db()
    assert new.status == Case.Status.IN_PROGRESS
    assert to_approve.status == Case.Status.APPROVED

    # Nothing was swept: every stored light is still empty.
    assert list(Case.objects.values_list("light", flat=True)) == ["", "", ""]

    # The worker's next sweep repairs it: every clocked case gets today's light.
    report = sweep_lights()
    assert report.total == 2
    for case in Case.objects.filter(status=Case.Status.IN_PROGRESS):
        assert case.light == page_light(case, today)
    late.refresh_from_db()
    new.refresh_from_db()
    assert (late.light, new.light) == (Light.RED, Light.GREEN)
    # The approved case's clock stopped before any sweep saw it.
    to_approve.refresh_from_db()
    assert to_approve.light == ""
    assert sweep_lights().total == 0
