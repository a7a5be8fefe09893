import iconv from 'iconv-lite';

/** JR/T 0046 §4.2.2.4.1 and profile §1: every package is GB18030 as a whole. */
export const PACKAGE_ENCODING = 'gb18030';

/**
 * Encodes text, or returns undefined when it cannot be represented (lone surrogates), because iconv
 * would otherwise silently substitute `?` and change what the customer typed.
 */
export function encodeGb18030(text: string): Buffer | undefined {
  const bytes = iconv.encode(text, PACKAGE_ENCODING);
  return iconv.decode(bytes, PACKAGE_ENCODING) === text ? bytes : undefined;
}

/**
 * Decodes bytes, or returns undefined when they are not valid GB18030. iconv replaces invalid sequences
 * with U+FFFD; comparing the round trip is the only way to tell that from a genuine U+FFFD.
 */
export function decodeGb18030(bytes: Buffer): string | undefined {
  const text = iconv.decode(bytes, PACKAGE_ENCODING);
  return iconv.encode(text, PACKAGE_ENCODING).equals(bytes) ? text : undefined;
}
