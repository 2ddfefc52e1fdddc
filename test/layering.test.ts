// The layering is enforced by ESLint; this proves the rules bite (forbidden imports in the fixtures are caught)
// and that the real tree obeys them.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('layering', () => {
  it('rejects Node, DOM and electron in shared/, and host imports in renderer/', async () => {
    const eslint = new ESLint({ cwd: root, ignore: false });
    const results = await eslint.lintFiles(['test/fixtures/layering/**/*.ts']);
    const byFile = Object.fromEntries(
      results.map((r) => [r.filePath.replace(root, ''), r.messages.map((m) => `${m.ruleId}: ${m.message}`)]),
    );
    expect(byFile['test/fixtures/layering/shared/uses-fs.ts']!.join('\n')).toMatch(
      /no-restricted-imports: 'node:fs' import is restricted/,
    );
    expect(byFile['test/fixtures/layering/shared/uses-dom.ts']!.join('\n')).toMatch(
      /no-restricted-globals: .*document is not available in shared/,
    );
    expect(byFile['test/fixtures/layering/renderer/uses-electron.ts']!.join('\n')).toMatch(
      /Only electron\/ may import electron/,
    );
    expect(byFile['test/fixtures/layering/renderer/uses-host-code.ts']!.join('\n')).toMatch(
      /reaches the host only through the API contract/,
    );
  });

  it('shared/ and renderer/ obey the rules', async () => {
    const eslint = new ESLint({ cwd: root, errorOnUnmatchedPattern: false });
    const results = await eslint.lintFiles(['shared/**/*.ts', 'renderer/**/*.{ts,tsx}']);
    expect(results.length).toBeGreaterThan(10);
    const layering = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
        .map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(layering).toEqual([]);
  }, 60_000);
});
