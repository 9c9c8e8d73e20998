# Two entry points for a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test bench clean

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

clean:
	rm -rf $(VENV) output/*.docx output/*.pdf output/*.md output/*.html output/*.json
