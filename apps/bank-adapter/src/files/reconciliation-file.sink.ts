import { randomUUID } from 'node:crypto';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileDescription, FileSink, FileSinkWriter } from '@custody/bank-protocol';
import { fileDescriptionOf, isFileOf } from './day-file-descriptor';
import type { DayFileStore } from './reconciliation-files.client';

/**
 * Where the bank's files go, pushed (13008/13009) or fetched (13006/13007): each is written to a temporary
 * file as its chunks arrive, and on commit — after the engine checked its length, `FileMac` and gzip — stored
 * with the reconciliation service, streamed, and only then is it held. A store that fails makes the commit
 * fail: the engine then refuses the last chunk (3093) and the bank sends the file again, or a fetch fetches it
 * again. The temporary file is gone either way.
 *
 * What the sink "holds" (`find`, asked by the engine for the bank's 13005) is what the reconciliation service
 * holds, and only the bank's own (`B_…`) files: a 13005 naming one of ours was not sent by the bank.
 */
export class ReconciliationFileSink implements FileSink {
  private directory: Promise<string> | undefined;

  constructor(
    private readonly store: DayFileStore,
    private readonly temporaryRoot: string = tmpdir(),
  ) {}

  async begin(file: FileDescription): Promise<FileSinkWriter> {
    const path = join(await this.workDirectory(), `${randomUUID()}.gz`);
    return new TemporaryFileWriter(path, await open(path, 'wx'), (temporary) => this.store.store(file, temporary));
  }

  async find(fileName: string): Promise<FileDescription | undefined> {
    if (!isFileOf('B', fileName)) return undefined;
    const descriptor = await this.store.describe(fileName);
    return descriptor && fileDescriptionOf(descriptor);
  }

  /** Removes this sink's temporary directory (files in progress are abandoned: their senders start again). */
  async close(): Promise<void> {
    const directory = await this.directory?.catch(() => undefined);
    if (directory) await rm(directory, { recursive: true, force: true });
  }

  private workDirectory(): Promise<string> {
    this.directory ??= mkdtemp(join(this.temporaryRoot, 'custody-bank-files-'));
    return this.directory;
  }
}

class TemporaryFileWriter implements FileSinkWriter {
  private open = true;

  constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    private readonly storeFrom: (path: string) => Promise<unknown>,
  ) {}

  async append(data: Buffer): Promise<void> {
    if (!this.open) throw new Error('the file is no longer being written');
    await this.handle.write(data);
  }

  async commit(): Promise<void> {
    if (!this.open) throw new Error('the file is no longer being written');
    this.open = false;
    try {
      await this.handle.close();
      await this.storeFrom(this.path);
    } finally {
      await rm(this.path, { force: true });
    }
  }

  async discard(): Promise<void> {
    const wasOpen = this.open;
    this.open = false;
    if (wasOpen) await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
