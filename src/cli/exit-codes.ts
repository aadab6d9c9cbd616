/**
 * @module cli/exit-codes
 * pedigree's exit-code contract, in one place (like grep and diff):
 *   0 clean — the command completed and found nothing to act on,
 *   1 findings — a derivation or a policy finding the user asked to fail on,
 *   2 error — bad input, bad usage, or a failure.
 */
export const EXIT = { clean: 0, findings: 1, error: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
