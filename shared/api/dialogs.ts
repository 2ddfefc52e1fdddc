// What each "Browse…" button asks the native open dialog for. The renderer names a purpose, never dialog options:
// the host alone decides what the dialog may show, so a compromised renderer cannot widen it.
export interface PathPurpose {
  title: string;
  /** A folder picker, or a file picker with these filters. */
  pick: 'folder' | 'file';
  filters?: { name: string; extensions: string[] }[];
}

export const PATH_PURPOSES = {
  bundle: { title: 'Choose a bundle folder', pick: 'folder' },
  folder: { title: 'Choose a folder', pick: 'folder' },
  pfx: {
    title: 'Choose a .pfx file',
    pick: 'file',
    filters: [{ name: 'PKCS#12 (.pfx, .p12)', extensions: ['pfx', 'p12'] }],
  },
  certificate: {
    title: 'Choose a certificate',
    pick: 'file',
    filters: [{ name: 'Certificate (.cer, .crt, .pem, .der, .pfx, .p12)', extensions: ['cer', 'crt', 'pem', 'der', 'pfx', 'p12'] }],
  },
  pem: {
    title: 'Choose a PEM file',
    pick: 'file',
    filters: [{ name: 'PEM (.pem, .crt, .cer)', extensions: ['pem', 'crt', 'cer'] }],
  },
} as const satisfies Record<string, PathPurpose>;

export type PathPurposeId = keyof typeof PATH_PURPOSES;
export const PATH_PURPOSE_IDS = Object.keys(PATH_PURPOSES) as [PathPurposeId, ...PathPurposeId[]];

/** The native open dialog's options for a purpose (Electron's OpenDialogOptions, structurally). */
export function openDialogOptions(purpose: PathPurposeId): {
  title: string;
  properties: ['openDirectory'] | ['openFile'];
  filters?: { name: string; extensions: string[] }[];
} {
  const p: PathPurpose = PATH_PURPOSES[purpose];
  return {
    title: p.title,
    properties: p.pick === 'folder' ? ['openDirectory'] : ['openFile'],
    ...(p.filters ? { filters: p.filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })) } : {}),
  };
}
