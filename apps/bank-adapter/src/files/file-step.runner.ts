import { FileFetcher, type FileRequester, type FileRequestLimits, FileSender, type FileSink } from '@custody/bank-protocol';
import type { DayFileDescriptor } from '@custody/contracts';
import { compactDate } from '@custody/service-kit';
import { busCodeOf, descriptorOf, namedFile } from './day-file-descriptor';
import { type FileStep, StepFileMissingError } from './file-step.rules';
import type { DayFileStore } from './reconciliation-files.client';
import { storedFile } from './reconciliation-file.source';

/** Where a running step records how far it got; throws when the step is no longer this worker's. */
export interface StepProgress {
  record(filesDone: readonly DayFileDescriptor[], currentFile: string | null): Promise<void>;
}

export interface FileStepRunnerDependencies {
  /** The reconciliation service's file API: our files to send are read from it. */
  readonly store: DayFileStore;
  /** Where fetched files go (into the same store, as the bank's pushed files do). */
  readonly sink: FileSink;
  /** Per request: the bank's `requestTimeoutMs`, and the engine's attempts. */
  readonly limits: FileRequestLimits;
}

function sameVersion(a: DayFileDescriptor, b: DayFileDescriptor): boolean {
  return a.fileName === b.fileName && a.fileMac === b.fileMac;
}

/**
 * One attempt at a file step on one session, with the file engine and its retries (bank-protocol.md §5):
 * - SEND: each named file of ours, read from the reconciliation service, by 13008/13009, then 13005 listing
 *   them all (a refused 13005 re-sends every file of the step, three times at most);
 * - FETCH: each named file of the bank's by 13006/13007 into the sink, which stores it with the reconciliation
 *   service before it counts as fetched.
 * A resumed step skips the files it finished before (recorded by `progress` as each ends) and restarts the one
 * it was on from its beginning — a 13008 restarts a file at the bank, a fetch starts again from 13006. A file of
 * ours replaced since it was sent (another `FileMac`) is sent again. Resolves with the step's files as sent or
 * fetched; rejects with what stopped it, for `verdictOnFailure`.
 */
export class FileStepRunner {
  constructor(private readonly deps: FileStepRunnerDependencies) {}

  run(step: FileStep, requester: FileRequester, progress: StepProgress): Promise<DayFileDescriptor[]> {
    return step.mode === 'SEND' ? this.send(step, requester, progress) : this.fetch(step, requester, progress);
  }

  private async send(step: FileStep, requester: FileRequester, progress: StepProgress): Promise<DayFileDescriptor[]> {
    const files: DayFileDescriptor[] = [];
    for (const fileName of step.fileNames) {
      const descriptor = await this.deps.store.describe(fileName);
      if (!descriptor) throw new StepFileMissingError(`${fileName} is not held by the reconciliation service: nothing to send`);
      files.push(descriptor);
    }
    const sender = new FileSender(requester, { side: 'S', ...this.deps.limits });
    const done = files.filter((file) => step.filesDone.some((earlier) => sameVersion(earlier, file)));
    for (const file of files) {
      if (done.includes(file)) continue;
      await progress.record(done, file.fileName);
      await sender.sendFile(storedFile(this.deps.store, file));
      done.push(file);
    }
    await progress.record(done, null);
    await sender.announceReady(files.map((file) => storedFile(this.deps.store, file)));
    return files;
  }

  private async fetch(step: FileStep, requester: FileRequester, progress: StepProgress): Promise<DayFileDescriptor[]> {
    const fetcher = new FileFetcher(requester, { side: 'S', sink: this.deps.sink, ...this.deps.limits });
    const done = [...step.filesDone];
    for (const fileName of step.fileNames) {
      if (done.some((earlier) => earlier.fileName === fileName)) continue;
      const named = namedFile(fileName);
      // The step's names were checked before it ran (stepRefusal); a name that does not parse cannot get here.
      if (!named) throw new StepFileMissingError(`${fileName} is not a day-file name`);
      await progress.record(done, fileName);
      const fetched = await fetcher.fetch({ fileName, busDate: compactDate(step.businessDate), busCode: busCodeOf(named.type) });
      done.push(descriptorOf(fetched.file));
    }
    await progress.record(done, null);
    return step.fileNames.map((fileName) => done.find((file) => file.fileName === fileName)).filter((file): file is DayFileDescriptor => file !== undefined);
  }
}
