#!/usr/bin/env bash
# `npm test`: every workspace's db:generate, lint, typecheck and test through turbo, then one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."

# Suites that skip themselves without PHP or Chromium must not replay a cached "skipped" once the
# tool is installed (or a cached pass once it is gone): turbo cannot see PATH, so the tools' presence
# goes into environment variables the tasks hash (apps/shopify/turbo.json, apps/magento-sidecar/turbo.json).
PHP_TOOLCHAIN="$( { php -r 'echo PHP_VERSION, PHP_EOL;'; command -v phpunit phpcs xmllint; php -m | grep -x curl; } 2>/dev/null | tr '\n' ' ')"
CHROMIUM_TOOLCHAIN="$(c="${CHROMIUM_PATH:-/usr/bin/chromium}"; [ -x "$c" ] && echo "$c")"
export PHP_TOOLCHAIN CHROMIUM_TOOLCHAIN

npx turbo run db:generate lint typecheck test --concurrency=2 --continue --output-logs=errors-only
status=$?
npm run check:scripts && node scripts/report-test-results.mjs "$status"
