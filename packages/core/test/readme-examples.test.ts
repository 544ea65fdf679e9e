import { describe, expect, it } from 'vitest';
import { fixture } from './helpers.ts';
import { magentoExample, shopifyExample } from './readme-examples.ts';

// The README's worked examples are the code between the `#region readme:<name>` markers in
// ./readme-examples.ts: this test runs that code, fails when the README's code block is not the
// region's text, and fails when the README's output block is not what the code printed. Edit the
// region, run the test, paste its code and output into the README.
const README = import.meta.glob<string>('../README.md', { query: '?raw', import: 'default' });
const EXAMPLES = import.meta.glob<string>('./readme-examples.ts', { query: '?raw', import: 'default' });
const readmeText = async () => README['../README.md']!();
const examplesSource = async () => EXAMPLES['./readme-examples.ts']!();

/** The region's code, without its markers and with the function's indentation removed. */
function region(source: string, name: string): string {
  const match = new RegExp(`\\n([ \\t]*)// #region readme:${name}\\n([\\s\\S]*?)\\n[ \\t]*// #endregion readme:${name}`).exec(source);
  if (!match) throw new Error(`no region readme:${name}`);
  const indent = match[1]!;
  return match[2]!.split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart())).join('\n');
}

/** The README's ```ts and ```json blocks under a heading, in order. */
function blocks(readme: string, heading: string): Array<{ lang: string; body: string }> {
  const section = readme.split(`\n${heading}\n`)[1]?.split('\n## ')[0];
  if (section === undefined) throw new Error(`README has no "${heading}" section`);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)\n```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

async function run(example: (input: unknown, show: (output: unknown) => void) => void, input: unknown): Promise<unknown> {
  let printed: unknown = undefined;
  example(input, (output) => (printed = JSON.parse(JSON.stringify(output))));
  return printed;
}

describe('README worked examples run as written', () => {
  it.each([
    ['shopify', '## Worked example: Shopify', shopifyExample, 'shopify/orders-create'],
    ['magento', '## Worked example: Magento', magentoExample, 'magento/envelopes/03-shipment-created'],
  ] as const)('%s: the README code is the tested code, and its output block is what that code prints', async (name, heading, example, input) => {
    const [code, output] = blocks(await readmeText(), heading);
    expect(code?.lang).toBe('ts');
    expect(code?.body).toBe(region(await examplesSource(), name));
    expect(output?.lang).toBe('json');
    expect(JSON.parse(output!.body)).toEqual(await run(example, await fixture(input)));
  });
});
