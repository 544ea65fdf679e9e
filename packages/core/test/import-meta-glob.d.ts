// Vite's import.meta.glob, typed for the tests (vite/client types are not a dependency here).
interface ImportMeta {
  glob<T = unknown>(pattern: string, options: { import: 'default'; query?: string; eager?: false }): Record<string, () => Promise<T>>;
}
