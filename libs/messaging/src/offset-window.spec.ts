import { OffsetWindow } from './offset-window';

function windowOf(maxInFlight: number, maxUncommitted = 100): OffsetWindow {
  return new OffsetWindow({ maxInFlight, maxUncommitted });
}

function admitAll(window: OffsetWindow, offsets: string[]): void {
  for (const offset of offsets) window.admit(offset);
}

describe('offset window of a windowed consumer (which offset may be committed)', () => {
  it('commits just past the longest finished run from the oldest message: never past an unfinished one', () => {
    const window = windowOf(5);
    admitAll(window, ['10', '11', '12', '13', '14']);
    expect(window.finish('12')).toBeUndefined();
    expect(window.finish('14')).toBeUndefined();
    expect(window.commitPoint).toBeUndefined();
    expect(window.finish('10')).toBe('11');
    expect(window.finish('11')).toBe('13');
    expect(window.unfinishedOffsets()).toEqual(['13']);
    expect(window.finish('13')).toBe('15');
    expect(window.uncommitted).toBe(0);
  });

  it('limits messages in flight, and the span a stuck message may hold open', () => {
    const window = windowOf(2, 4);
    admitAll(window, ['0', '1']);
    expect(window.hasRoom).toBe(false);
    window.finish('1');
    expect(window.hasRoom).toBe(true);
    admitAll(window, ['2']);
    window.finish('2');
    admitAll(window, ['3']);
    window.finish('3');
    // 0 is still running: 0..3 are four messages not yet committable, although only one is in flight.
    expect(window.inFlight).toBe(1);
    expect(window.uncommitted).toBe(4);
    expect(window.hasRoom).toBe(false);
    expect(() => window.admit('4')).toThrow(/no room/);
    expect(window.finish('0')).toBe('4');
    expect(window.hasRoom).toBe(true);
  });

  it('recognises a redelivery after a rebalance: in the window or already below the commit point', () => {
    const window = windowOf(3);
    admitAll(window, ['5', '6', '7']);
    window.finish('5');
    expect(['4', '5', '6', '7', '8'].map((offset) => window.isKnown(offset))).toEqual([true, true, true, true, false]);
    expect(() => window.admit('6')).toThrow(/already in the window/);
  });

  it('takes gaps in the offsets (compaction, transaction markers) in its stride', () => {
    const window = windowOf(3);
    admitAll(window, ['5', '7', '9']);
    expect(window.finish('5')).toBe('6');
    expect(window.finish('9')).toBeUndefined();
    expect(window.finish('7')).toBe('10');
  });

  it('compares offsets as numbers, beyond what a double holds exactly', () => {
    const window = windowOf(3);
    admitAll(window, ['9007199254740993', '9007199254740994', '10000000000000000000']);
    window.finish('9007199254740994');
    expect(window.finish('9007199254740993')).toBe('9007199254740995');
    expect(window.isKnown('9007199254740994')).toBe(true);
    expect(window.isKnown('9999999999999999999')).toBe(false);
    expect(window.finish('10000000000000000000')).toBe('10000000000000000001');
  });

  it('refuses to finish what it does not hold, or twice', () => {
    const window = windowOf(2);
    window.admit('1');
    window.finish('1');
    expect(() => window.finish('1')).toThrow(/not an unfinished message/);
    expect(() => window.finish('2')).toThrow(/not an unfinished message/);
  });

  it('refuses limits that cannot work', () => {
    expect(() => new OffsetWindow({ maxInFlight: 0, maxUncommitted: 10 })).toThrow(/maxInFlight/);
    expect(() => new OffsetWindow({ maxInFlight: 1.5, maxUncommitted: 10 })).toThrow(/maxInFlight/);
    expect(() => new OffsetWindow({ maxInFlight: 8, maxUncommitted: 4 })).toThrow(/maxUncommitted/);
  });
});
