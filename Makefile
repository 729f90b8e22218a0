# ADL: build, test and benchmark entry points. `make help` lists them.
#
# Variables:
#   PREFIX=/usr/local     where `make install` puts bin/adl and share/man/man1/adl.1
#   SCRATCH=.build-NAME   a separate SwiftPM build folder (default: .build)
#   SWIFT=swift           the Swift driver

SHELL := /bin/bash
.DEFAULT_GOAL := help

PREFIX  ?= /usr/local
SWIFT   ?= swift
SCRATCH ?=
BUILD_DIR   := $(if $(SCRATCH),$(SCRATCH),.build)
SWIFT_FLAGS := $(if $(SCRATCH),--scratch-path $(SCRATCH))

# Debian packages the build needs (headers of the system libraries Package.swift links),
# plus python3-venv for the differential tests' virtual environment and mandoc to lint the man page.
APT_PACKAGES := libopenblas-dev liblapacke-dev liblbfgsb-dev libreadline-dev pkg-config python3-venv mandoc

VENV          := .venv
VENV_PYTHON   := $(VENV)/bin/python
VENV_PACKAGES := 'numpy>=2' scipy autograd

.PHONY: help deps build run install venv test golden-record bench fuzz clean

help:
	@echo "make run            build (release) and run examples/quickstart.adl"
	@echo "make test           debug build, swift test (unit + golden), differential tests and file round trips vs NumPy, REPL on a pty"
	@echo "make build          release build: $(BUILD_DIR)/release/adl"
	@echo "make install        install adl and its man page under PREFIX=$(PREFIX)"
	@echo "make golden-record  re-record Tests/golden/**/*.out|.err from the current binary"
	@echo "make bench          benchmarks side by side with CPython, Lua 5.4 and NumPy"
	@echo "make fuzz           the long fuzz run"
	@echo "make deps | venv    install the Debian packages | create .venv (numpy, scipy, autograd)"

# Installs only what is missing; says nothing when everything is there.
deps:
	@missing=""; \
	if command -v dpkg >/dev/null 2>&1; then \
	  for p in $(APT_PACKAGES); do \
	    dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; \
	  done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "deps: missing Debian packages:$$missing" >&2; \
	    echo "deps: install them with: sudo apt-get install$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build -c release --static-swift-stdlib $(SWIFT_FLAGS)

run: build
	$(BUILD_DIR)/release/adl examples/quickstart.adl

install: build
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1"
	install -m 755 $(BUILD_DIR)/release/adl "$(DESTDIR)$(PREFIX)/bin/adl"
	install -m 644 man/adl.1 "$(DESTDIR)$(PREFIX)/share/man/man1/adl.1"

# The reference side of the differential tests; created or completed only when needed.
venv:
	@if ! $(VENV_PYTHON) -c "import numpy, scipy, autograd" >/dev/null 2>&1; then \
	  echo "venv: creating $(VENV) (numpy, scipy, autograd)"; \
	  python3 -m venv $(VENV) && \
	  $(VENV_PYTHON) -m pip install -q --disable-pip-version-check $(VENV_PACKAGES); \
	fi

# Runs every suite even when an earlier one fails, then fails if any did.
# The tests' native chains go to a cache of their own (inside the build folder), not the
# user's ~/.cache/adl/jit.
test: deps venv
	$(SWIFT) build $(SWIFT_FLAGS)
	@status=0; export XDG_CACHE_HOME="$(abspath $(BUILD_DIR))/test-cache"; \
	$(SWIFT) test $(SWIFT_FLAGS) || status=1; \
	$(VENV_PYTHON) Tests/differential/run.py --adl $(BUILD_DIR)/debug/adl || status=1; \
	$(VENV_PYTHON) Tests/differential/npy_roundtrip.py --adl $(BUILD_DIR)/debug/adl || status=1; \
	python3 Tests/repl/run.py --adl $(BUILD_DIR)/debug/adl || status=1; \
	mandoc -T lint -W warning man/adl.1 || { echo "man/adl.1: mandoc -T lint found problems" >&2; status=1; }; \
	if [ $$status -ne 0 ]; then echo "make test: FAILED" >&2; fi; \
	exit $$status

golden-record: deps
	ADL_RECORD=1 $(SWIFT) test $(SWIFT_FLAGS) --filter GoldenTests
	@git status --short Tests/golden 2>/dev/null || true

bench: build
	ADL=$(BUILD_DIR)/release/adl bash bench/run.sh

fuzz: deps
	@if grep -q '"adl-fuzz"' Package.swift; then \
	  $(SWIFT) run -c release $(SWIFT_FLAGS) adl-fuzz --count 1000000; \
	else \
	  echo "fuzzer not built yet"; \
	fi

clean:
	rm -rf $(BUILD_DIR) bench/out
