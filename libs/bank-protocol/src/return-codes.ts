/**
 * JR/T 0046—2009 §7.23 (table 231), in the standard's order. Ranges: 0000 success, 1001–1999 and
 * 5001–5999 bank side, 2001–3999 securities (broker) side, 9000–9999 communication.
 * The standard prints success as `0`; its format is four digits, so we send `0000` and read `0` as `0000`.
 */
export interface ReturnCodeEntry {
  /** The standard's wording, kept verbatim so operators can match it against bank documentation. */
  readonly zh: string;
  readonly en: string;
}

export const RETURN_CODES = {
  '0000': { zh: '交易成功', en: 'success' },
  '1001': { zh: '银行密码错', en: 'wrong bank password' },
  '1002': { zh: '银行账户余额不足', en: 'insufficient bank account balance' },
  '1003': { zh: '累计金额超限', en: 'cumulative amount limit exceeded' },
  '1004': { zh: '重复的交易批次号及证券交易流水号', en: 'duplicate batch number and securities serial' },
  '1005': { zh: '被冲正流水不存在', en: 'transaction to reverse not found' },
  '1006': { zh: '该流水已冲正', en: 'transaction already reversed' },
  '1007': { zh: '冲正流水信息不符', en: 'reversal does not match the original' },
  '1008': { zh: '银行账户余额不足,不允许冲正', en: 'insufficient bank balance, reversal refused' },
  '1009': { zh: '清算账户余额不足', en: 'insufficient settlement account balance (corporate account)' },
  '1010': { zh: '清算账户状态错', en: 'settlement account status error' },
  '1011': { zh: '被查询流水不存在', en: 'queried transaction not found' },
  '1012': { zh: '证件不符', en: 'identity document mismatch' },
  '1013': { zh: '银行账户状态错', en: 'bank account status error' },
  '1014': { zh: '银行账户不存在', en: 'bank account not found' },
  '1015': { zh: '银行账户已经销户', en: 'bank account closed' },
  '1016': { zh: '证券账户与银行账户未建立对应关系', en: 'securities and bank account not linked' },
  '1017': { zh: '证券账户与银行账户已建立对应关系', en: 'securities and bank account already linked' },
  '1018': { zh: '银行账户转账功能未开启', en: 'bank account transfer function not enabled' },
  '1019': { zh: '银行账户转账功能已关闭', en: 'bank account transfer function closed' },
  '1020': { zh: '银行产生流水号错', en: 'bank failed to generate a serial number' },
  '1021': { zh: '通存通兑功能已关闭', en: 'universal deposit/withdrawal closed' },
  '1022': { zh: '证券账户不存在', en: 'securities account not found' },
  '1024': { zh: '交易金额超限', en: 'transaction amount limit exceeded' },
  '1025': { zh: '被查询流水已成功', en: 'queried transaction succeeded' },
  '1026': { zh: '被查询流水已失败', en: 'queried transaction failed' },
  '1027': { zh: '被查询流水不存在', en: 'queried transaction never seen' },
  '1028': { zh: '被查询流水状态未知', en: 'queried transaction status unknown (in progress)' },
  '1032': { zh: '日期不符', en: 'date mismatch' },
  '1033': { zh: '无此交易', en: 'no such transaction' },
  '1034': { zh: '此交易未开通', en: 'transaction not enabled' },
  '1037': { zh: '转账功能未开通', en: 'transfer function not enabled' },
  '1038': { zh: '无效银行号', en: 'invalid bank number' },
  '1039': { zh: '证券公司尚未签退', en: 'securities firm not yet signed off' },
  '1040': { zh: '银行主机拒绝签到', en: 'bank host refused sign-in' },
  '1041': { zh: '银行主机系统错误', en: 'bank host system error' },
  '1043': { zh: '通信校验错误', en: 'communication checksum error' },
  '1044': { zh: '通信消息体格式错误', en: 'message body format error' },
  '1052': { zh: '管理账户余额不足', en: 'insufficient management account balance' },
  '2001': { zh: '资金密码校验错误', en: 'wrong fund password' },
  '2002': { zh: '资金账户余额不足', en: 'insufficient fund account balance' },
  '2003': { zh: '累计金额超限', en: 'cumulative amount limit exceeded' },
  '2004': { zh: '银行流水号重复', en: 'duplicate bank serial number' },
  '2005': { zh: '被冲正流水不存在（冲正交易）', en: 'transaction to reverse not found (reversal)' },
  '2006': { zh: '原流水已冲正（冲正交易）', en: 'original already reversed (reversal)' },
  '2007': { zh: '与原流水信息不符（冲正交易）', en: 'does not match the original (reversal)' },
  '2008': { zh: '资金账户余额不足,不允许冲正', en: 'insufficient fund balance, reversal refused' },
  '2009': { zh: '身份证号码不符', en: 'identity card number mismatch' },
  '2010': { zh: '资金账户状态不正常', en: 'fund account status abnormal' },
  '2011': { zh: '资金账户不存在', en: 'fund account not found' },
  '2012': { zh: '资金账户已经销户', en: 'fund account closed' },
  '2013': { zh: '资金账户与银行方账户未建立对应关系', en: 'fund account and bank account not linked' },
  '2014': { zh: '资金账户与银行方账户已建立对应关系', en: 'fund account and bank account already linked' },
  '2015': { zh: '该客户转账功能未开启', en: 'customer transfer function not enabled' },
  '2016': { zh: '客户被限制转账', en: 'customer restricted from transfers' },
  '2018': { zh: '预约流水不存在', en: 'booking serial not found' },
  '2019': { zh: '预约流水信息不符', en: 'booking serial mismatch' },
  '2020': { zh: '预约流水已取款', en: 'booking already withdrawn' },
  '2021': { zh: '预约流水未生效', en: 'booking not yet effective' },
  '2024': { zh: '单笔金额超限', en: 'single transaction amount limit exceeded' },
  '2025': { zh: '被查询流水已成功', en: 'queried transaction succeeded' },
  '2026': { zh: '被查询流水已失败', en: 'queried transaction failed' },
  '2027': { zh: '被查询流水不存在', en: 'queried transaction never seen' },
  '2028': { zh: '被查询流水状态未知', en: 'queried transaction status unknown (in progress)' },
  '2031': { zh: '营业部编码错', en: 'wrong branch code' },
  '2032': { zh: '系统尚未换日', en: 'system has not rolled to the new day' },
  '2033': { zh: '此交易未开通', en: 'transaction not enabled' },
  '2034': { zh: '不允许该操作方式', en: 'operation mode not allowed' },
  '2038': { zh: '当天有业务发生,不允许销户', en: 'activity today, closing refused' },
  '2041': { zh: '服务器系统错误', en: 'server system error' },
  '2042': { zh: 'MAC校验错', en: 'MAC verification error' },
  '2043': { zh: '通信校验错误', en: 'communication checksum error' },
  '2044': { zh: '通信消息体格式错误', en: 'message body format error' },
  '2047': { zh: '账户姓名不符', en: 'account name mismatch' },
  '3001': { zh: '银行账号校验错', en: 'bank account number check error' },
  '3002': { zh: '股东账号校验错', en: 'shareholder account check error' },
  '3003': { zh: '对应关系状态错', en: 'relationship status error' },
  '3006': { zh: '新工作密钥生成失败', en: 'new working key generation failed' },
  '3007': { zh: '转账时间已过', en: 'transfer window closed' },
  '3011': { zh: '币种错', en: 'wrong currency' },
  '3013': { zh: '已开通其他银行', en: 'already designated another bank' },
  '3052': { zh: '操作柜员错', en: 'wrong teller' },
  '3053': { zh: '银行暂停交易', en: 'bank suspended transactions' },
  '3054': { zh: '银行代码错', en: 'wrong bank code' },
  '3091': { zh: '银证系统错误', en: 'bank-securities system error' },
  '3092': { zh: '取银行明细失败', en: 'failed to fetch bank details' },
  '3093': { zh: '取证券明细失败', en: 'failed to fetch securities details' },
  '5001': { zh: '该客户不存在', en: 'customer not found' },
  '5002': { zh: '该银行账号已开通存管功能', en: 'bank account already has custody enabled' },
  '5003': { zh: '该客户已冻结', en: 'customer frozen' },
  '5004': { zh: '该客户未冻结', en: 'customer not frozen' },
  '5005': { zh: '该客户已挂失', en: 'customer reported loss' },
  '5006': { zh: '该客户未挂失', en: 'customer has not reported loss' },
  '5007': { zh: '该客户已销户', en: 'customer closed' },
  '5008': { zh: '该客户状态不正常', en: 'customer status abnormal' },
  '5010': { zh: '证件类型不符', en: 'document type mismatch' },
  '5011': { zh: '证件号码不符', en: 'document number mismatch' },
  '5012': { zh: '客户无此权限', en: 'customer lacks this permission' },
  '5013': { zh: '无此资金账户', en: 'no such fund account' },
  '5014': { zh: '银行账户状态错', en: 'bank account status error' },
  '5015': { zh: '客户类型不能为空', en: 'customer type must not be empty' },
  '5016': { zh: '该账户不属于同一个客户', en: 'accounts do not belong to the same customer' },
  '5017': { zh: '无此客户信息', en: 'no such customer information' },
  '5018': { zh: '客户已开户', en: 'customer already opened' },
  '5019': { zh: '银行账户已存在', en: 'bank account already exists' },
  '5020': { zh: '开通存管客户失败', en: 'failed to enable custody for customer' },
  '5021': { zh: '机构无此交易权限', en: 'institution lacks permission for this transaction' },
  '5026': { zh: '客户已移植', en: 'customer migrated' },
  '5028': { zh: '客户开户失败', en: 'customer opening failed' },
  '5029': { zh: '创建转账关系失败', en: 'failed to create transfer relationship' },
  '5030': { zh: '代理人开户失败', en: 'agent opening failed' },
  '5031': { zh: '客户无转账关系', en: 'customer has no transfer relationship' },
  '5032': { zh: '客户为指定存管', en: 'customer already designated' },
  '5201': { zh: '银证转账对应关系已存在', en: 'bank-securities relationship already exists' },
  '5202': { zh: '未建立银证转账对应关系', en: 'bank-securities relationship not established' },
  '5203': { zh: '证券端客户号错', en: 'wrong securities-side customer number' },
  '5204': { zh: 'MAC校验错', en: 'MAC verification error' },
  '5205': { zh: '有转账流水', en: 'transfers exist' },
  '5206': { zh: '生成新密钥错误', en: 'new key generation error' },
  '5208': { zh: '发送明细文件错', en: 'detail file sending error' },
  '5214': { zh: '银证转账证券公司已注销', en: 'securities firm deregistered' },
  '5215': { zh: '银证转账证券公司已签退', en: 'securities firm signed off' },
  '5216': { zh: '银证转账证券公司状态非正常', en: 'securities firm status abnormal' },
  '5217': { zh: '银证转账客户状态非正常', en: 'customer status abnormal' },
  '5218': { zh: '银证转账客户已冻结', en: 'customer frozen' },
  '5219': { zh: '银证转账客户已挂失', en: 'customer reported loss' },
  '5220': { zh: '银证转账客户已销户', en: 'customer closed' },
  '5229': { zh: '银证转账客户已半冻结', en: 'customer partially frozen' },
  '5230': { zh: '银证转账客户已待销户', en: 'customer pending closure' },
  '5231': { zh: '银证转账客户已限制', en: 'customer restricted' },
  '5232': { zh: '银证转账客户状态正常', en: 'customer status normal' },
  '5221': { zh: '银证转账金额超限', en: 'transfer amount limit exceeded' },
  '5226': { zh: '银证转账金额到达预警金额', en: 'transfer amount reached warning level' },
  '5227': { zh: '银证转账资金账号已使用', en: 'fund account already in use' },
  '5223': { zh: '被查询流水不存在', en: 'queried transaction not found' },
  '5224': { zh: '未收到银行主机应答', en: 'no reply from bank host' },
  '5225': { zh: '有转账业务发生', en: 'transfer activity exists' },
  '5233': { zh: '冲正账号与原交易不符', en: 'reversal account does not match the original' },
  '5234': { zh: '冲正币种与原交易不符', en: 'reversal currency does not match the original' },
  '5235': { zh: '冲正交易码与原交易不符', en: 'reversal instruction code does not match the original' },
  '5236': { zh: '请求流水号不合法', en: 'invalid request serial number' },
  '5237': { zh: '非交易时间', en: 'outside trading hours' },
  '5301': { zh: '取资金信息出错', en: 'error reading fund information' },
  '5302': { zh: '校验资金出错', en: 'fund check error' },
  '5303': { zh: '解冻银行资金出错', en: 'error unfreezing bank funds' },
  '5304': { zh: '冻结银行资金错', en: 'error freezing bank funds' },
  '5305': { zh: '可取资金不足', en: 'insufficient withdrawable funds' },
  '5306': { zh: '冻结资金错', en: 'error freezing funds' },
  '5307': { zh: '修改资金流水错', en: 'error updating fund journal' },
  '5308': { zh: '币种不能为空', en: 'currency must not be empty' },
  '5309': { zh: '冲正冻结资金错', en: 'error reversing frozen funds' },
  '5310': { zh: '解冻资金错', en: 'error unfreezing funds' },
  '5311': { zh: '冲正解冻资金错', en: 'error reversing unfrozen funds' },
  '5312': { zh: '冲正冻结资金与原交易不符', en: 'reversed frozen funds do not match the original' },
  '5313': { zh: '重发解冻资金与原交易不符', en: 're-sent unfrozen funds do not match the original' },
  '5314': { zh: '冲正解冻资金与原交易不符', en: 'reversed unfrozen funds do not match the original' },
  '5315': { zh: '错误的解冻标志', en: 'wrong unfreeze flag' },
  '5316': { zh: '该股东有资金余额', en: 'shareholder has a fund balance' },
  '5317': { zh: '该股东有冻结资金', en: 'shareholder has frozen funds' },
  '5318': { zh: '该股东有未回资金', en: 'shareholder has funds not yet returned' },
  '5319': { zh: '资金为负', en: 'negative funds' },
  '5320': { zh: '可用资金不足', en: 'insufficient available funds' },
  '5321': { zh: '资金开户失败', en: 'fund account opening failed' },
  '5322': { zh: '备注信息不能为空', en: 'remark must not be empty' },
  '5323': { zh: '冲正资金与原交易不符', en: 'reversal amount does not match the original' },
  '5401': { zh: '证券公司不存在', en: 'securities firm not found' },
  '5402': { zh: '该证券公司已存在', en: 'securities firm already exists' },
  '5403': { zh: '该证券公司已注销', en: 'securities firm deregistered' },
  '5404': { zh: '非同属一个证券公司', en: 'not the same securities firm' },
  '5405': { zh: '该证券公司正在清算', en: 'securities firm is clearing' },
  '5406': { zh: '该证券公司状态不正常', en: 'securities firm status abnormal' },
  '5407': { zh: '证券公司柜台交易服务关闭', en: 'securities firm counter service closed' },
  '5408': { zh: '无此证券公司扩展信息', en: 'no extended information for this securities firm' },
  '5409': { zh: '证券公司未签到', en: 'securities firm not signed in' },
  '5410': { zh: '证券公司已签到', en: 'securities firm already signed in' },
  '5411': { zh: '证券公司未签退', en: 'securities firm not signed off' },
  '5412': { zh: '取证券公司清算账号错误', en: 'error reading securities firm settlement account' },
  '5413': { zh: '无证券公司对应营业部编号', en: 'no branch number for securities firm' },
  '9000': { zh: '通信包格式错误', en: 'package format error' },
  '9001': { zh: '连接银行失败', en: 'failed to connect to bank' },
  '9002': { zh: '向银行发送请求失败', en: 'failed to send request to bank' },
  '9003': { zh: '向银行后台发送请求失败', en: 'failed to send request to bank back end' },
  '9004': { zh: '接受银行后台应答失败', en: 'failed to receive bank back-end reply' },
  '9005': { zh: '发送银行应答失败', en: 'failed to send reply to bank' },
  '9006': { zh: '接受银行应答失败', en: 'failed to receive bank reply' },
  '9010': { zh: '接受银行请求失败', en: 'failed to receive bank request' },
  '9011': { zh: '发送主机失败', en: 'failed to send to host' },
  '9012': { zh: '接受主机应答失败', en: 'failed to receive host reply' },
  '9013': { zh: '连接证券失败', en: 'failed to connect to securities firm' },
  '9014': { zh: '发送请求到证券失败', en: 'failed to send request to securities firm' },
  '9015': { zh: '接受证券应答失败', en: 'failed to receive securities firm reply' },
  '9016': { zh: '发送证券应答失败', en: 'failed to send reply to securities firm' },
} as const satisfies Readonly<Record<string, ReturnCodeEntry>>;

