# The two commands: `make demo` and `make test`. Each installs what is
# missing (idempotently), builds the npm package into pkg/, and runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)

WASM_TARGET := wasm32-unknown-unknown
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' Cargo.lock)
# The one version of both crates and the npm package: [workspace.package]'s.
VERSION := $(shell sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"$$/\1/p' Cargo.toml)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8080

.PHONY: all setup setup-rust setup-browser setup-node build size pack bench test test-rust lint test-node test-browser test-workerd test-issuer test-e2e test-package release-check docs issuer demo playground clean

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

# npm links node_modules/edgetoken to pkg/ (built next).
setup-node:
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund; fi

# The npm package: two wasm builds (the full one, and the verify-only one
# without fetch, discovery and sessions) with their wasm-bindgen glue,
# pkg-template/ and the README; the verify-only entry's JS is core.js over
# the verify-only glue. esbuild bundles each Node entry into one file, as
# ESM (node.mjs, verify-node.mjs: Node loads one module instead of a dozen,
# about 3 ms less at import, and errors.js stays shared by both entries)
# and as CommonJS (node.cjs, verify-node.cjs, over errors.cjs: both CommonJS
# entries share one copy of the error classes too).
build: setup-rust setup-node pkg/.built

# Rebuilt only when a source changed, so `make demo` starts at once when
# nothing did.
PKG_SOURCES := $(shell find src es256/src pkg-template -type f) Cargo.toml Cargo.lock es256/Cargo.toml \
  README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE Makefile
# The wasm names the crates' sources (in panic locations) by crate and
# path, not by where this machine keeps them: no build paths ship.
pkg/.built: $(PKG_SOURCES)
	rm -rf pkg.tmp && mkdir pkg.tmp
	cargo fetch -q
	remap="$$(for d in "$${CARGO_HOME:-$$HOME/.cargo}"/registry/src/*/; do printf -- '--remap-path-prefix=%s= ' "$$d"; done)"; \
	export RUSTFLAGS="$${RUSTFLAGS:-} $$remap"; \
	cargo build --lib --release --target $(WASM_TARGET) --no-default-features --features remote; \
	wasm-bindgen --target web --no-typescript --out-dir pkg.tmp target/$(WASM_TARGET)/release/edgetoken.wasm; \
	cargo build --lib --release --target $(WASM_TARGET) --no-default-features
	wasm-bindgen --target web --no-typescript --out-dir pkg.tmp --out-name edgetoken_verify \
	  target/$(WASM_TARGET)/release/edgetoken.wasm
	for w in edgetoken_bg edgetoken_verify_bg; do \
	  node_modules/.bin/wasm-opt -O3 --converge --strip-producers --strip-target-features pkg.tmp/$$w.wasm -o pkg.tmp/$$w.wasm; done
	cp pkg-template/* README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE pkg.tmp/
	sed "s#'./edgetoken.js'#'./edgetoken_verify.js'#" pkg-template/core.js > pkg.tmp/verify-core.js
	cp pkg.tmp/index.d.ts pkg.tmp/index.d.cts
	sed -i "s#'./verify.js'#'./verify.cjs'#" pkg.tmp/index.d.cts
	cp pkg.tmp/verify.d.ts pkg.tmp/verify.d.cts
	node_modules/.bin/esbuild pkg.tmp/errors.js --bundle --platform=node --format=cjs --log-level=warning \
	  --outfile=pkg.tmp/errors.cjs
	for entry in node verify-node; do \
	  node_modules/.bin/esbuild pkg.tmp/$$entry.js --bundle --platform=node --format=esm --log-level=warning \
	    --external:./errors.js --outfile=pkg.tmp/$$entry.mjs; \
	  node_modules/.bin/esbuild pkg.tmp/$$entry.js --bundle --platform=node --format=cjs --log-level=warning \
	    --external:./errors.js --outfile=pkg.tmp/$$entry.cjs --define:import.meta.url=__edgetoken_url \
	    --banner:js="const __edgetoken_url = require('node:url').pathToFileURL(__filename).href;"; \
	  sed -i 's#require("./errors.js")#require("./errors.cjs")#' pkg.tmp/$$entry.cjs; \
	  ! grep -q 'errors\.js' pkg.tmp/$$entry.cjs; \
	  rm pkg.tmp/$$entry.js; done
	sed -i 's/"version": "0.0.0"/"version": "$(VERSION)"/' pkg.tmp/package.json
	rm -rf pkg && mv pkg.tmp pkg
	touch pkg/.built
	@echo "built pkg/ (edgetoken $(VERSION): $$(stat -c %s pkg/edgetoken_bg.wasm) bytes of wasm, $$(stat -c %s pkg/edgetoken_verify_bg.wasm) verify-only)"

# Raw and gzip sizes of what a page or worker downloads, per entry.
size: build
	node bench/size.mjs

# edgetoken against jose in Node, Chromium and workerd (see bench/run.mjs),
# then the arithmetic under a verification alone (bench/arith.mjs).
bench: build setup-browser
	node bench/run.mjs
	cargo build --release --quiet --target $(WASM_TARGET) --manifest-path bench/arith/Cargo.toml --target-dir target/arith
	node bench/arith.mjs target/arith/$(WASM_TARGET)/release/edgetoken_bench_arith.wasm
	cargo build --release --quiet --target $(WASM_TARGET) --manifest-path bench/crossing/Cargo.toml --target-dir target/crossing
	rm -rf target/crossing/out
	wasm-bindgen --target web --out-dir target/crossing/out target/crossing/$(WASM_TARGET)/release/edgetoken_bench_crossing.wasm
	node_modules/.bin/wasm-opt -O3 --converge target/crossing/out/edgetoken_bench_crossing_bg.wasm \
	  -o target/crossing/out/edgetoken_bench_crossing_bg.wasm
	node bench/crossing.mjs target/crossing/out

# The API reference from the package's TypeScript declarations (typedoc).
docs: build
	node_modules/.bin/typedoc

# The tarball users install: dist/edgetoken-VERSION.tgz.
pack: build
	mkdir -p dist && rm -f dist/*.tgz
	cd pkg && npm pack --silent --pack-destination ../dist

test-rust:
	cargo test --workspace

lint: build
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --workspace --lib --target $(WASM_TARGET) -- -D warnings
	cargo clippy --workspace --lib --target $(WASM_TARGET) --no-default-features -- -D warnings
	node_modules/.bin/tsc -p tests/types/tsconfig.json

test-node: build
	node --test --test-reporter=spec tests/node/

test-browser: build setup-browser
	node --test --test-reporter=spec tests/browser/

# Real workerd (miniflare, from npm) running a worker that imports the package.
test-workerd: build
	node --test --test-reporter=spec tests/workerd/

# The local issuer (Cotter's API + OpenID Connect) and its own tests.
ISSUER_PORT ?= 8790
issuer: build
	node www/issuer/server.mjs --port $(ISSUER_PORT)

test-issuer: build
	node --test --test-reporter=spec tests/issuer/

# The packed tarball in fresh projects: Vite, plain page, Node ESM/CJS, workerd, tsc.
test-package: pack setup-browser
	node --test --test-reporter=spec tests/package/

# The demo end to end in headless Chromium.
test-e2e: build setup-browser
	node --test --test-reporter=spec tests/e2e/

# Everything a release needs, without publishing anything: the npm
# tarball's exact file list, `cargo package` of both crates (built from
# their packaged sources), the Rust docs and the TypeScript API reference
# (typedoc, into target/api-docs: a public item without a doc comment, or
# a broken link, fails the build), the licences and the changelog in every
# artefact, and one version everywhere.
release-check: pack
	rm -rf target/package
	@# cargo unpacks each crate it verifies into registry/src/-<hash of this
	@# tree's path>/ and reuses what it finds there for the same version, so
	@# an earlier run's sources would be verified in place of these.
	rm -rf "$${CARGO_HOME:-$$HOME/.cargo}"/registry/src/-*/edgetoken-*
	cargo package --workspace --quiet --allow-dirty
	test -f target/package/edgetoken-$(VERSION).crate && test -f target/package/edgetoken-es256-$(VERSION).crate
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --quiet
	node_modules/.bin/typedoc --logLevel Warn
	node --test --test-reporter=spec tests/release/

test: setup build test-rust lint test-node test-issuer test-workerd test-browser test-e2e test-package release-check

# The demo: the local issuer, the backend worker (workerd + D1) and the
# page, in one process. ACCESS_TTL=5 gives 5-second access tokens;
# ISSUER_PORT, BACKEND_PORT and DATA (the folder of its SQLite data) move it;
# BACKEND=express runs Cotter's Express backend example instead of the worker.
ACCESS_TTL ?= 3600
BACKEND_PORT ?= 8788
BACKEND ?= worker
DATA ?= www/data
demo: build
	node www/demo.mjs --port $(PORT) --issuer-port $(ISSUER_PORT) --backend-port $(BACKEND_PORT) --backend $(BACKEND) \
	  --access-ttl $(ACCESS_TTL) --data $(DATA)

# Only the token playground (paste a token and a JWKS).
playground: build
	node www/serve.mjs --port $(PORT)

clean:
	cargo clean
	rm -rf pkg pkg.tmp node_modules
