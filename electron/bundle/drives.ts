// Removable drives. Linux: `lsblk --json` (RM/HOTPLUG/TRAN=usb). Windows: Get-Volume via Windows PowerShell.
// macOS: volumes under /Volumes other than the start-up disk (best effort; `diskutil info -plist` would be exact).
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Drive {
  device: string;
  mountpoint: string;
  label?: string;
  fstype?: string;
  size?: number;
}

interface LsblkNode {
  name?: string;
  path?: string;
  rm?: boolean | string | number;
  hotplug?: boolean | string | number;
  tran?: string | null;
  size?: number | string;
  fstype?: string | null;
  label?: string | null;
  mountpoint?: string | null;
  mountpoints?: (string | null)[];
  children?: LsblkNode[];
}

const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';

/** Mounted file systems on removable or USB devices, from `lsblk --json -b -o ...` output. */
export function parseLsblk(json: string): Drive[] {
  const doc = JSON.parse(json) as { blockdevices?: LsblkNode[] };
  const out: Drive[] = [];
  const visit = (n: LsblkNode, removable: boolean) => {
    const rem = removable || truthy(n.rm) || truthy(n.hotplug) || n.tran === 'usb';
    const mounts = [...(n.mountpoints ?? []), n.mountpoint].filter((m): m is string => typeof m === 'string' && m.length > 0);
    if (rem)
      for (const m of new Set(mounts))
        out.push({
          device: n.path ?? `/dev/${n.name}`,
          mountpoint: m,
          ...(n.label ? { label: n.label } : {}),
          ...(n.fstype ? { fstype: n.fstype } : {}),
          ...(n.size !== undefined ? { size: Number(n.size) } : {}),
        });
    for (const c of n.children ?? []) visit(c, rem);
  };
  for (const d of doc.blockdevices ?? []) visit(d, false);
  return out;
}

/** `Get-Volume | Where-Object DriveType -eq 'Removable' | Select DriveLetter,FileSystemLabel,FileSystem,Size | ConvertTo-Json` */
export function parseWindowsVolumes(json: string): Drive[] {
  if (!json.trim()) return [];
  const raw = JSON.parse(json) as unknown;
  const list = (Array.isArray(raw) ? raw : [raw]) as { DriveLetter?: string | null; FileSystemLabel?: string; FileSystem?: string; Size?: number }[];
  return list
    .filter((v) => v.DriveLetter)
    .map((v) => ({
      device: `${v.DriveLetter}:`,
      mountpoint: `${v.DriveLetter}:\\`,
      ...(v.FileSystemLabel ? { label: v.FileSystemLabel } : {}),
      ...(v.FileSystem ? { fstype: v.FileSystem.toLowerCase() } : {}),
      ...(v.Size !== undefined ? { size: v.Size } : {}),
    }));
}

export async function listRemovableDrives(): Promise<Drive[]> {
  if (process.platform === 'linux') {
    const { stdout } = await run('lsblk', ['--json', '-b', '-o', 'NAME,PATH,RM,HOTPLUG,TRAN,SIZE,FSTYPE,LABEL,MOUNTPOINT'], { timeout: 10_000 });
    return parseLsblk(stdout);
  }
  if (process.platform === 'win32') {
    const { stdout } = await run(
      'powershell.exe',
      ['-NoProfile', '-Command', "Get-Volume | Where-Object DriveType -eq 'Removable' | Select-Object DriveLetter,FileSystemLabel,FileSystem,Size | ConvertTo-Json"],
      { timeout: 20_000 },
    );
    return parseWindowsVolumes(stdout);
  }
  if (process.platform === 'darwin') {
    const names = await readdir('/Volumes').catch(() => [] as string[]);
    return names.filter((n) => n !== 'Macintosh HD').map((n) => ({ device: n, mountpoint: `/Volumes/${n}`, label: n }));
  }
  return [];
}
