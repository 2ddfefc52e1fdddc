// `npm test` starts here: one line per missing Debian package, naming the tests it affects. It warns and goes
// on (exit 0): the other tests still tell you something.
import { accessSync, constants } from 'node:fs';
import { delimiter } from 'node:path';
import { missingMessage, missingSystemPackages } from './system-packages.mjs';

const exists = (p, kind) => {
  try {
    accessSync(p, kind === 'file' ? constants.R_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
for (const line of missingMessage(missingSystemPackages(process.env, exists, delimiter)))
  process.stderr.write(line);
