import { describe, expect, it } from 'vitest';
import { localeKeys, messageAt, placeholdersOf, readExtensionToml } from '../src/testing/index.ts';

describe('readExtensionToml', () => {
  it('reads the api version, the extension and its targets', () => {
    const toml = readExtensionToml(`# comment
api_version = "2026-04"

[[extensions]]
name = "t:name"
handle = "order-timeline"
type = "ui_extension"
uid = "abc"

[[extensions.targeting]]
module = "./src/BlockExtension.tsx" # trailing comment
target = "admin.order-details.block.render"

[extensions.targeting.should_render]
module = "./src/condition.ts"
`);
    expect(toml).toEqual({
      apiVersion: '2026-04',
      extensions: [
        {
          name: 't:name',
          handle: 'order-timeline',
          type: 'ui_extension',
          uid: 'abc',
          targeting: [{ module: './src/BlockExtension.tsx', target: 'admin.order-details.block.render' }],
        },
      ],
    });
  });

  it('counts every targeting table', () => {
    const toml = readExtensionToml('[[extensions]]\n[[extensions.targeting]]\ntarget = "a"\n[[extensions.targeting]]\ntarget = "b"\n');
    expect(toml.extensions[0]!.targeting.map((t) => t.target)).toEqual(['a', 'b']);
  });

  it('refuses lines it cannot read rather than ignoring them', () => {
    expect(() => readExtensionToml('api_version = 2026')).toThrow(/line 1/);
  });
});

describe('locale helpers', () => {
  const messages = { name: 'Timeline', status: { failed: 'Failed', sent: 'Sent' }, summary: 'Total: {{count}} · {{ failed }}' };

  it('lists leaf keys sorted', () => {
    expect(localeKeys(messages)).toEqual(['name', 'status.failed', 'status.sent', 'summary']);
  });

  it('reads a message by path', () => {
    expect(messageAt(messages, 'status.failed')).toBe('Failed');
    expect(messageAt(messages, 'status')).toBeUndefined();
    expect(messageAt(messages, 'status.unknown.deeper')).toBeUndefined();
  });

  it('lists placeholders', () => {
    expect(placeholdersOf(messages.summary)).toEqual(['count', 'failed']);
  });
});
