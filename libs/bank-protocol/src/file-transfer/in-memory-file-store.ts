import { bufferFile, type FileDescription, type FileFields, type FileSink, type FileSinkWriter, type FileSource, type LocalFile } from './file-description';

/**
 * Files kept in memory: a `FileSink` for what a receiver is sent and a `FileSource` of files to send or
 * serve. For tests and the bank simulator, whose books live in memory anyway; the broker keeps its files
 * in PostgreSQL. A side uses one store for what it receives and another for its own files, since a side
 * serves only its own (profile §5 step 3).
 */
export class InMemoryFileStore implements FileSink, FileSource {
  private readonly files = new Map<string, LocalFile>();

  /** Adds (or replaces) one of this side's files. */
  add(fields: FileFields, content: Buffer): LocalFile {
    const file = bufferFile(fields, Buffer.from(content));
    this.files.set(file.fileName, file);
    return file;
  }

  async begin(description: FileDescription): Promise<FileSinkWriter> {
    const pieces: Buffer[] = [];
    let open = true;
    return {
      append: async (data) => {
        if (!open) throw new Error(`${description.fileName} is no longer being written`);
        pieces.push(Buffer.from(data));
      },
      commit: async () => {
        if (!open) throw new Error(`${description.fileName} is no longer being written`);
        open = false;
        const content = Buffer.concat(pieces);
        this.files.set(description.fileName, bufferFile(description, content));
      },
      discard: async () => {
        open = false;
      },
    };
  }

  async find(fileName: string): Promise<LocalFile | undefined> {
    return this.files.get(fileName);
  }

  /** The `.gz` bytes of a file held, e.g. to check what was received. */
  async content(fileName: string): Promise<Buffer | undefined> {
    const file = this.files.get(fileName);
    if (!file) return undefined;
    const pieces: Buffer[] = [];
    for await (const piece of file.bytes(0)) pieces.push(Buffer.from(piece));
    return Buffer.concat(pieces);
  }

  /** The files held for one business date, by name. */
  list(busDate: string): readonly FileDescription[] {
    return [...this.files.values()].filter((file) => file.busDate === busDate).sort((a, b) => a.fileName.localeCompare(b.fileName));
  }
}
