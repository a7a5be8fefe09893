import { DayFileError } from './day-file-error';
import { DAY_FILE_TYPES } from './day-file-types';
import { dayFileName, parseDayFileName } from './file-name';

function nameRefusal(run: () => unknown): DayFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof DayFileError) return error;
    throw error;
  }
  throw new Error('expected a DayFileError');
}

describe('day-file names (A.1 f, g; bank-protocol.md §5)', () => {
  it('A.1 f: {S|B}_{TYPE}_{YYYYMMDD}.gz, the date being the business date D', () => {
    expect(dayFileName('S', 'CHK01', '2026-11-21')).toBe('S_CHK01_20261121.gz');
    expect(dayFileName('B', 'DIF04', '2026-12-31')).toBe('B_DIF04_20261231.gz');
  });

  it.each(DAY_FILE_TYPES.flatMap((type) => [['S', type] as const, ['B', type] as const]))('A.1 f: %s_%s is parsed back to its side, type and date', (side, type) => {
    expect(parseDayFileName(dayFileName(side, type, '2028-02-29'))).toEqual({ side, type, businessDate: '2028-02-29' });
  });

  it.each([
    ['a lower-case side', 's_CHK01_20261121.gz'],
    ['an unknown side', 'X_CHK01_20261121.gz'],
    ['a lower-case type', 'S_chk01_20261121.gz'],
    ['a type the profile does not have', 'S_CHK05_20261121.gz'],
    ['the template name DATzt', 'S_DATzt_20261121.gz'],
    ['a date that is no day', 'S_CHK01_20261131.gz'],
    ['a short date', 'S_CHK01_2026112.gz'],
    ['no .gz', 'S_CHK01_20261121'],
    ['a suffix after .gz', 'S_CHK01_20261121.gz.part'],
    ['other separators', 'S-CHK01-20261121.gz'],
    ['a leading space', ' S_CHK01_20261121.gz'],
    ['a directory', 'in/S_CHK01_20261121.gz'],
  ])('A.1 f: a name with %s is refused', (_case, name) => {
    expect(nameRefusal(() => parseDayFileName(name))).toMatchObject({ defect: 'FILE_NAME', fileName: name });
  });

  it('A.1 f: a name is built only from a real YYYY-MM-DD business date', () => {
    expect(nameRefusal(() => dayFileName('S', 'CHK01', '20261121')).defect).toBe('FILE_NAME');
    expect(nameRefusal(() => dayFileName('S', 'CHK01', '2027-02-29')).defect).toBe('FILE_NAME');
  });
});
