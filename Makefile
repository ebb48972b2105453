.PHONY: run test lint format migrations-check messages screenshots

run:            ## start web, worker and beat with the demo hall
	./scripts/run

test:           ## the whole suite on SQLite (DATABASE_URL for PostgreSQL)
	./scripts/test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

migrations-check:
	DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py makemigrations --check --dry-run

messages:       ## refresh the zh_Hans catalog, then compile it after translating
	DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete -i ".venv/*" -i "var/*" -i "tests/*"
	msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po
