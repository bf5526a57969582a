# The two commands of the README. Both install what is missing first (scripts/bootstrap.sh).
.PHONY: demo test lint bootstrap lock

bootstrap:
	@scripts/bootstrap.sh

# The main job: local Kafka broker + worker + sample articles, alerts printed until Ctrl-C.
demo: bootstrap
	.venv/bin/newsalert demo

# The whole suite against a real local broker (started by the test session).
test: bootstrap
	.venv/bin/newsalert rules check rules
	.venv/bin/newsalert rules test rules
	# unit tests on two processes (pytest-xdist), then the broker, fault and worker tests one at a time:
	# they time kills, outages and rebalances, and share the one local broker
	.venv/bin/python -m pytest -q -p no:cacheprovider -n 2 --durations=10 tests/unit
	.venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 tests/faults tests/integration

# Refresh constraints.txt: resolve the newest versions pyproject.toml allows in a throw-away venv
# (no constraints), then pin exactly what got installed. Review the diff and run `make test`.
lock:
	rm -rf .lock-venv
	python3 -m venv .lock-venv
	.lock-venv/bin/python -m pip install -q --upgrade pip
	.lock-venv/bin/python -m pip install -q -e '.[dev,gazetteer]'
	.lock-venv/bin/python scripts/lock.py dev gazetteer > constraints.txt
	rm -rf .lock-venv

lint: bootstrap
	.venv/bin/ruff check streams tests benchmarks
	.venv/bin/mypy streams
