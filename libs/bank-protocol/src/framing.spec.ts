import { decodeGb18030 } from './gb18030';
import { encodeMessage } from './message-codec';
import { encodePackage, FrameDecoder, MIN_PACKAGE_BYTES, parsePackage } from './framing';
import { FramingError, MessageDecodeError } from './protocol-errors';
import { designationRequest, transferRequest } from './spec-fixtures';

function packageOf(seqNo: number, name = '张三'): Buffer {
  return encodePackage(encodeMessage(designationRequest(name)), { seqNo, type: 'B', checkSum: '123' });
}

function packageFormatError(raw: Buffer): MessageDecodeError {
  try {
    parsePackage(raw);
  } catch (error) {
    if (error instanceof MessageDecodeError) return error;
    throw error;
  }
  throw new Error('expected a package format error');
}

describe('framing (profile §1)', () => {
  it('profile §1: Len is the first attribute, five digits, the GB18030 byte length of the whole package', () => {
    const raw = packageOf(7);
    const text = raw.toString('latin1');
    expect(text).toMatch(/^<IFTS Len="\d{5}" DataVer="1\.0\.0\.1" SeqNo="7" Type="B" CheckSum="123"><MsgText><Acmt\.001\.01>/);
    expect(text.endsWith('</MsgText></IFTS>')).toBe(true);
    expect(Number(text.slice(11, 16))).toBe(raw.length);
    // Bytes, not characters: 张三 and 指定存管 are 6 characters but 12 bytes.
    expect((decodeGb18030(raw) ?? '').length).toBe(raw.length - 6);
    expect(raw.includes(Buffer.from('"'))).toBe(true);
    expect(raw.includes(Buffer.from('<?xml'))).toBe(false);
  });

  it('§4.3.3.6: Dup="Y" only on a re-send, placed before CheckSum', () => {
    const raw = encodePackage(encodeMessage(transferRequest()), { seqNo: 3, type: 'B', dup: true, checkSum: '9' });
    expect(raw.toString('latin1')).toMatch(/ SeqNo="3" Type="B" Dup="Y" CheckSum="9">/);
    const parsed = parsePackage(raw);
    expect(parsed.attributes).toMatchObject({ seqNo: 3, type: 'B', dup: true, checkSum: '9', dataVersion: '1.0.0.1' });
  });

  it('parsePackage returns exactly the <MsgText>…</MsgText> bytes, the CheckSum input', () => {
    const msgText = encodeMessage(transferRequest());
    const parsed = parsePackage(encodePackage(msgText, { seqNo: 1, type: 'B', checkSum: '1' }));
    expect(parsed.msgText.equals(msgText)).toBe(true);
  });

  describe('FrameDecoder', () => {
    it('profile §1: reassembles packages delivered one byte per TCP read', () => {
      const stream = Buffer.concat([packageOf(1, '张三'), packageOf(2, '王𠀀')]);
      const decoder = new FrameDecoder();
      const out: Buffer[] = [];
      for (const byte of stream) out.push(...decoder.push(Buffer.from([byte])));
      expect(out).toHaveLength(2);
      expect(out[0].equals(packageOf(1, '张三'))).toBe(true);
      expect(out[1].equals(packageOf(2, '王𠀀'))).toBe(true);
      expect(decoder.bufferedBytes).toBe(0);
      expect(() => decoder.end()).not.toThrow();
    });

    it('profile §1: splits several packages arriving in one read, and a read ending mid-package', () => {
      const a = packageOf(1);
      const b = packageOf(2);
      const c = packageOf(3);
      const stream = Buffer.concat([a, b, c]);
      const decoder = new FrameDecoder();
      const cut = a.length + b.length + 10;
      const first = decoder.push(stream.subarray(0, cut));
      expect(first.map((p) => parsePackage(p).attributes.seqNo)).toEqual([1, 2]);
      const second = decoder.push(stream.subarray(cut));
      expect(second.map((p) => parsePackage(p).attributes.seqNo)).toEqual([3]);
    });

    it.each([
      ['an HTTP request', 'GET / HTTP/1.1\r\n'],
      ['lower-case ifts', '<ifts Len="00100"'],
      ['single quotes', "<IFTS Len='00100'"],
      ['non-digit Len', '<IFTS Len="001a0"'],
      ['Len not first', '<IFTS DataVer="1.0.0.1"'],
      ['an XML declaration first', '<?xml version="1.0"?>'],
    ])('profile §1: refuses %s as a framing error', (_case, garbage) => {
      const decoder = new FrameDecoder();
      expect(() => decoder.push(Buffer.from(garbage, 'latin1'))).toThrow(FramingError);
      // The decoder stays failed: the caller closes the connection.
      expect(() => decoder.push(packageOf(1))).toThrow(FramingError);
    });

    it('profile §1: refuses garbage at its first byte, before 17 bytes have arrived', () => {
      expect(() => new FrameDecoder().push(Buffer.from('X'))).toThrow(FramingError);
    });

    it('profile §1: refuses an impossible Len', () => {
      expect(() => new FrameDecoder().push(Buffer.from('<IFTS Len="00017"', 'ascii'))).toThrow(/impossible package length/);
      expect(() => new FrameDecoder().push(Buffer.from(`<IFTS Len="${String(MIN_PACKAGE_BYTES - 1).padStart(5, '0')}"`, 'ascii'))).toThrow(FramingError);
    });

    it('a stream that ends inside a package is a truncated package', () => {
      const decoder = new FrameDecoder();
      const raw = packageOf(1);
      expect(decoder.push(raw.subarray(0, raw.length - 5))).toEqual([]);
      expect(() => decoder.end()).toThrow(/stream ended inside a package/);
    });
  });

  describe('parsePackage refuses malformed packages with 9000 (package format error)', () => {
    it.each([
      ['truncated (Len larger than the package)', (raw: Buffer) => raw.subarray(0, raw.length - 1)],
      ['Len smaller than the package', (raw: Buffer) => Buffer.concat([raw, Buffer.from(' ')])],
      ['missing </IFTS>', (raw: Buffer) => Buffer.from(raw.toString('latin1').replace('</IFTS>', '</IFTX>'), 'latin1')],
      ['missing <MsgText>', (raw: Buffer) => Buffer.from(raw.toString('latin1').replace('<MsgText>', '<MsgTexx>'), 'latin1')],
      ['DataVer other than 1.0.0.1', (raw: Buffer) => Buffer.from(raw.toString('latin1').replace('DataVer="1.0.0.1"', 'DataVer="1.0.0.2"'), 'latin1')],
      ['SeqNo 0', (raw: Buffer) => Buffer.from(raw.toString('latin1').replace('SeqNo="5"', 'SeqNo="0"'), 'latin1')],
      ['Type X', (raw: Buffer) => Buffer.from(raw.toString('latin1').replace('Type="B"', 'Type="X"'), 'latin1')],
      ['an unknown attribute', (raw: Buffer) => Buffer.from(raw.toString('latin1').replace('Type="B"', 'Type="B" Foo="1"').replace(/Len="\d{5}"/, `Len="${String(raw.length + 8).padStart(5, '0')}"`), 'latin1')],
    ])('%s', (_case, corrupt) => {
      const error = packageFormatError(corrupt(packageOf(5)));
      expect(error.reason).toBe('PACKAGE_FORMAT');
      expect(error.returnCode).toBe('9000');
    });

    it('accepts whitespace between the IFTS tags and MsgText, as in the standard’s own example', () => {
      const raw = packageOf(5);
      const spaced = Buffer.from(raw.toString('latin1').replace('"><MsgText>', '">\n<MsgText>').replace('</MsgText></IFTS>', '</MsgText>\n</IFTS>'), 'latin1');
      const fixed = Buffer.from(spaced.toString('latin1').replace(/Len="\d{5}"/, `Len="${String(spaced.length).padStart(5, '0')}"`), 'latin1');
      expect(parsePackage(fixed).msgText.equals(parsePackage(raw).msgText)).toBe(true);
    });
  });
});
