# Two entry points for a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test bench screenshots clean

$(BIN)/brief: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $@

demo: $(BIN)/brief
	$(BIN)/brief generate

test: $(BIN)/brief
	$(BIN)/python -m pytest -q

bench: $(BIN)/brief
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/extract_speed.py
	$(BIN)/python benchmarks/pack_bench.py --sizes 10,100

# Page 1 of the sample brief and of the sample pack, as shown in the README (needs poppler-utils).
screenshots: $(BIN)/brief
	rm -rf output/screenshots
	$(BIN)/brief generate seeds/uk-france-ukraine-pact.txt -f pdf -o output/screenshots
	$(BIN)/brief pack run packs/daily.toml --date 2026-01-06 --no-email --force >/dev/null
	pdftoppm -png -r 60 -f 1 -l 1 -singlefile output/screenshots/*.pdf docs/brief-page-1
	pdftoppm -png -r 60 -f 1 -l 1 -singlefile output/packs/ukraine-security-daily/2026-01-06/*.pdf docs/pack-page-1

clean:
	rm -rf $(VENV) output/*.docx output/*.pdf output/*.md output/*.html output/*.json
