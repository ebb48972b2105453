"""The one beat schedule of the hall. Each entry says when it runs and why.

A sweep is idempotent and set-based: a run lost while the broker was down is
repaired by the next one.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Every minute: proves to the admin home that beat, broker and worker all
    # work (the "system status" box shows the last beat seen by a worker).
    "hall-heartbeat": {
        "task": "hall.tasks.heartbeat",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # 02:30 every night: recompute deadlines that were computed while their
    # dates lay beyond the loaded calendar, in case an administrator loaded a
    # new year (N-4). Loading a year also triggers it at once.
    "hall-recompute-provisional": {
        "task": "hall.tasks.recompute_provisional",
        "schedule": crontab(hour=2, minute=30),
    },
}