/** A code listed in §7.23. Replies may carry other four-digit codes; those stay plain strings. */
export type KnownReturnCode = keyof typeof RETURN_CODES;
/** Any four-digit return code as it travels in `Rst/Code`. */
export type ReturnCode = string;

export const SUCCESS_CODE = '0000' satisfies KnownReturnCode;

/** Which side of the protocol is speaking: `S` securities (broker), `B` bank (§7.8). */
export type ProtocolSide = 'S' | 'B';

export type ReturnCodeOrigin = 'success' | 'bank' | 'securities' | 'communication' | 'unassigned';

export function isSuccess(code: ReturnCode): boolean {
  return code === SUCCESS_CODE || code === '0';
}

export function isKnownReturnCode(code: string): code is KnownReturnCode {
  return Object.prototype.hasOwnProperty.call(RETURN_CODES, code);
}

export function describeReturnCode(code: ReturnCode): ReturnCodeEntry | undefined {
  const normalized = code === '0' ? SUCCESS_CODE : code;
  return isKnownReturnCode(normalized) ? RETURN_CODES[normalized] : undefined;
}

/** §7.23 header: the ranges say who produced a code, which matters when reconciling a failure. */
export function returnCodeOrigin(code: ReturnCode): ReturnCodeOrigin {
  if (isSuccess(code)) return 'success';
  if (!/^\d{4}$/.test(code)) return 'unassigned';
  const n = Number(code);
  if ((n >= 1001 && n <= 1999) || (n >= 5001 && n <= 5999)) return 'bank';
  if (n >= 2001 && n <= 3999) return 'securities';
  if (n >= 9000 && n <= 9999) return 'communication';
  return 'unassigned';
}

