// Where the bundle's payload comes from: the generators' generateAll (shared/generate). Kept in one place so the
// builder depends only on the GeneratedLike shape (see from-generate.ts).
import type { Workspace } from '../../shared/model/schema';
import { generateAll } from '../../shared/generate/index';
import type { GeneratedLike } from './from-generate';

export function generateForBundle(ws: Workspace): GeneratedLike {
  return generateAll(ws);
}
