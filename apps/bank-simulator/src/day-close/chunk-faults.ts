import type { Fault } from '../protocol/fault-plan';

/**
 * DELAY_FILE_CHUNK and CORRUPT_FILE_CHUNK on a chunk the bank sends (13009) or serves (13007). A corrupted chunk
 * keeps its length and valid base64, so the receiver takes it and finds the damage only where the profile makes
 * it look, in the whole file's `FileMac`: it discards the file (5208/3093) and the file goes again from 13008
 * (a push) or from 13006 (a fetch).
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The same bytes with the first one inverted: another file, same length. */
export function corruptChunkData(fileData: string): string {
  const data = Buffer.from(fileData, 'base64');
  if (data.length > 0) data[0] ^= 0xff;
  return data.toString('base64');
}

/** `FileData` as the fault leaves it, once its delay has passed. */
export async function chunkDataUnder(fault: Fault | undefined, fileData: string): Promise<string> {
  if (fault?.kind === 'DELAY_FILE_CHUNK') await sleep(fault.delayMs ?? 0);
  return fault?.kind === 'CORRUPT_FILE_CHUNK' ? corruptChunkData(fileData) : fileData;
}
