"""The one beat schedule of the hall. Each entry says when it runs and why.

A sweep is idempotent and set-based: a run lost while the broker was down is
repaired by the next one.
"""

from celery.schedules import crontab
from django.conf import settings

BEAT_SCHEDULE = {
    # Every minute (HALL_SWEEP_SECONDS): the supervision sweep stores each open case's
    # light, records cards as occurrences and sends alerts (N-3). Set-based and
    # idempotent, so a run lost while the broker was down is made up by the next.
    "cases-sweep-lights": {
        "task": "cases.tasks.sweep_lights",
        "schedule": float(settings.HALL_SWEEP_SECONDS),
        "options": {"expires": settings.HALL_SWEEP_SECONDS - 1},
    },
    # Every 5 minutes: a whereabouts sign up longer than 20 minutes without the
    # window head's leave and a substitute becomes an attendance breach (R-ORG-7).
    "staff-breaches-check": {
        "task": "staff.tasks.breaches_check",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Every 5 minutes: complaint steps and bad-review rectifications whose clock ran
    # out are flagged once and the inspectors told (R-COMP-2, N-2). Idempotent.
    "complaints-sweep": {
        "task": "complaints.tasks.sweep",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Every day at HALL_PATROL_COVERAGE_CHECK_AT (17:45): the director hears which
    # half-day or windows today's patrols missed (R-PATROL-1). The task itself
    # skips days the calendar says the hall is closed, and works on make-up days.
    "patrols-coverage-check": {
        "task": "patrols.tasks.coverage_check",
        "schedule": crontab(
            hour=settings.HALL_PATROL_COVERAGE_CHECK_TIME[0],
            minute=settings.HALL_PATROL_COVERAGE_CHECK_TIME[1],
        ),
    },
    # 08:00 on Mondays: last week's patrol summary to the director and each
    # department head, for their own windows (R-PATROL-3).
    "patrols-weekly-summary": {
        "task": "patrols.tasks.weekly_summary",
        "schedule": crontab(hour=8, minute=0, day_of_week="1"),
    },
    # Every 10 minutes: occurrences not yet in a case, and not withdrawn, become
    # accountability cases, one per occurrence or per person and month as the rule
    # says (R-ACC-1). Idempotent by each case's unique group key.
    "accountability-cases": {
        "task": "accountability.tasks.cases_from_occurrences",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    # Every 10 minutes: self-examinations and rectification orders not handed in by
    # their day are flagged once (R-ACC-4), decided cases past their time to
    # appeal are closed. Idempotent.
    "accountability-sweep": {
        "task": "accountability.tasks.sweep",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    # 08:30 Monday to Friday, before the windows open: each window head's digest of
    # the cases about to turn yellow.
    "cases-warning-digest": {
        "task": "cases.tasks.warning_digest",
        "schedule": crontab(hour=8, minute=30, day_of_week="1-5"),
    },
    # 06:10 every day: on the first working day of a month, last month's draft
    # scores (R-SCORE-1); on other days it does nothing. Idempotent.
    "assessment-month-end": {
        "task": "assessment.tasks.month_end",
        "schedule": crontab(hour=6, minute=10),
    },
    # Every hour at :20: published periods whose publicity is over, with every
    # objection answered, become final.
    "assessment-finalise": {
        "task": "assessment.tasks.finalise",
        "schedule": crontab(minute=20),
    },
    # 09:00 on 5 January: the yearly return check (R-ORG-5) tells the director who
    # meets a return rule, once the annual grades of the past year are in.
    "staff-return-check": {
        "task": "staff.tasks.return_check",
        "schedule": crontab(month_of_year=1, day_of_month=5, hour=9, minute=0),
    },
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
