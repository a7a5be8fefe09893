import { DomainError } from '@custody/service-kit';
import { busCodeOf, chinaFileTime, namedDayFile } from './day-file-descriptor';

describe('bank-protocol.md §5: what a day file’s name and BusCode say', () => {
  it('a name is {S|B}_{TYPE}_{YYYYMMDD}.gz of a real date; anything else is VALIDATION_FAILED', () => {
    expect(namedDayFile('B_DIF04_20261123.gz')).toEqual({ fileName: 'B_DIF04_20261123.gz', side: 'B', type: 'DIF04', businessDate: '2026-11-23' });
    for (const bad of ['X_CHK01_20261123.gz', 'B_CHK01_20261131.gz', 'B_CHK01_20261123', 'b_chk01_20261123.gz']) {
      expect(() => namedDayFile(bad)).toThrow(DomainError);
    }
  });

  it('§7.22: CHK01 0001, CHK02 0002, CHK03 0003, CHK04 0005, DIF04 0007, DIF01–03 0008', () => {
    expect(['CHK01', 'CHK02', 'CHK03', 'CHK04', 'DIF04', 'DIF01', 'DIF02', 'DIF03'].map((t) => busCodeOf(t as 'CHK01'))).toEqual(['0001', '0002', '0003', '0005', '0007', '0008', '0008', '0008']);
  });

  it('times in files are China time: 2026-11-23T16:30:05Z is 20261124003005', () => {
    expect(chinaFileTime(new Date('2026-11-23T16:30:05Z'))).toBe('20261124003005');
  });
});
