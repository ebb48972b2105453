"""What bench/faults.py found when it stopped Redis under the hall's load.

* A clerk's intake waited about 20 seconds: queueing the lights sweep after commit went
  through Celery's Redis result backend, which subscribes to a task's result before
  sending it and retries that while Redis is down. Work queued from a request is now
  sent without a result (nobody reads one), so the request answers at once whatever
  state the broker is in (architecture.md, "Jobs").
* The public tracking page answered 500: its counter of wrong codes is kept in the
  cache, which is Redis. A counter that cannot reach the cache now counts nothing.
"""

import logging
import time

import pytest
from celery import Celery
from django.urls import reverse
from django.utils import timezone

from hall.jobs import enqueue
from tests.supervision.support import accept, make_item

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_app_with_redis_down():
    """A Celery app set up as config/settings/base.py sets it up when REDIS_URL is set
    (Redis as broker *and* result backend), with that Redis down."""
    app = Celery("down", set_as_current=False)
    app.conf.update(
        broker_url=DEAD_REDIS,
        result_backend=DEAD_REDIS,
        broker_transport_options={
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            "max_retries": 1,
        },
        redis_socket_connect_timeout=2,
        redis_socket_timeout=5,
        broker_connection_timeout=2,
        task_publish_retry=True,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
    )
    yield app
    app.close()


def test_queueing_after_commit_answers_at_once_when_redis_is_down(
    redis_app_with_redis_down, caplog, django_capture_on_commit_callbacks
):
    @redis_app_with_redis_down.task(name="probe.sweep")
    def sweep():  # a task whose result is kept by default, like the hall's sweeps
        return None

    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="hall.jobs"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        enqueue(sweep)
    seconds = time.monotonic() - started

    assert len(callbacks) == 1
    assert seconds < 2, f"the request waited {seconds:.1f} s for a Redis that is down"
    assert "Could not queue probe.sweep; the next sweep will repair it." in caplog.text


def test_it_queues_without_asking_for_a_result(monkeypatch, django_capture_on_commit_callbacks):
    import cases.tasks

    sent = []
    monkeypatch.setattr(
        cases.tasks.sweep_lights_task, "apply_async", lambda **options: sent.append(options)
    )
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(cases.tasks.sweep_lights_task)

    assert sent == [{"args": (), "kwargs": {}, "ignore_result": True}]


REDIS_CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": DEAD_REDIS,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}


def test_the_tracking_page_answers_while_the_cache_is_down(client, clerk, hall, settings, caplog):
    case = accept(clerk, hall.window, make_item(hall.department), timezone.now())
    settings.CACHES = REDIS_CACHE_DOWN

    with caplog.at_level(logging.WARNING, logger="hall.throttle"):
        form = client.get(reverse("cases:track"))
        found = client.post(
            reverse("cases:track"), {"number": case.number, "code": case.tracking_code}
        )
        wrong = client.post(reverse("cases:track"), {"number": case.number, "code": "WRONG"})

    assert form.status_code == 200
    assert found.status_code == 200
    assert 'data-testid="track-result"' in found.content.decode()
    assert wrong.status_code == 200
    assert 'data-testid="track-error"' in wrong.content.decode()
    assert "The cache is unreachable" in caplog.text
