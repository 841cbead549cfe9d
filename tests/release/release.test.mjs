// What a release would publish, checked without publishing (make
// release-check, after `make pack` and `cargo package --workspace`): the npm
// tarball ships exactly tests/release/npm-files.txt, the licences and the
// changelog travel in the tarball and in both crates, the metadata users
// and registries read is there, and every version is the workspace's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const read = (f) => readFileSync(path.join(repo, f), 'utf8');
const cargo = read('Cargo.toml');
const version = cargo.match(/^\[workspace\.package\]\n(?:.*\n)*?version = "([^"]+)"/m)?.[1];
const tarball = path.join(repo, 'dist', `edgetoken-${version}.tgz`);
const crates = ['edgetoken', 'edgetoken-es256'].map((name) => path.join(repo, 'target', 'package', `${name}-${version}.crate`));
const list = (archive) => execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n');
const LEGAL = ['LICENSE-MIT', 'LICENSE-APACHE', 'CHANGELOG.md', 'README.md'];

test('one version everywhere: the workspace, both crates, the npm package, the changelog', () => {
  assert.match(version ?? '', /^\d+\.\d+\.\d+$/);
  for (const manifest of ['Cargo.toml', 'es256/Cargo.toml']) {
    const pkg = read(manifest).split('\n[')[0];
    assert.match(pkg, /^version\.workspace = true$/m, `${manifest} takes the workspace's version`);
  }
  assert.equal(cargo.match(/edgetoken-es256 = \{[^}]*version = "=?([^"]+)"/)?.[1], version, 'the dependency on edgetoken-es256');
  const pkg = JSON.parse(read('pkg/package.json'));
  assert.equal(pkg.version, version, 'pkg/package.json');
  const released = read('CHANGELOG.md').match(/^## \[(\d+\.\d+\.\d+)\]/m)?.[1];
  assert.equal(released, version, 'the newest release in CHANGELOG.md');
  assert.match(read('CHANGELOG.md'), new RegExp(`^\\[${version.replace(/\./g, '\\.')}\\]: `, 'm'), 'its link');
  for (const c of crates) assert.ok(statSync(c).size > 0, c);
});

test('the npm tarball ships exactly the expected files, with the licences and the changelog', () => {
  const files = list(tarball).map((f) => f.replace(/^package\//, '')).sort();
  const expected = read('tests/release/npm-files.txt').trim().split('\n');
  assert.deepEqual(files, expected);
  for (const f of LEGAL) assert.ok(files.includes(f), f);
  assert.ok(!files.some((f) => f.endsWith('.map') || f.startsWith('test') || f.includes('/')), 'no source maps, tests or folders');
  const mit = execFileSync('tar', ['-xzOf', tarball, 'package/LICENSE-MIT'], { encoding: 'utf8' });
  assert.match(mit, /Permission is hereby granted/);
  const apache = execFileSync('tar', ['-xzOf', tarball, 'package/LICENSE-APACHE'], { encoding: 'utf8' });
  assert.match(apache, /Apache License\s+Version 2\.0/);
  console.log(`# npm tarball ${path.basename(tarball)}: ${statSync(tarball).size} bytes, ${files.length} files: ${files.join(' ')}`);
});

test('npm metadata users and tools read', () => {
  const pkg = JSON.parse(read('pkg/package.json'));
  assert.equal(pkg.license, 'MIT OR Apache-2.0');
  assert.match(pkg.repository?.url ?? '', /^git\+https:\/\//);
  assert.match(pkg.homepage ?? '', /^https:\/\//);
  assert.match(pkg.bugs?.url ?? '', /^https:\/\//);
  assert.ok(pkg.keywords.length >= 5);
  assert.match(pkg.engines?.node ?? '', /^>=\d+/);
  assert.equal(pkg.bin?.edgetoken, './bin.js');
  assert.ok(Array.isArray(pkg.sideEffects));
  for (const [entry, conditions] of Object.entries(pkg.exports)) {
    if (typeof conditions === 'string') continue;
    assert.ok(JSON.stringify(conditions).includes('"types"'), `${entry} has types`);
  }
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), [], 'no runtime dependencies');
});

test('both crates package with the licences, the changelog and the metadata crates.io requires', () => {
  for (const [crate, manifest] of [[crates[0], 'Cargo.toml'], [crates[1], 'es256/Cargo.toml']]) {
    const name = path.basename(crate, '.crate');
    const files = list(crate).map((f) => f.slice(name.length + 1));
    for (const f of LEGAL) assert.ok(files.includes(f), `${name}: ${f}`);
    assert.ok(!files.some((f) => f.startsWith('node_modules') || f.startsWith('tests/') || f.startsWith('target')), `${name}: nothing else`);
    const packaged = execFileSync('tar', ['-xzOf', crate, `${name}/Cargo.toml`], { encoding: 'utf8' });
    for (const field of ['description', 'license', 'repository', 'readme', 'keywords', 'categories', 'rust-version']) {
      assert.match(packaged, new RegExp(`^${field} = `, 'm'), `${name}: ${field}`);
    }
    assert.doesNotMatch(read(manifest), /^publish = false/m, `${name} is publishable`);
    console.log(`# crate ${path.basename(crate)}: ${statSync(crate).size} bytes, ${files.length} files`);
  }
  assert.deepEqual(readdirSync(path.join(repo, 'target', 'package')).filter((f) => f.endsWith('.crate')).sort(),
    crates.map((c) => path.basename(c)).sort());
});

test('the wasm names no path of the machine that built it', () => {
  // Panic locations name source files: the Makefile maps the crate
  // registry's directory away, so they read `base64-0.22.1/src/…`.
  const home = process.env.CARGO_HOME ?? path.join(process.env.HOME ?? '', '.cargo');
  for (const wasm of ['edgetoken_bg.wasm', 'edgetoken_verify_bg.wasm']) {
    const text = readFileSync(path.join(repo, 'pkg', wasm)).toString('latin1');
    assert.ok(!text.includes(home) && !text.includes('/registry/src/'), `${wasm} names a build path`);
    assert.ok(!text.includes(repo), `${wasm} names the checkout`);
    assert.match(text, /base64-\d+\.\d+\.\d+\/src\//, `${wasm} still names crate sources (the test reads the right text)`);
  }
});
