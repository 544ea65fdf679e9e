// Keeps package-lock.json usable by `npm ci` everywhere.
//
// Why: the package registry these machines reach serves only some platforms' builds of packages
// with per-platform optional binaries (rollup, turbo, esbuild…). npm then leaves the other
// platforms' optional entries out of the lockfile, and `npm ci` refuses a lockfile that does not
// list every optional dependency ("Missing: @rollup/rollup-darwin-arm64 from lock file").
// Adding those entries back (version only, optional) makes `npm ci` accept the lockfile; on each
// machine npm then installs the binary that fits it and skips the rest, as optional dependencies
// always are. Runs as the root `postinstall`, so every `npm install` leaves a complete lockfile.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const file = path.resolve(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};

/** The node_modules paths npm would look in for `name` required from `from`, nearest first. */
function lookupPaths(from, name) {
  const paths = [];
  let dir = from;
  for (;;) {
    paths.push(`${dir ? `${dir}/` : ''}node_modules/${name}`);
    if (!dir) return paths;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? (dir.startsWith('node_modules/') ? '' : '') : dir.slice(0, cut);
  }
}

let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    if (lookupPaths(key, name).some((p) => packages[p])) continue;
    // Platform binaries are pinned to the exact version of their parent; skip anything looser.
    if (!/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(range)) continue;
    const at = key.startsWith('node_modules/') || key === '' ? `node_modules/${name}` : `${key}/node_modules/${name}`;
    packages[at] = { version: range, optional: true };
    added++;
  }
}
if (added > 0) {
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`complete-lockfile: listed ${added} optional platform packages this registry does not serve`);
}
