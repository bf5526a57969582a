# The two commands of the README. Both install what is missing first (scripts/bootstrap.sh).
.PHONY: demo test lint bootstrap

bootstrap:
	@scripts/bootstrap.sh

# The main job: local Kafka broker + worker + sample articles, alerts printed until Ctrl-C.
demo: bootstrap
	.venv/bin/newsalert demo

# The whole suite against a real local broker (started by the test session).
test: bootstrap
	.venv/bin/newsalert rules check rules
	.venv/bin/newsalert rules test rules
	.venv/bin/python -m pytest -q -p no:cacheprovider --durations=15

lint: bootstrap
	.venv/bin/ruff check streams tests benchmarks
	.venv/bin/mypy streams
