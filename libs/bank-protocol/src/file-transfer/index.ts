/**
 * In-band transfer of day files (bank-protocol.md §5 steps 1–4: 13005–13009), for both sides. See
 * README.md beside this file for how the pieces fit.
 */
export { encodeChunkData, MAX_CHUNK_BYTES, readChunkData } from './chunks';
export type { ChunkReading } from './chunks';
export { bufferFile, describedBy, describeFile, FileDigest, fileMacOf, sameFileMac, wholeFileInfo } from './file-description';
export type { FileDescription, FileFields, FileSink, FileSinkWriter, FileSource, LocalFile } from './file-description';
export { DEFAULT_REFETCHES, FileFetcher } from './file-fetcher';
export type { FileFetched, FileFetcherOptions, WantedFile } from './file-fetcher';
export { FileReceiver } from './file-receiver';
export type { FileReceiverOptions, FileReply, FileRequest } from './file-receiver';
export { DEFAULT_ATTEMPTS_PER_REQUEST } from './file-requests';
export type { FileRequester, FileRequestLimits, FileRequestName } from './file-requests';
export { DEFAULT_FILE_RESENDS, DEFAULT_STEP_REPEATS, FileSender } from './file-sender';
export type { FileSenderOptions, FileSent, StepSent } from './file-sender';
export { FileTransferError } from './file-transfer-error';
export type { FileTransferFailure } from './file-transfer-error';
export { InMemoryFileStore } from './in-memory-file-store';
