import { fileURLToPath } from 'node:url';
import { describeExtensionConformance } from '@exstream-connect/admin-extension-kit/testing';

describeExtensionConformance({
  extensionDir: fileURLToPath(new URL('..', import.meta.url)),
  target: 'admin.order-details.print-action.render',
  module: './src/PrintActionExtension.tsx',
  handle: 'print-documents',
});
