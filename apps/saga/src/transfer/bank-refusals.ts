/**
 * Bank-side return codes (JR/T 0046 §7.23) that prove the bank refused a request and nothing took effect:
 * wrong password, no money, no such account or relationship, closed or frozen accounts (for an 11011, the status
 * the customer has already: 5003/5004/5005, profile §4.1), limits, a request it could not read or verify
 * (bank-protocol.md §2: such a package "takes no effect"). Only these end a transfer, a designation or a
 * status change FAILED. Every other non-success code — a host error (1041), a duplicate serial
 * (1004), communication codes (9xxx, 5224) or anything unknown — is no proof either way: the outcome stays
 * UNKNOWN and the bank is asked again (domain.md §4: never release a hold on a guess).
 */
export const DEFINITE_REFUSALS: ReadonlySet<string> = new Set([
  '1001', // 银行密码错
  '1002', // 银行账户余额不足
  '1003', // 累计金额超限
  '1006', // 该流水已冲正
  '1008', // 银行账户余额不足,不允许冲正
  '1010', // 清算账户状态错
  '1012', // 证件不符
  '1013', // 银行账户状态错
  '1014', // 银行账户不存在
  '1015', // 银行账户已经销户
  '1016', // 证券账户与银行账户未建立对应关系
  '1017', // 证券账户与银行账户已建立对应关系
  '1018', // 银行账户转账功能未开启
  '1019', // 银行账户转账功能已关闭
  '1021', // 通存通兑功能已关闭
  '1022', // 证券账户不存在
  '1024', // 交易金额超限
  '1032', // 日期不符
  '1033', // 无此交易
  '1034', // 此交易未开通
  '1037', // 转账功能未开通
  '1038', // 无效银行号
  '1043', // 通信校验错误 (the package took no effect)
  '1044', // 通信消息体格式错误 (the package took no effect)
  '1052', // 管理账户余额不足
  ...['5001', '5002', '5003', '5004', '5005', '5007', '5008', '5010', '5011', '5012', '5013', '5014', '5015', '5016', '5017', '5018', '5019'],
  ...['5021', '5031', '5201', '5202', '5203', '5204', '5214', '5215', '5216', '5217', '5218', '5219', '5220', '5221', '5229', '5230', '5231'],
]);

export function isDefiniteRefusal(code: string | undefined): boolean {
  return code !== undefined && DEFINITE_REFUSALS.has(code);
}
