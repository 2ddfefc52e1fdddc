// Runs one probe inside the network namespace the test created (ip netns exec ... node --import tsx this-file).
import { runProbe } from '../../electron/health/run';

const [kind, host, port, timeout] = process.argv.slice(2);
const r = await runProbe({ id: 'netns', kind: kind as 'tcp', host: host!, port: Number(port) }, { timeoutMs: Number(timeout) });
process.stdout.write(JSON.stringify(r));
