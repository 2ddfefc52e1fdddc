// `junction serve [workspace] [--port N]`: the desktop console in a browser, on loopback only.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, type Command } from '../io';
import { createHost, memorySettings } from '../../services/host';
import { resourcePath } from '../../services/paths';
import { startWebHost } from '../../web/server';
import { openConfSettings } from '../../web/settings';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Open the console in a browser (loopback only, per-launch token)',
  usage: 'junction serve [WORKSPACE] [--port N]',
  async run(args, io) {
    let port = 0;
    let workspace: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--port') {
        const v = Number(args[++i]);
        if (!Number.isInteger(v) || v < 0 || v > 65535)
          throw new CliError(
            `--port: "${args[i] ?? ''}" is not a port`,
            'give a number from 1 to 65535, or omit --port for a random one',
          );
        port = v;
      } else if (a.startsWith('-')) throw new CliError(`unknown option ${a}`, `usage: ${serveCommand.usage}`);
      else workspace = resolve(io.cwd, a);
    }
    const root = resourcePath('dist', 'renderer');
    if (!existsSync(resourcePath('dist', 'renderer', 'index.html')))
      throw new CliError(`the console is not built (${root} is missing)`, 'run `npm run build` first');
    let settings;
    try {
      settings = openConfSettings();
    } catch (e) {
      io.err(
        `junction: settings file unavailable (${(e as Error).message}); recent workspaces will not be remembered\n`,
      );
      settings = memorySettings();
    }
    const api = createHost({ frontDoor: 'web', settings, ...(workspace ? { startupPath: workspace } : {}) });
    let host;
    try {
      host = await startWebHost({ api, root, port });
    } catch (e) {
      throw new CliError(
        `cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`,
        'choose another --port or omit it',
      );
    }
    io.out(
      `Junction console (browser mode) on loopback only.\nOpen: ${host.url}\nThe link carries this launch's token; press Ctrl+C to stop.\n`,
    );
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await host.close();
    return 0;
  },
};
