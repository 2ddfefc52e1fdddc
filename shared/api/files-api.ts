// A folder listing for browser mode: a browser cannot hand a path over, so the path fields get a folder and file
// browser served by the host (issue #17). Electron uses its native dialogs instead.
import { z } from 'zod';
import { channel, filePath } from './channel';

export interface FolderEntry {
  name: string;
  /** `other`: a FIFO, socket or device, listed but never opened; `link`: a symbolic link whose target is gone. */
  kind: 'dir' | 'file' | 'other' | 'link';
  /** Bytes, for files. */
  size?: number;
}

export interface FolderListing {
  /** The folder listed, absolute and normalised. */
  path: string;
  /** Its parent; absent at the root. */
  parent?: string;
  /** Folders first, then files, each by name. */
  entries: FolderEntry[];
  /** More entries than a listing carries; the admin can type the rest of the path. */
  truncated: boolean;
}

export const FILES_API = {
  /** The entries of one folder on the host; an absolute path only, and a folder only (nothing else is opened). */
  'files.list': channel<FolderListing>()(z.strictObject({ path: filePath })),
} as const;
