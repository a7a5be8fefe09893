import { INSTRUCTION_CODES } from './code-lists';
import { messageHeader, passwordKey, returnResult } from './components';
import { defineReply, defineRequest } from './message-definition';
import { type Infer, integer, optional, repeated, required, SchemaViolation, sequence, text } from './xml-schema';

/** §5.1 / §5.2: session messages (会话消息) and their replies. */

const SESSION_CODES = [
  INSTRUCTION_CODES.SIGN_IN,
  INSTRUCTION_CODES.SIGN_OFF,
  INSTRUCTION_CODES.HEARTBEAT,
  INSTRUCTION_CODES.KEY_SYNC,
  INSTRUCTION_CODES.RESEND_REQUEST,
  INSTRUCTION_CODES.SEQUENCE_RESET,
] as const;

/**
 * Table 18. `MsgHdr` is printed [0..1] but §5.1.4 b makes its `Ref` mandatory, so the header is
 * required. `PwdKey` is printed as Max128Text; the profile (§2) carries it as the §6.8 PasswordKey
 * component, which is what a Max128Text cannot hold.
 */
export const sessionMessageBody = sequence('Sysm.001.01', {
  MsgHdr: required(messageHeader),
  AuthData: optional(text(128)),
  PwdKey: repeated(passwordKey, 4),
  SeqNo: repeated(integer, 2),
  Dgst: optional(text(35)),
});
export type SessionMessage = Infer<typeof sessionMessageBody>;

function checkSessionMessage(body: SessionMessage, path: string): void {
  const seqNos = body.SeqNo ?? [];
  switch (body.MsgHdr.InstrCd) {
    case INSTRUCTION_CODES.SIGN_IN:
      // AuthData is computed over the header's Date and Time, so a sign-in without them cannot be checked.
      if (body.MsgHdr.Date === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/MsgHdr/Date`, 'sign-in needs Date');
      if (body.MsgHdr.Time === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/MsgHdr/Time`, 'sign-in needs Time');
      if (body.AuthData === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/AuthData`, 'sign-in carries AuthData (§5.1.4 d)');
      return;
    case INSTRUCTION_CODES.SIGN_OFF:
      if (body.AuthData === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/AuthData`, 'sign-off carries AuthData (§5.1.4 d)');
      return;
    case INSTRUCTION_CODES.KEY_SYNC:
      if ((body.PwdKey ?? []).length === 0) throw new SchemaViolation('MISSING_ELEMENT', `${path}/PwdKey`, 'key sync carries PwdKey (§5.1.4 e)');
      (body.PwdKey ?? []).forEach((key, index) => {
        for (const element of ['KeyType', 'Enc', 'PwdKey'] as const) {
          if (key[element] === undefined) {
            throw new SchemaViolation('MISSING_ELEMENT', `${path}/PwdKey[${index + 1}]/${element}`, `key sync PwdKey needs ${element}`);
          }
        }
      });
      return;
    case INSTRUCTION_CODES.RESEND_REQUEST:
      // §5.1.4 f: a closed interval [first, last], 0 meaning "to infinity".
      if (seqNos.length !== 2) throw new SchemaViolation('MISSING_ELEMENT', `${path}/SeqNo`, 're-send request carries two SeqNo');
      if (seqNos[0] < 1 || (seqNos[1] !== 0 && seqNos[1] < seqNos[0])) {
        throw new SchemaViolation('INVALID_VALUE', `${path}/SeqNo`, 're-send interval is empty');
      }
      return;
    case INSTRUCTION_CODES.SEQUENCE_RESET:
      // §4.3.6.2: the SeqNo given is the next sequence number the sender will transmit.
      if (seqNos.length === 0) throw new SchemaViolation('MISSING_ELEMENT', `${path}/SeqNo`, 'sequence reset carries SeqNo');
      if (seqNos[0] < 1) throw new SchemaViolation('INVALID_VALUE', `${path}/SeqNo`, 'sequence numbers start at 1');
      return;
    default:
      return;
  }
}

export const SESSION_MESSAGE = defineRequest({
  name: 'Sysm.001.01',
  replyName: 'Sysm.002.01',
  packageType: 'S',
  instructionCodes: SESSION_CODES,
  body: sessionMessageBody,
  check: checkSessionMessage,
});

/** Table 19. */
export const sessionReplyBody = sequence('Sysm.002.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
});
export type SessionReply = Infer<typeof sessionReplyBody>;

export const SESSION_REPLY = defineReply({
  name: 'Sysm.002.01',
  packageType: 'S',
  instructionCodes: SESSION_CODES,
  body: sessionReplyBody,
});
