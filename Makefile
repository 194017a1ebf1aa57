# Ficus: `make up` starts the whole local stack; `make test` runs every check and test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
# `make up ENGINE=kafka SEARCH=elasticsearch` picks the scale engines (remembered until `make down`)
ENGINE ?=
SEARCH ?=
# `make up PLANE=nginx`: nginx (driven by the ficus_nginx agent) on the shopper port, not the proxy
PLANE ?=

.PHONY: help bootstrap up down status test lint unit integration e2e bench demo reset screenshot

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

bootstrap: ## Install what is missing (apt packages, uv, Python deps)
	@scripts/bootstrap.sh

up: bootstrap ## Set up and start the whole local stack
	@$(UV) run ficus up $(if $(ENGINE),--engine $(ENGINE)) $(if $(SEARCH),--search $(SEARCH)) $(if $(PLANE),--plane $(PLANE))

down: ## Stop the local stack (data is kept)
	@$(UV) run ficus down

status: ## Show what runs and whether it is healthy
	@$(UV) run ficus status

reset: ## Stop the stack and wipe its data
	@$(UV) run ficus reset --yes

lint: bootstrap ## ruff, mypy (strict), import-linter
	$(UV) run ruff format --check .
	$(UV) run ruff check .
	$(UV) run mypy
	$(UV) run lint-imports

test: lint ## Bootstrap, lint, then every test (unit, integration, e2e)
	$(UV) run pytest

unit: ## Unit tests only (no sockets)
	$(UV) run pytest tests/unit

demo: up ## Shopper traffic through the proxy while catalog reads walk every stage, live
	@$(UV) run ficus demo

screenshot: up ## Regenerate docs/dashboard.png: the dashboard's catalog page under `ficus demo`
	@$(UV) run python -m tests.integration.dashboard.screenshot docs/dashboard.png

bench: bootstrap ## Run the benchmarks; each prints its figure
	@for b in bench/bench_*.py; do echo "== $$b"; $(UV) run python $$b || exit 1; done
