// The append-to-one-array helpers the hot route scripts use must emit exactly what the array-returning helpers do.
import { describe, expect, it } from 'vitest';
import { change, prereq, pushChange, pushPrereq, renderPs, type PsScript } from '../../shared/generate/ps';

describe('PowerShell line helpers', () => {
  it('pushChange appends the lines of change() around one command, at every depth', () => {
    for (const depth of [0, 1, 2, 5]) {
      const out = ['before'];
      pushChange(
        out,
        "O'Brien's NIC",
        'Set-NetRoute -RouteMetric 300',
        'Set-NetRoute -RouteMetric 300',
        depth,
      );
      expect(out).toEqual([
        'before',
        ...change("O'Brien's NIC", 'Set-NetRoute -RouteMetric 300', ['Set-NetRoute -RouteMetric 300'], depth),
      ]);
    }
  });

  it('pushPrereq appends the lines of prereq()', () => {
    const out = ['before'];
    pushPrereq(out, '-not $x', "the 'x' module");
    expect(out).toEqual(['before', ...prereq('-not $x', "the 'x' module")]);
    expect(out[3]).toBe("    throw 'prerequisite missing: the ''x'' module'");
  });

  it('renderPs indents body lines one level and leaves empty lines empty', () => {
    const script: PsScript = {
      synopsis: 's',
      description: [],
      runsOn: 'r',
      runAs: 'a',
      prerequisites: [],
      runbookStep: 'step 1',
      workspace: 'w',
      params: [],
      requiresAdmin: false,
      logName: 'l',
      body: ['if ($a) {', '    b', '}', '', 'c'],
    };
    const text = renderPs(script);
    expect(text).toContain('try {\r\n    if ($a) {\r\n        b\r\n    }\r\n\r\n    c\r\n} catch {');
    expect(renderPs({ ...script, body: [] })).toContain('try {\r\n} catch {');
  });
});
