import { INSTRUCTION_CODES } from './code-lists';
import { fileInfo, type FileInfo, type MessageHeader, messageHeader, returnResult } from './components';
import { defineReply, defineRequest } from './message-definition';
import { isSuccess } from './return-codes';
import { type Infer, integer, optional, required, SchemaViolation, sequence, text } from './xml-schema';

/**
 * §5.29/§5.30: file operations (文件操作), one file per message (§5.29.4 c), transferred in-band as
 * profile §5 fixes: 13006 ask for a file's information, 13007 ask for the chunk at `StPos`, 13008 send
 * a file's information, 13009 send the chunk at `StPos` (`LstFrag` in the header: `Y` on the last).
 *
 * `FileData` stays the text the table types it as (Max3000Text): whether it is valid base64 of
 * `DataLen` bytes, at most 2,048 of them, is a rule of the transfer (answered 5208/3093 and the file
 * discarded, profile §5 step 2), judged by the receiving engine rather than refused here as a
 * malformed message (1044/2044). The same goes for `StPos` following on from the previous chunk.
 */

const FILE_CODES = [
  INSTRUCTION_CODES.REQUEST_FILE_INFO,
  INSTRUCTION_CODES.REQUEST_FILE_DATA,
  INSTRUCTION_CODES.SEND_FILE_INFO,
  INSTRUCTION_CODES.SEND_FILE_DATA,
] as const;

const dataElements = ['StPos', 'DataLen', 'FileData'] as const;
type DataElement = (typeof dataElements)[number];
type FileOperationFields = { readonly FileInfo?: FileInfo } & { readonly [K in DataElement]?: unknown };

function requireElements(body: FileOperationFields, elements: readonly DataElement[], path: string, rule: string): void {
  if (body.FileInfo === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/FileInfo`, `FileInfo is mandatory (${rule})`);
  for (const element of elements) {
    if (body[element] === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/${element}`, `${element} is mandatory (${rule})`);
  }
}

function forbidElements(body: FileOperationFields, elements: readonly DataElement[], path: string, rule: string): void {
  for (const element of elements) {
    if (body[element] !== undefined) throw new SchemaViolation('UNEXPECTED_ELEMENT', `${path}/${element}`, `${element} is not carried (${rule})`);
  }
}

/** Profile §5 step 1: what 13008 (and the answer to 13006) tells about a whole file. */
function requireWholeFileInfo(info: FileInfo | undefined, path: string): void {
  for (const element of ['BusCode', 'BusDate', 'FileLen', 'FileTime', 'FileMac'] as const) {
    if (info?.[element] === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/FileInfo/${element}`, `a file's information names its ${element} (profile §5)`);
  }
}

/** Profile §5 step 2: a chunk names its file by `FileName` and `BusDate` and says in the header whether it is the last. */
function requireChunkIdentity(info: FileInfo | undefined, header: MessageHeader, path: string): void {
  if (info?.BusDate === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/FileInfo/BusDate`, 'a chunk names its file by FileName and BusDate (profile §5)');
  if (header.LstFrag === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/MsgHdr/LstFrag`, 'a chunk says in LstFrag whether it is the last (profile §5)');
}

/** Table 48. */
export const fileOperationBody = sequence('File.001.01', {
  MsgHdr: required(messageHeader),
  FileInfo: optional(fileInfo),
  StPos: optional(integer),
  DataLen: optional(integer),
  FileData: optional(text(3000)),
  Dgst: optional(text(35)),
});
export type FileOperation = Infer<typeof fileOperationBody>;

export const FILE_OPERATION = defineRequest({
  name: 'File.001.01',
  replyName: 'File.002.01',
  packageType: 'B',
  instructionCodes: FILE_CODES,
  body: fileOperationBody,
  check(body, path) {
    switch (body.MsgHdr.InstrCd) {
      case INSTRUCTION_CODES.REQUEST_FILE_INFO:
        requireElements(body, [], path, 'table 49');
        forbidElements(body, dataElements, path, 'table 49');
        return;
      case INSTRUCTION_CODES.REQUEST_FILE_DATA:
        requireElements(body, ['StPos'], path, 'table 49');
        forbidElements(body, ['DataLen', 'FileData'], path, 'table 49');
        return;
      case INSTRUCTION_CODES.SEND_FILE_INFO:
        requireElements(body, [], path, 'table 50');
        requireWholeFileInfo(body.FileInfo, path);
        return;
      default:
        requireElements(body, dataElements, path, 'table 50');
        requireChunkIdentity(body.FileInfo, body.MsgHdr, path);
    }
  },
});

/**
 * Table 51. After a failure the elements following `Rst` may be left out (§5.30.4 d). A successful
 * answer to 13006 carries what 13008 would have sent, one to 13007 what 13009 would have (profile §5
 * step 3, `LstFrag` in its header); answers to 13008/13009 may carry `FileInfo` and `StPos`, and a
 * sender must not require them.
 */
export const fileOperationReplyBody = sequence('File.002.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  FileInfo: optional(fileInfo),
  StPos: optional(integer),
  DataLen: optional(integer),
  FileData: optional(text(3000)),
  Dgst: optional(text(35)),
});
export type FileOperationReply = Infer<typeof fileOperationReplyBody>;

export const FILE_OPERATION_REPLY = defineReply({
  name: 'File.002.01',
  packageType: 'B',
  instructionCodes: FILE_CODES,
  body: fileOperationReplyBody,
  check(body, path) {
    if (!isSuccess(body.Rst.Code)) return;
    switch (body.MsgHdr.InstrCd) {
      case INSTRUCTION_CODES.REQUEST_FILE_INFO:
        requireElements(body, [], path, 'table 52');
        requireWholeFileInfo(body.FileInfo, path);
        return;
      case INSTRUCTION_CODES.REQUEST_FILE_DATA:
        requireElements(body, dataElements, path, 'table 52, profile §5 step 3');
        requireChunkIdentity(body.FileInfo, body.MsgHdr, path);
        return;
      default:
        return;
    }
  },
});
