import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ProtocolConnection, type ProtocolConnectionOptions } from './protocol-connection';
import { BankProtocolError, ConnectionClosedError } from './protocol-errors';

/** Everything a session needs except its side, which each role helper fixes. */
export type RoleSessionOptions = Omit<ProtocolConnectionOptions, 'side'>;

export interface BrokerSessionOptions extends RoleSessionOptions {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs?: number;
}

function connectSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectionClosedError(false, `connect to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new ConnectionClosedError(false, `connect to ${host}:${port} failed: ${error.message}`));
    });
  });
}

/**
 * Broker side (profile §1–§2): connect to the bank, sign in (10001 with AuthData), then key sync
 * (10004). Resolves with a signed-in session holding its working keys; on any failure the
 * connection is closed and the error (always a `BankProtocolError`) is rethrown.
 */
export async function openBrokerSession(options: BrokerSessionOptions): Promise<ProtocolConnection> {
  const { host, port, connectTimeoutMs, ...sessionOptions } = options;
  const socket = await connectSocket(host, port, connectTimeoutMs ?? sessionOptions.requestTimeoutMs ?? 30_000);
  const connection = new ProtocolConnection(socket, { ...sessionOptions, side: 'S' });
  try {
    await connection.signIn();
    await connection.synchronizeKeys();
    return connection;
  } catch (error) {
    connection.destroy('session setup failed');
    if (error instanceof BankProtocolError) throw error;
    throw new ConnectionClosedError(false, `session setup failed: ${String(error)}`);
  }
}

/**
 * Bank side: wraps an accepted connection, checks the sign-in (AuthData, sender and receiver; a
 * refusal is answered 1040 and the connection closed) and from then on applies the broker's key
 * syncs. Resolves once signed in; rejects with `SignInRejectedError` or `ConnectionClosedError`.
 */
export async function acceptBankSession(socket: Duplex, options: RoleSessionOptions): Promise<ProtocolConnection> {
  const connection = new ProtocolConnection(socket, { ...options, side: 'B' });
  await connection.signedIn;
  return connection;
}
