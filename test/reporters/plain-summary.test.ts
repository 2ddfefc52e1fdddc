// The plain closing line is what CI dashboards read: a run that exits 1 must never close on "0 failed".
import { describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import PlainSummary from './plain-summary';

function mod(state: 'passed' | 'failed', tests: ('passed' | 'failed' | 'skipped')[]): TestModule {
  return {
    state: () => state,
    children: { allTests: () => tests.map((s) => ({ result: () => ({ state: s }) }))[Symbol.iterator]() },
  } as unknown as TestModule;
}

function closingLine(modules: TestModule[]): string {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    new PlainSummary().onTestRunEnd(modules);
    return String(write.mock.calls.at(-1)?.[0]).trim();
  } finally {
    write.mockRestore();
  }
}

describe('plain summary line', () => {
  it('counts passed, failed and skipped tests', () => {
    expect(closingLine([mod('failed', ['passed', 'failed', 'skipped'])])).toBe(
      'Tests: 1 passed, 1 failed, 1 skipped',
    );
  });
  it('counts a file whose beforeAll failed (its tests read as skipped) as one failure', () => {
    expect(closingLine([mod('passed', ['passed']), mod('failed', ['skipped', 'skipped'])])).toBe(
      'Tests: 1 passed, 1 failed, 2 skipped',
    );
  });
  it('counts a file that failed to load as one failure', () => {
    expect(closingLine([mod('failed', [])])).toBe('Tests: 0 passed, 1 failed, 0 skipped');
  });
});
