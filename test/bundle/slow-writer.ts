// Child process for the interrupted-write test: writes a bundle to a target with the copy throttled, printing
// progress as JSON lines so the parent can kill it mid-copy.
import { writeBundleToMedia } from '../../electron/bundle/media';

const [source, target, rate] = process.argv.slice(2);
await writeBundleToMedia(source!, target!, {
  throttleBytesPerSecond: Number(rate),
  onProgress: (p) => process.stdout.write(JSON.stringify(p) + '\n'),
});
process.stdout.write('DONE\n');
