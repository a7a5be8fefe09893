import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestLogLevel } from './logging';

const request = {} as IncomingMessage;
const response = (statusCode: number) => ({ statusCode }) as ServerResponse;

describe("a request's own log line (issue 9: the hot path logs at debug)", () => {
  it('at info, a success builds no line at all; a refusal is info, a 503 too, a failure of ours an error', () => {
    const level = requestLogLevel('info');
    expect(level(request, response(201))).toBe('silent');
    expect(level(request, response(422))).toBe('info');
    expect(level(request, response(503))).toBe('info');
    expect(level(request, response(500))).toBe('error');
    expect(level(request, response(200), new Error('socket hang up'))).toBe('error');
  });

  it('at debug or trace, a success is a debug line', () => {
    expect(requestLogLevel('debug')(request, response(200))).toBe('debug');
    expect(requestLogLevel('trace')(request, response(200))).toBe('debug');
  });

  it('an unknown level is taken as info', () => {
    expect(requestLogLevel('chatty')(request, response(200))).toBe('silent');
  });
});
