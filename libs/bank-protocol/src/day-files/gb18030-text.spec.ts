import { decodeGb18030, encodeGb18030 } from '../gb18030';
import { cutAtCharacterBoundary, decodeText, encodeText } from './gb18030-text';

/** Every 2-byte sequence, and every 4-byte one of the BMP range (0x81308130–0x8431A439) and a little past it. */
function* gb18030Sequences(): Generator<Buffer> {
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) if (trail !== 0x7f) yield Buffer.from([lead, trail]);
  }
  for (let first = 0x81; first <= 0x84; first += 1) {
    for (let second = 0x30; second <= 0x39; second += 1) {
      for (let third = 0x81; third <= 0xfe; third += 1) {
        for (let fourth = 0x30; fourth <= 0x39; fourth += 1) yield Buffer.from([first, second, third, fourth]);
      }
    }
  }
  yield Buffer.from([0x95, 0x32, 0x82, 0x36]); // 𠀀, outside the BMP
}

describe('GB18030 text of day-file fields (bank-protocol.md §5)', () => {
  it('bank-protocol.md §5: reading any GB18030 character gives what the reference conversion gives (or refuses it likewise)', () => {
    const differing: string[] = [];
    for (const bytes of gb18030Sequences()) {
      if (decodeText(bytes, 0, bytes.length) !== decodeGb18030(bytes)) differing.push(bytes.toString('hex'));
    }
    expect(differing).toEqual([]);
  });

  it('bank-protocol.md §5: writing any BMP character gives the reference conversion\'s bytes (or refuses it likewise)', () => {
    const differing: string[] = [];
    for (let unit = 0; unit <= 0xffff; unit += 1) {
      const text = String.fromCharCode(unit);
      if (encodeText(text, 4) !== encodeGb18030(text)?.toString('latin1')) differing.push(unit.toString(16));
    }
    expect(differing).toEqual([]);
    expect(encodeText('王𠀀', 6)).toBe(Buffer.from('cdf595328236', 'hex').toString('latin1'));
  });

  it('bank-protocol.md §5: a text is cut at the last character boundary within the width', () => {
    const bytes = Buffer.from('41 c5b7 95328236 42'.replace(/ /g, ''), 'hex'); // A 欧 𠀀 B
    expect([1, 2, 3, 4, 6, 7, 8].map((width) => cutAtCharacterBoundary(bytes, width).toString('hex'))).toEqual([
      '41',
      '41',
      '41c5b7',
      '41c5b7',
      '41c5b7',
      '41c5b795328236',
      '41c5b79532823642',
    ]);
    expect(encodeText('A欧𠀀B', 6)).toBe(Buffer.from('41c5b7', 'hex').toString('latin1'));
  });
});