/**
 * The same condition has a broker-side and a bank-side code (bank-protocol.md §2 and §4). The side is
 * the one answering: a broker answers with `S`, a bank with `B`.
 */
export const SIDE_RETURN_CODES = {
  MAC_ERROR: { S: '2042', B: '5204' },
  CHECKSUM_ERROR: { S: '2043', B: '1043' },
  MESSAGE_FORMAT_ERROR: { S: '2044', B: '1044' },
  SYSTEM_ERROR: { S: '2041', B: '1041' },
  NO_SUCH_TRANSACTION: { S: '2033', B: '1033' },
  TRANSACTION_NOT_ENABLED: { S: '2033', B: '1034' },
  REVERSAL_ORIGINAL_NOT_FOUND: { S: '2005', B: '1005' },
  ALREADY_REVERSED: { S: '2006', B: '1006' },
  QUERIED_SUCCEEDED: { S: '2025', B: '1025' },
  QUERIED_FAILED: { S: '2026', B: '1026' },
  QUERIED_NEVER_SEEN: { S: '2027', B: '1027' },
  QUERIED_IN_PROGRESS: { S: '2028', B: '1028' },
  WRONG_CURRENCY: { S: '3011', B: '1044' },
  INVALID_SERIAL: { S: '2044', B: '5236' },
  KEY_GENERATION_FAILED: { S: '3006', B: '5206' },
  /**
   * `Sender` is not the session's peer. A broker answers 3054 (银行代码错: the bank code is wrong), a bank
   * 5401 (证券公司不存在: no such securities firm).
   */
  WRONG_SENDER: { S: '3054', B: '5401' },
  /**
   * `Recver` is not us. A bank answers 1038 (无效银行号). §7.23 has no broker-side code for a wrong
   * securities-firm code (2031 is the branch, 3054 the bank), so a broker answers the format error 2044.
   */
  WRONG_RECEIVER: { S: '2044', B: '1038' },
  /**
   * Profile §5 step 2: a file chunk (13008/13009) the receiver refuses, after which it discards the file —
   * malformed, out of order, or a whole file whose length or `FileMac` does not match. A bank answers 5208
   * (发送明细文件错), a broker 3093 (取证券明细失败).
   */
  FILE_TRANSFER_FAILED: { S: '3093', B: '5208' },
  /**
   * Profile §5 steps 3–4: a file asked for (13006/13007) that this side does not have (yet), a `StPos` past
   * its end, or a 13005 listing a file the receiver does not hold whole. Bank 5208, broker 3092
   * (取银行明细失败); §5.29.4 a swaps these, §5.29.1 is followed.
   */
  FILE_NOT_AVAILABLE: { S: '3092', B: '5208' },
} as const satisfies Record<string, Record<ProtocolSide, KnownReturnCode>>;

export type SideCondition = keyof typeof SIDE_RETURN_CODES;

export function sideReturnCode(condition: SideCondition, side: ProtocolSide): KnownReturnCode {
  return SIDE_RETURN_CODES[condition][side];
}

/** Only a bank refuses a sign-in (profile §2); there is no broker-side counterpart. */
export const SIGN_IN_REFUSED_CODE = '1040' satisfies KnownReturnCode;
/** A bank answers anything but a sign-in on a session that has not signed in with this code. */
export const NOT_SIGNED_IN_CODE = '5409' satisfies KnownReturnCode;
/** A bank answers a second sign-in on a live session with this code. */
export const ALREADY_SIGNED_IN_CODE = '5410' satisfies KnownReturnCode;
/** Package (IFTS) level format error; both sides use it. */
export const PACKAGE_FORMAT_ERROR_CODE = '9000' satisfies KnownReturnCode;
