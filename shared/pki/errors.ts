// Failures the user can fix (bad password, a file that is not a certificate): a code for tests and callers,
// a one-line message and the fix. Anything else thrown from shared/pki is a bug.
export type PkiErrorCode =
  | 'wrong-password'
  | 'password-required'
  | 'corrupt'
  | 'not-a-certificate'
  | 'no-private-key'
  | 'bad-subject'
  | 'bad-option';

export class PkiError extends Error {
  constructor(
    readonly code: PkiErrorCode,
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}
