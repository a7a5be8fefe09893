import { CERTIFICATION_TYPES } from '@custody/bank-protocol';
import type { CustomerType } from '../customers/customer.entity';

/**
 * F-12.1 账户清理: what makes a customer's identity incomplete or ill-formed for a bank — the name, the ID type
 * (JR/T 0046 §7.9) and the ID number the broker sends with every account function (bank-protocol.md §4.1). Judged on
 * the customer record as it is held; the ID number in clear only inside this process, never in a defect's text.
 */
export const IDENTITY_DEFECTS = [
  'NAME_MISSING',
  'NAME_ILL_FORMED',
  'ID_TYPE_ILL_FORMED',
  'ID_TYPE_NOT_FOR_CUSTOMER_TYPE',
  'ID_NUMBER_MISSING',
  'ID_NUMBER_ILL_FORMED',
] as const;
export type IdentityDefectCode = (typeof IDENTITY_DEFECTS)[number];

export interface IdentityDefect {
  readonly code: IdentityDefectCode;
  readonly detail: string;
}

export interface IdentityRecord {
  readonly name: string;
  readonly type: CustomerType;
  readonly idType: string;
  /** In clear, opened from its seal by the caller. */
  readonly idNumber: string;
}

/**
 * §7.9 documents only an organisation holds (营业执照, 组织机构代码证, 临时营业执照, 民办非企业登记证书, 主管部门批文,
 * 事业法人登记证书, 部队开户许可证, 国家/地方税务登记证, 贷款证, 金融机构许可证, 社会团体法人登记证书).
 */
const INSTITUTION_DOCUMENTS: ReadonlySet<string> = new Set(['16', '17', '18', '19', '21', '22', '23', '24', '25', '26', '27', '35']);
/** §7.9 documents only a person holds (身份证, 护照, 军官证, 士兵证, 回乡证, 户口本, 学生证, 临时居民身份证, 武警身份证, 监护人证件, 居住证, 暂住证). */
const PERSONAL_DOCUMENTS: ReadonlySet<string> = new Set(['10', '11', '12', '13', '14', '15', '28', '29', '30', '32', '33', '34']);
/** 身份证 and 临时居民身份证 carry the citizen identity number of GB 11643. */
const CITIZEN_NUMBER_DOCUMENTS: ReadonlySet<string> = new Set(['10', '29']);
/** The messages' `CertId` holds at most 35 characters (JR/T 0046 Table 84). */
const MAX_ID_NUMBER_LENGTH = 35;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
/** `|` separates the day files' fields (bank-protocol.md §5): a name holding it cannot be written as the customer's. */
const FIELD_SEPARATOR = '|';

/** Every defect of the identity, in the order a bank would meet them (name, ID type, ID number); empty when complete. */
export function identityDefects(identity: IdentityRecord): IdentityDefect[] {
  return [...nameDefects(identity.name), ...idTypeDefects(identity), ...idNumberDefects(identity)];
}

function nameDefects(name: string): IdentityDefect[] {
  if (name.trim() === '') return [{ code: 'NAME_MISSING', detail: 'the name is blank' }];
  if (CONTROL_CHARACTERS.test(name) || name.includes(FIELD_SEPARATOR)) return [{ code: 'NAME_ILL_FORMED', detail: 'the name holds a control character or "|"' }];
  if (name !== name.trim()) return [{ code: 'NAME_ILL_FORMED', detail: 'the name begins or ends with spaces' }];
  return [];
}

function idTypeDefects({ idType, type }: IdentityRecord): IdentityDefect[] {
  if (!(CERTIFICATION_TYPES as readonly string[]).includes(idType)) return [{ code: 'ID_TYPE_ILL_FORMED', detail: `ID type ${idType} is no JR/T 0046 §7.9 code` }];
  if (type === 'INDIVIDUAL' && INSTITUTION_DOCUMENTS.has(idType)) {
    return [{ code: 'ID_TYPE_NOT_FOR_CUSTOMER_TYPE', detail: `ID type ${idType} is an organisation's document, the customer an individual` }];
  }
  if (type === 'INSTITUTION' && PERSONAL_DOCUMENTS.has(idType)) {
    return [{ code: 'ID_TYPE_NOT_FOR_CUSTOMER_TYPE', detail: `ID type ${idType} is a person's document, the customer an institution` }];
  }
  return [];
}

function idNumberDefects({ idType, idNumber }: IdentityRecord): IdentityDefect[] {
  if (idNumber.trim() === '') return [{ code: 'ID_NUMBER_MISSING', detail: 'the ID number is blank' }];
  if (idNumber.length > MAX_ID_NUMBER_LENGTH) return [{ code: 'ID_NUMBER_ILL_FORMED', detail: `the ID number is longer than ${MAX_ID_NUMBER_LENGTH} characters` }];
  if (/\s/.test(idNumber) || CONTROL_CHARACTERS.test(idNumber)) return [{ code: 'ID_NUMBER_ILL_FORMED', detail: 'the ID number holds spaces or control characters' }];
  if (CITIZEN_NUMBER_DOCUMENTS.has(idType)) {
    const why = citizenNumberDefect(idNumber);
    if (why) return [{ code: 'ID_NUMBER_ILL_FORMED', detail: why }];
  }
  return [];
}

/** GB 11643-1999 weights of the first 17 digits, and the check character by the sum mod 11. */
const CHECK_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/** Why a citizen identity number (GB 11643) is ill-formed — never quoting it — or undefined when it is well formed. */
export function citizenNumberDefect(idNumber: string): string | undefined {
  if (/^\d{15}$/.test(idNumber)) return 'a first-generation 15-digit citizen number, no longer valid since 2013: the customer brings the 18-digit one';
  if (!/^\d{17}[\dXx]$/.test(idNumber)) return 'a citizen identity number is 17 digits and a check digit or X (GB 11643)';
  if (!isCalendarDate(idNumber.slice(6, 14))) return 'the birth date inside the citizen identity number is no date';
  const sum = CHECK_WEIGHTS.reduce((total, weight, i) => total + weight * Number(idNumber[i]), 0);
  if (CHECK_CHARACTERS[sum % 11] !== idNumber[17].toUpperCase()) return 'the check digit of the citizen identity number does not match (GB 11643)';
  return undefined;
}

function isCalendarDate(yyyymmdd: string): boolean {
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) && iso >= '1900-01-01';
}
