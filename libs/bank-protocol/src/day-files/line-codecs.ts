import { type FieldReference, FieldViolation } from './day-file-error';
import { DIF_HANDLING_CODES, type DifReason, type DifRecord } from './day-file-records';
import { nullable, oneOf, positions, text } from './field-types';
import { type FieldRanges, layoutOf, type RecordLayout, splitFields } from './record-layout';

/** Reads and writes one line of a day file (without its line end); throws `FieldViolation`. */
export interface LineCodec<R> {
  /** Bytes of every line of the file: the format is fixed width. */
  readonly width: number;
  /** The line's `width` bytes, one latin1 character per byte (see `FieldType`). */
  format(record: R): string;
  /** Reads the record from `bytes[start, end)`, the line without its end. */
  decode(bytes: Buffer, start: number, end: number): R;
}

const SPACE = 0x20;

/** A line that stops being GB18030 at `ranges.invalidAt`, in the field being split there (named when known). */
function encodingViolation(ranges: FieldRanges & { readonly invalidAt?: number }, lineStart: number, field: FieldReference | undefined): FieldViolation {
  const byte = (ranges.invalidAt ?? lineStart) - lineStart + 1;
  const where = field === undefined ? ` (field ${ranges.starts.length})` : '';
  return new FieldViolation('ENCODING', `byte ${byte} of the line${where} starts no GB18030 character`, field);
}

/** A file whose lines are records of one table (every type but DIF01–DIF03). */
export function flatLineCodec<R>(typeName: string, layout: RecordLayout<R>): LineCodec<R> {
  return {
    width: layout.width,
    format: (record) => layout.format(record),
    decode(bytes, start, end) {
      const ranges = splitFields(bytes, start, end);
      if (ranges.invalidAt !== undefined) throw encodingViolation(ranges, start, layout.fields[ranges.starts.length - 1]);
      if (ranges.starts.length !== layout.fields.length) {
        throw new FieldViolation('FIELD_COUNT', `has ${ranges.starts.length} fields, a ${typeName} record ${layout.fields.length}`);
      }
      return layout.decodeFields(bytes, bytes.toString('latin1', start, end), start, ranges, 0);
    },
  };
}

type DifHeader = Pick<DifRecord<unknown>, 'reason' | 'description' | 'positions' | 'handlingCode'>;

/** Which side each reason requires (A.8): `B` only the bank's record, `S` only the broker's, `X` both. */
const SIDES_OF: Readonly<Record<DifReason, { readonly broker: boolean; readonly bank: boolean; readonly meaning: string }>> = {
  B: { broker: false, bank: true, meaning: 'only the bank has it' },
  S: { broker: true, bank: false, meaning: 'only the broker has it' },
  X: { broker: true, bank: true, meaning: 'both have it' },
};

/** A field of the record inside a DIF line, named through the side that holds it. */
function withinSide(error: unknown, side: FieldReference): unknown {
  if (!(error instanceof FieldViolation)) return error;
  const inner = error.field;
  const field =
    inner === undefined ? side : { position: `${side.position}.${inner.position}`, label: `${side.label}/${inner.label}`, name: `${side.name}.${inner.name}` };
  return new FieldViolation(error.defect, error.detail, field);
}

/**
 * Table A.8, DIF01–DIF03: reason | description CHAR(60) | positions CHAR(40) | handling code CHAR(2) | the
 * broker's record | the bank's record, each in its CHKxx layout with its own separators; the side that has
 * no record writes spaces of the record's full width (bank-protocol.md §5).
 */
