import { fileURLToPath } from 'node:url';
import { describeExtensionConformance } from '@exstream-connect/admin-extension-kit/testing';

describeExtensionConformance({
  extensionDir: fileURLToPath(new URL('..', import.meta.url)),
  target: 'admin.order-details.block.render',
  module: './src/BlockExtension.tsx',
  handle: 'order-timeline',
});
