import { bankFileRefusal, descriptorOf, fileDescriptionOf } from './day-file-descriptor';
import { descriptorFromHeaders } from './reconciliation-files.client';

const MAC = 'ab'.repeat(32);

describe('day-file descriptors between the engine and the contracts', () => {
  it('a file as 13008 describes it becomes the contracts\' descriptor: side, type and date from its name, FileMac in uppercase', () => {
    const descriptor = descriptorOf({ busCode: '0001', busDate: '20261121', fileName: 'B_CHK01_20261121.gz', fileLen: 1234, fileMac: MAC, fileTime: '20261121163000' });
    expect(descriptor).toEqual({
      fileName: 'B_CHK01_20261121.gz',
      side: 'B',
      type: 'CHK01',
      businessDate: '2026-11-21',
      busCode: '0001',
      fileLen: 1234,
      fileMac: MAC.toUpperCase(),
      fileTime: '20261121163000',
    });
    expect(fileDescriptionOf(descriptor)).toEqual({ busCode: '0001', busDate: '20261121', fileName: 'B_CHK01_20261121.gz', fileLen: 1234, fileMac: MAC.toUpperCase(), fileTime: '20261121163000' });
  });

  it('the reconciliation service\'s x-file-* headers describe the file; without them there is no descriptor', () => {
    const headers = new Headers({ 'x-file-len': '77', 'x-file-mac': MAC, 'x-file-time': '20261121170000', 'x-bus-code': '0008' });
    expect(descriptorFromHeaders('S_DIF02_20261121.gz', headers)).toMatchObject({ side: 'S', type: 'DIF02', busCode: '0008', fileLen: 77, fileMac: MAC.toUpperCase() });
    expect(() => descriptorFromHeaders('S_DIF02_20261121.gz', new Headers({ 'x-file-len': '77' }))).toThrow(/without a whole descriptor/);
  });
});

describe('bank-protocol.md §5: what the bank may announce by 13008', () => {
  it('its own file of the date its name gives, under the BusCode §7.22 assigns', () => {
    expect(bankFileRefusal({ fileName: 'B_DIF01_20261121.gz', busDate: '20261121', busCode: '0008' })).toBeUndefined();
  });

  it.each([
    ['one of ours (it would replace our file where files are kept)', { fileName: 'S_CHK01_20261121.gz', busDate: '20261121', busCode: '0001' }, 'the bank sends only its own (B_) files'],
    ['a name that is no day file', { fileName: 'B_CHK01_2026112.gz', busDate: '20261121', busCode: '0001' }, 'not a day-file name'],
    ['another date than its name', { fileName: 'B_CHK01_20261121.gz', busDate: '20261120', busCode: '0001' }, 'BusDate 20261120 is not the date its name gives'],
    ['another BusCode', { fileName: 'B_CHK04_20261121.gz', busDate: '20261121', busCode: '0004' }, 'CHK04 travels as 0005'],
  ])('not %s', (_case, announced, why) => {
    expect(bankFileRefusal(announced)).toContain(why);
  });
});
