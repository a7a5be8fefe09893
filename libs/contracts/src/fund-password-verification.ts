import { z } from 'zod';

/**
 * The account service's internal fund-password check (role `service`, not routed by the public ingress),
 * asked by the bank adapters (F-4.2 B) and by the transfer service (`fundPassword` on `POST /v1/transfers`).
 * The password travels only as a PIN block under the account service's public key (docs/design.md
 * "Secrets"); the account service's DTO mirrors this schema field by field.
 */
export const FUND_PASSWORD_VERIFICATIONS_PATH = '/internal/v1/fund-password-verifications';

/** Names the request a password came with; a repeat of it is judged once (I6). */
export const fundPasswordAttemptIdSchema = z.string().regex(/^[0-9A-Za-z:._-]{1,64}$/);

export const fundPasswordVerificationRequestSchema = z
  .object({
    attemptId: fundPasswordAttemptIdSchema,
    fundAccountNo: z.string().min(1).max(32),
    /** Base64 RSA-OAEP-256 ciphertext of the ISO 9564 format-0 block, labelled with the attempt and fund account. */
    pinBlock: z.string().min(1).max(1024),
    /** Which of the account service's key pairs `pinBlock` is under. */
    pinKeyId: z.string().regex(/^[0-9a-f]{16}$/),
    /**
     * Optional: a keyed digest of what the caller considers this attempt (e.g. the API request holding the
     * password). A repeat of the attempt with another digest is refused (409 `IDEMPOTENCY_KEY_REUSED`)
     * instead of being answered with the first verdict.
     */
    attemptDigest: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  })
  .strict();
export type FundPasswordVerificationRequest = z.infer<typeof fundPasswordVerificationRequestSchema>;

/**
 * MATCHED / MISMATCHED (counted towards the lockout) / LOCKED (too many wrong in a row) / NOT_SET (the
 * customer has none) / UNREADABLE (the block holds no PIN for this fund account: not counted) /
 * UNKNOWN_FUND_ACCOUNT.
 */
export const FUND_PASSWORD_VERDICTS = ['MATCHED', 'MISMATCHED', 'LOCKED', 'NOT_SET', 'UNREADABLE', 'UNKNOWN_FUND_ACCOUNT'] as const;
export const fundPasswordVerdictSchema = z.enum(FUND_PASSWORD_VERDICTS);
export type FundPasswordVerdict = z.infer<typeof fundPasswordVerdictSchema>;
export const fundPasswordVerificationResponseSchema = z.object({ result: fundPasswordVerdictSchema });