export function difLineCodec<R>(typeName: string, recordLayout: RecordLayout<R>): LineCodec<DifRecord<R>> {
  const header = layoutOf<DifHeader>();
  const headerLayout = header.layout([
    header.field('reason', '对账异常原因代码', 1, oneOf<DifReason>('a DIF reason', ['B', 'S', 'X'])),
    header.field('description', '对账异常原因描述', 60, nullable(text('对账异常原因描述'))),
    header.field('positions', '对账异常发生字段的位置集合', 40, positions(recordLayout.fields.length)),
    header.field('handlingCode', '对账异常处理结果代码', 2, oneOf('a DIF handling code', DIF_HANDLING_CODES)),
  ]);
  const headerFields = headerLayout.fields.length;
  const recordFields = recordLayout.fields.length;
  const broker: FieldReference = { position: headerFields + 1, label: '证券方原始记录', name: 'broker' };
  const bank: FieldReference = { position: headerFields + 2, label: '银行方原始记录', name: 'bank' };
  const blankRecord = ' '.repeat(recordLayout.width);

  const formatSide = (record: R | null, side: FieldReference): string => {
    if (record === null || record === undefined) return blankRecord;
    try {
      return recordLayout.format(record);
    } catch (error) {
      throw withinSide(error, side);
    }
  };

  const decodeSide = (bytes: Buffer, line: string, lineStart: number, ranges: FieldRanges, first: number, side: FieldReference): R => {
    try {
      return recordLayout.decodeFields(bytes, line, lineStart, ranges, first);
    } catch (error) {
      throw withinSide(error, side);
    }
  };

  const checkSides = (record: DifRecord<R>): void => {
    const expected = SIDES_OF[record.reason];
    for (const [side, present, wanted] of [
      [broker, record.broker !== null && record.broker !== undefined, expected.broker],
      [bank, record.bank !== null && record.bank !== undefined, expected.bank],
    ] as const) {
      if (present !== wanted) {
        throw new FieldViolation('INCONSISTENT', `must ${wanted ? 'hold a record' : 'be blank'} for reason ${record.reason} (${expected.meaning})`, side);
      }
    }
  };

  return {
    width: headerLayout.width + 2 * (recordLayout.width + 1),
    format(record) {
      const line = `${headerLayout.format(record)}|${formatSide(record.broker, broker)}|${formatSide(record.bank, bank)}`;
      checkSides(record);
      return line;
    },
    decode(bytes, start, end) {
      const ranges = splitFields(bytes, start, end);
      const count = ranges.starts.length;
      if (ranges.invalidAt !== undefined) throw encodingViolation(ranges, start, headerLayout.fields[count - 1]);
      const isBlank = (index: number): boolean => {
        for (let i = ranges.starts[index]; i < ranges.ends[index]; i += 1) if (bytes[i] !== SPACE) return false;
        return true;
      };
      const first = headerFields;
      // Where each side's fields start, or null for a side written as one blank field.
      let sides: { broker: number | null; bank: number | null };
      if (count === first + 2 * recordFields) sides = { broker: first, bank: first + recordFields };
      else if (count === first + recordFields + 1 && isBlank(first)) sides = { broker: null, bank: first + 1 };
      else if (count === first + recordFields + 1 && isBlank(count - 1)) sides = { broker: first, bank: null };
      else if (count === first + 2 && isBlank(first) && isBlank(first + 1)) sides = { broker: null, bank: null };
      else {
        throw new FieldViolation(
          'FIELD_COUNT',
          `has ${count} fields, a ${typeName} line ${first + 2 * recordFields} (${first + recordFields + 1} when one side has no record)`,
        );
      }
      const blankSide = (index: number, side: FieldReference): null => {
        const width = ranges.ends[index] - ranges.starts[index];
        if (width !== recordLayout.width) throw new FieldViolation('FIELD_WIDTH', `has ${width} bytes of spaces, a record ${recordLayout.width}`, side);
        return null;
      };
      const line = bytes.toString('latin1', start, end);
      const heading = headerLayout.decodeFields(bytes, line, start, ranges, 0);
      const record: DifRecord<R> = {
        ...heading,
        broker: sides.broker === null ? blankSide(first, broker) : decodeSide(bytes, line, start, ranges, sides.broker, broker),
        bank: sides.bank === null ? blankSide(count - 1, bank) : decodeSide(bytes, line, start, ranges, sides.bank, bank),
      };
      checkSides(record);
      return record;
    },
  };
}
