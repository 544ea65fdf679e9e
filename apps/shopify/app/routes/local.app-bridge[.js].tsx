import { runtime } from '../runtime.server.ts';

/**
 * Local mode's stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js: outside Shopify's
 * admin (and offline) the real script cannot load. It provides what the pages use — the global
 * `shopify.toast.show`, `shopify.loading` and `shopify.idToken` — and shows `<ui-nav-menu>` as a
 * plain top bar. 404 unless SHOPIFY_LOCAL_MODE is on.
 */
const SHIM = `(() => {
  if (window.shopify) return;
  const style = document.createElement('style');
  style.textContent = 'ui-nav-menu{display:flex;gap:16px;padding:10px 20px;background:#1a1a1a;font:14px system-ui,sans-serif}' +
    'ui-nav-menu a{color:#fff;text-decoration:none}ui-nav-menu a[rel=home]{font-weight:600}' +
    '.local-toast{position:fixed;bottom:24px;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:10px 16px;border-radius:8px;font:14px system-ui,sans-serif;z-index:1000}' +
    '.local-toast[data-error=true]{background:#8e1f0b}' +
    // A pseudo-element, not a node: the page hydrates the whole document, extra DOM would not match.
    'body::before{content:"Local mode: signed in as the demo shop, outside Shopify admin.";display:block;background:#fff4e5;color:#4f2800;padding:4px 20px;font:12px system-ui,sans-serif}';
  document.head.appendChild(style);
  window.shopify = {
    config: { apiKey: document.currentScript && document.currentScript.dataset.apiKey, locale: 'en' },
    environment: { embedded: false, mobile: false, pos: false },
    idToken: async () => '',
    loading: () => undefined,
    toast: {
      show(message, options) {
        const el = document.createElement('div');
        el.className = 'local-toast';
        el.setAttribute('role', 'status');
        el.dataset.error = String(!!(options && options.isError));
        el.textContent = message;
        document.body.appendChild(el);
        setTimeout(() => el.remove(), (options && options.duration) || 5000);
        return 'toast';
      },
      hide() {},
    },
  };
})();`;

export async function loader() {
  if (!runtime().localShop) return new Response('Not found', { status: 404 });
  return new Response(SHIM, { headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' } });
}
