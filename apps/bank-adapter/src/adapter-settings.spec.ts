import { accountServiceUrlFrom } from './adapter-settings';

describe('CUSTODY_ACCOUNT_URL', () => {
  it('is optional: unset or empty means no account service (12002 from the bank is then not offered)', () => {
    expect(accountServiceUrlFrom({})).toBeUndefined();
    expect(accountServiceUrlFrom({ CUSTODY_ACCOUNT_URL: '' })).toBeUndefined();
  });

  it('is an http(s) URL when set', () => {
    expect(accountServiceUrlFrom({ CUSTODY_ACCOUNT_URL: 'http://127.0.0.1:7001' })).toBe('http://127.0.0.1:7001');
    expect(() => accountServiceUrlFrom({ CUSTODY_ACCOUNT_URL: 'account:7001/x y' })).toThrow('CUSTODY_ACCOUNT_URL must be an http(s) URL');
    expect(() => accountServiceUrlFrom({ CUSTODY_ACCOUNT_URL: 'not a url' })).toThrow('CUSTODY_ACCOUNT_URL must be an http(s) URL');
  });
});
