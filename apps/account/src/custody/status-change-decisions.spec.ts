import { brokerStatusChangeRefusal, STATUS_CHANGE_CODES, type StatusChangeFacts, statusChangeVerdict } from './status-change-decisions';

const DESIGNATED_NORMAL: StatusChangeFacts = { fundAccountExists: true, designatedHere: ['NORMAL', 'NORMAL'] };

describe('11011 B: the broker decides on a bank status change (freeze, loss report)', () => {
  it.each([
    ['FROZEN', DESIGNATED_NORMAL],
    ['LOST', DESIGNATED_NORMAL],
    ['LOST', { fundAccountExists: true, designatedHere: ['FROZEN'] }],
    ['NORMAL', { fundAccountExists: true, designatedHere: ['FROZEN'] }],
    ['NORMAL', { fundAccountExists: true, designatedHere: ['LOST'] }],
  ] as const)('profile §4.1: %s on a designated relationship that is not so yet is accepted (0000)', (accountStatus, facts) => {
    expect(statusChangeVerdict({ fundAccountNo: '880001', accountStatus }, facts)).toEqual({ code: STATUS_CHANGE_CODES.CHANGED });
  });

  it('profile §4.1: without ScAcct it is refused 2044', () => {
    expect(statusChangeVerdict({ fundAccountNo: '', accountStatus: 'FROZEN' }, DESIGNATED_NORMAL).code).toBe('2044');
  });

  it('profile §4.1: an unknown fund account is refused 2011', () => {
    expect(statusChangeVerdict({ fundAccountNo: '880001', accountStatus: 'FROZEN' }, { fundAccountExists: false, designatedHere: [] }).code).toBe('2011');
  });

  it('profile §4.1: a fund account with no designated relationship at this bank is refused 2013', () => {
    expect(statusChangeVerdict({ fundAccountNo: '880001', accountStatus: 'FROZEN' }, { fundAccountExists: true, designatedHere: [] }).code).toBe('2013');
  });

  it.each([
    ['FROZEN', '5003'],
    ['NORMAL', '5004'],
    ['LOST', '5005'],
  ] as const)('profile §4.1, §7.23: %s again is refused %s', (accountStatus, code) => {
    expect(statusChangeVerdict({ fundAccountNo: '880001', accountStatus }, { fundAccountExists: true, designatedHere: [accountStatus, accountStatus] }).code).toBe(code);
  });
});

describe('11011 S: the broker decides before it sends an operator’s status change', () => {
  it.each([
    ['FROZEN', ['NORMAL']],
    ['LOST', ['FROZEN']],
    ['NORMAL', ['LOST']],
    ['FROZEN', ['FROZEN', 'NORMAL']],
  ] as const)('profile §4.1: %s on designated relationships not all so yet is sent', (accountStatus, designated) => {
    expect(brokerStatusChangeRefusal(accountStatus, { designated, changeInFlight: false })).toBeUndefined();
  });

  it('a fund account with no designated relationship is refused RELATIONSHIP_NOT_ACTIVE', () => {
    expect(brokerStatusChangeRefusal('FROZEN', { designated: [], changeInFlight: false })?.code).toBe('RELATIONSHIP_NOT_ACTIVE');
  });

  it('a change while another awaits the bank is refused RELATIONSHIP_CHANGING', () => {
    expect(brokerStatusChangeRefusal('NORMAL', { designated: ['NORMAL'], changeInFlight: true })?.code).toBe('RELATIONSHIP_CHANGING');
  });

  it.each(['NORMAL', 'FROZEN', 'LOST'] as const)('profile §4.1: %s again is refused ACCOUNT_STATUS_UNCHANGED, never sent for the bank’s 5003/5004/5005', (accountStatus) => {
    expect(brokerStatusChangeRefusal(accountStatus, { designated: [accountStatus, accountStatus], changeInFlight: false })?.code).toBe('ACCOUNT_STATUS_UNCHANGED');
  });
});
