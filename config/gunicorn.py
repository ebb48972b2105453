"""gunicorn settings for the hall's 2-core servers (docker-compose's web service).

Two cores: 2 × cores + 1 sync workers is gunicorn's own advice; each worker has
two threads so a slow PDF does not hold a whole worker. All of it can be
changed from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
