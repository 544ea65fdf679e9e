import { fileURLToPath } from 'node:url';
import { describeExtensionConformance } from '@exstream-connect/admin-extension-kit/testing';

describeExtensionConformance({
  extensionDir: fileURLToPath(new URL('..', import.meta.url)),
  target: 'admin.order-details.action.render',
  module: './src/ActionExtension.tsx',
  handle: 'resend-communication',
});
