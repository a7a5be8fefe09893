import { fundPasswordMatches, hashFundPassword } from './fund-password';

describe('fund password hash (api.md: a slow salted hash)', () => {
  it('verifies the password it was made from and no other', async () => {
    const stored = await hashFundPassword('135790');
    expect(await fundPasswordMatches('135790', stored)).toBe(true);
    expect(await fundPasswordMatches('135791', stored)).toBe(false);
  });

  it('salts every hash: the same password twice gives two different hashes, neither containing it', async () => {
    const [a, b] = await Promise.all([hashFundPassword('135790'), hashFundPassword('135790')]);
    expect(a).not.toBe(b);
    expect(a).not.toContain('135790');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('a stored value it cannot read never matches', async () => {
    expect(await fundPasswordMatches('135790', 'plain:135790')).toBe(false);
  });
});
