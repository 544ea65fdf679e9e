// Prisma CLI config. The JS engine (WASM schema engine) works offline; the default
// engine downloads a binary, which these machines cannot do (see README).
// The adapter is only used by CLI commands that touch a database (migrate diff/deploy);
// the app itself applies migrations in-process (src/migrate.ts).
import { defineConfig } from 'prisma/config';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: '../../prisma/schema.prisma',
  async adapter() {
    return new PrismaPGlite(new PGlite());
  },
});
