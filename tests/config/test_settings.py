"""Settings fail loudly on a value they cannot understand, and the hall speaks Chinese.

Each environment is tried in a fresh interpreter (settings are read once per
process). The environment is built from scratch minus DJANGO_*, DATABASE_URL
and REDIS_URL, and every case sets DJANGO_DEBUG and DJANGO_SECRET_KEY itself:
base.py also reads a .env beside manage.py without overwriting what is set,
so explicit values make the cases independent of that file.
"""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETUP = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.base'; django.setup()"
)
SECRET = "a-long-random-production-secret-for-the-settings-test-0123456789"

CASES = {
    "missing_secret": {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""},
    "debug_maybe": {"DJANGO_DEBUG": "maybe", "DJANGO_SECRET_KEY": SECRET},
    "redis_http": {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": SECRET, "REDIS_URL": "http://x"},
    "ratio_too_high": {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET,
        "HALL_PROMISED_LIMIT_MAX_RATIO": "2",
    },
    "production": {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": SECRET},
    "development_without_secret": {"DJANGO_DEBUG": "true", "DJANGO_SECRET_KEY": ""},
}


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def outcomes() -> dict[str, subprocess.CompletedProcess]:
    """Start every case at once and collect them: the whole module costs one interpreter start."""
    running = {
        name: subprocess.Popen(
            [sys.executable, "-c", SETUP],
            cwd=PROJECT_ROOT,
            env=clean_env(extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, extra in CASES.items()
    }
    results = {}
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=60)
        results[name] = subprocess.CompletedProcess(
            process.args, process.returncode, stdout, stderr
        )
    return results


def test_a_missing_secret_key_in_production_stops_the_process_naming_it(outcomes):
    result = outcomes["missing_secret"]
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_boolean_that_is_neither_yes_nor_no_stops_the_process_naming_it(outcomes):
    result = outcomes["debug_maybe"]
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_DEBUG" in result.stderr
    assert "maybe" in result.stderr


def test_a_redis_url_that_is_not_redis_stops_the_process(outcomes):
    result = outcomes["redis_http"]
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "REDIS_URL" in result.stderr


def test_a_promised_limit_ratio_above_one_stops_the_process(outcomes):
    # R-ITEM-2: the promised limit is a share of the statutory limit, at most all of it.
    result = outcomes["ratio_too_high"]
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "HALL_PROMISED_LIMIT_MAX_RATIO" in result.stderr


def test_a_good_production_environment_starts(outcomes):
    result = outcomes["production"]
    assert result.returncode == 0, result.stderr


def test_development_may_run_without_a_secret(outcomes):
    result = outcomes["development_without_secret"]
    assert result.returncode == 0, result.stderr


# -- language and time ------------------------------------------------------------


def test_the_hall_speaks_simplified_chinese_in_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_a_date_is_written_as_a_chinese_office_writes_it():
    with translation.override("zh-hans"):
        assert formats.date_format(dt.date(2026, 10, 8)) == "2026年10月8日"
        assert formats.date_format(dt.date(2026, 10, 8), "SHORT_DATE_FORMAT") == "2026-10-08"


def test_the_tests_run_celery_tasks_eagerly():
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_the_celery_app_loads_without_a_settings_module_in_the_environment():
    # `celery -A config worker|beat` from scripts/run sets no DJANGO_SETTINGS_MODULE.
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(DJANGO_DEBUG="true", DJANGO_SECRET_KEY="x" * 50)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from config.celery_app import app; print(sorted(app.conf.beat_schedule))",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "cases-sweep-lights" in result.stdout
