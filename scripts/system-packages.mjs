// The Debian packages the features and tests use, and which ones this machine lacks. `npm test` runs
// `check-system.mjs` first so a missing one is named in one line at the start, not as a failure deep inside
// a test; README lists the same table (a test keeps them in step).

/** Package, the command that proves it is installed, and what needs it. */
export const SYSTEM_PACKAGES = [
  {
    pkg: 'shellcheck',
    command: 'shellcheck',
    needs: 'the checks of every generated .sh (test/generate, test/bundle, test/stage, test/health-far)',
  },
  {
    pkg: 'openssl',
    command: 'openssl',
    needs: 'the independent checks of certificates and signatures (test/pki, test/bundle, test/desktop)',
  },
  {
    pkg: 'chromium',
    command: 'chromium',
    env: 'JUNCTION_CHROMIUM',
    needs: 'the browser console tests (test/e2e) and the topology bench',
  },
  { pkg: 'iproute2', command: 'ip', needs: 'the network-namespace probe tests (test/health/probes)' },
  { pkg: 'unzip', command: 'unzip', needs: 'the zip bundle checks (test/bundle, test/desktop)' },
  {
    pkg: 'graphviz',
    command: 'dot',
    needs: 'the check that `junction topology --format dot` parses (test/topology)',
  },
  {
    pkg: 'fonts-dejavu-core',
    file: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    needs: 'the labels of `junction topology --format png` (test/topology)',
  },
];

/**
 * The packages whose command is on none of PATH's folders (or whose file is absent). `exists(path, kind)` is
 * injected so tests can pass a fake file system (kind 'exec' for a command, 'file' for a data file); `env` supplies PATH and overrides such as JUNCTION_CHROMIUM (a full path to the browser).
 */
export function missingSystemPackages(env, exists, sep = ':') {
  const dirs = (env.PATH ?? '').split(sep).filter(Boolean);
  return SYSTEM_PACKAGES.filter(({ command, file, env: override }) => {
    if (file) return !exists(file, 'file');
    if (override && env[override]) return !exists(env[override]);
    return !dirs.some((d) => exists(`${d}/${command}`));
  });
}

export function missingMessage(missing) {
  return missing.map((m) => {
    const what = m.file ? `no ${m.file}` : `no \`${m.command}\` on PATH`;
    return `npm test: missing Debian package ${m.pkg} (${what}): ${m.needs} will fail. Fix: apt-get install ${m.pkg}\n`;
  });
}

export const APT_LINE = `apt-get install ${SYSTEM_PACKAGES.map((p) => p.pkg).join(' ')}`;
