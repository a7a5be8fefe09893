import type { FileSource, LocalFile } from '@custody/bank-protocol';
import type { DayFileDescriptor } from '@custody/contracts';
import { fileDescriptionOf, isFileOf } from './day-file-descriptor';
import type { DayFileStore } from './reconciliation-files.client';

/** The file a descriptor names, its bytes read from the store on demand (each send, each 13007, reads afresh). */
export function storedFile(store: DayFileStore, descriptor: DayFileDescriptor): LocalFile {
  return { ...fileDescriptionOf(descriptor), bytes: (position = 0) => store.read(descriptor, position) };
}

/**
 * The broker's own day files (`S_…`) as the reconciliation service holds them: what a SEND step sends and what
 * the bank's 13006/13007 are served from. A side serves only its own files (profile §5 step 3), so a name that
 * is not ours is "not here" — the engine answers it 3092 — even though the store holds the bank's files too.
 */
export class ReconciliationFileSource implements FileSource {
  constructor(private readonly store: DayFileStore) {}

  async find(fileName: string): Promise<LocalFile | undefined> {
    if (!isFileOf('S', fileName)) return undefined;
    const descriptor = await this.store.describe(fileName);
    return descriptor && storedFile(this.store, descriptor);
  }
}
