"""Settings for the servers bench/load.py and bench/faults.py start (gunicorn, Celery):
production's, with the collected static files in the run's scratch folder
(HALL_BENCH_STATIC_ROOT) instead of var/staticfiles, which a development server in the
same working tree may be using.

The base settings are run from their file rather than imported: importing them through
the `config` package would start the Celery app, which reads these very settings."""

import os
import runpy
from pathlib import Path

_base = runpy.run_path(str(Path(__file__).resolve().parent.parent / "config/settings/base.py"))
globals().update({name: value for name, value in _base.items() if name.isupper()})

STATIC_ROOT = Path(os.environ["HALL_BENCH_STATIC_ROOT"])
