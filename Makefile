# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve-demo test lint typecheck unit system-deps assets bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

WEB_ASSETS := src/shareplan/web/frontend
ASSETS_STAMP := src/shareplan/web/static/build/.built

# GOV.UK Frontend, htmx and Dart Sass from npm at the versions package-lock.json pins; the web app
# serves the built files itself (never a CDN).
$(ASSETS_STAMP): $(WEB_ASSETS)/package.json $(WEB_ASSETS)/package-lock.json $(WEB_ASSETS)/main.scss $(WEB_ASSETS)/build.mjs
	cd $(WEB_ASSETS) && npm ci --no-audit --no-fund && npm run build
	touch $(ASSETS_STAMP)

assets: $(ASSETS_STAMP)

demo: $(STAMP) $(ASSETS_STAMP)
	$(BIN)/shareplan appraise examples/rotherham-2010 --out out/rotherham-2010

serve-demo: $(STAMP) $(ASSETS_STAMP)
	$(BIN)/shareplan serve --demo

system-deps:
	bash scripts/install-system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(ASSETS_STAMP)
	$(BIN)/pytest

test: system-deps $(STAMP) lint typecheck unit

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
