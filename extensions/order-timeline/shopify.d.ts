import '@shopify/ui-extensions';
import type { Api } from '@shopify/ui-extensions/admin.order-details.block.render';

// Types the `shopify` global the admin injects into this target's module (Shopify's
// shopify.d.ts convention, written with a type import to satisfy the repo's lint rules).
declare module './src/BlockExtension.tsx' {
  const shopify: Api;
}
