# The two commands: `make demo` and `make test`. Each installs what is
# missing (idempotently), builds the npm package into pkg/, and runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)

WASM_TARGET := wasm32-unknown-unknown
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' Cargo.lock)
VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8080

.PHONY: all setup setup-rust setup-browser setup-node build test test-rust lint test-node test-browser test-workerd test-issuer test-e2e issuer demo playground clean

all: build

setup: setup-rust setup-browser

setup-rust:
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@if [ "$$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (takes a few minutes)"; \
	  cargo install --force wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi

setup-browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver; \
	fi

# npm links node_modules/edgetoken to pkg/, so pkg/ must exist first.
setup-node: build
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
	   || [ ! -e node_modules/edgetoken/package.json ]; then npm ci --no-audit --no-fund; fi

# The npm package: wasm-bindgen output + pkg-template/ + README.
build: setup-rust
	cargo build --lib --release --target $(WASM_TARGET)
	rm -rf pkg.tmp && mkdir pkg.tmp
	wasm-bindgen --target web --no-typescript --out-dir pkg.tmp target/$(WASM_TARGET)/release/edgetoken.wasm
	cp pkg-template/* README.md pkg.tmp/
	sed -i 's/"version": "0.0.0"/"version": "$(VERSION)"/' pkg.tmp/package.json
	rm -rf pkg && mv pkg.tmp pkg
	@echo "built pkg/ (edgetoken $(VERSION), $$(stat -c %s pkg/edgetoken_bg.wasm) bytes of wasm)"

test-rust:
	cargo test

lint: setup-node
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --target $(WASM_TARGET) -- -D warnings
	node_modules/.bin/tsc -p tests/types/tsconfig.json

test-node: setup-node
	node --test --test-reporter=spec tests/node/

test-browser: setup-node setup-browser
	node --test --test-reporter=spec tests/browser/

# Real workerd (miniflare, from npm) running a worker that imports the package.
test-workerd: setup-node
	node --test --test-reporter=spec tests/workerd/

# The local issuer (Cotter's API + OpenID Connect) and its own tests.
ISSUER_PORT ?= 8790
issuer: setup-node
	node www/issuer/server.mjs --port $(ISSUER_PORT)

test-issuer: setup-node
	node --test --test-reporter=spec tests/issuer/

# The demo end to end in headless Chromium.
test-e2e: setup-node setup-browser
	node --test --test-reporter=spec tests/e2e/

test: setup setup-node test-rust lint test-node test-issuer test-workerd test-browser test-e2e

# The demo: the local issuer, the backend worker (workerd + D1) and the
# page, in one process. ACCESS_TTL=5 gives 5-second access tokens.
ACCESS_TTL ?= 3600
demo: setup-node
	node www/demo.mjs --port $(PORT) --access-ttl $(ACCESS_TTL)

# Only the token playground (paste a token and a JWKS).
playground: build
	node www/serve.mjs --port $(PORT)

clean:
	cargo clean
	rm -rf pkg pkg.tmp node_modules
