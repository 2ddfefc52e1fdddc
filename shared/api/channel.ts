// Building blocks of the API contract, shared by contract.ts and the per-capability channel maps it spreads in.
import { z } from 'zod';

/** Declares a channel: the request schema is a value (validated at runtime), the response a type. */
export function channel<Res>() {
  return <Req extends z.ZodType>(request: Req) => ({ request, response: undefined as unknown as Res });
}

/** A workspace document as it is in the editor, saved or not. */
export const docText = z.strictObject({
  fileName: z.string().min(1).max(4096),
  text: z.string().max(64 * 1024 * 1024),
});

export const filePath = z.string().min(1).max(4096);
/** Chosen by the client so it can poll `jobs.progress` while the long request is still running. */
export const jobId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a job id is 8 to 64 letters, digits, "-" or "_"');
/** Sent only inside the one request that needs it; the host never stores or logs it. */
export const password = z.string().max(1024);
