// Answers "does a Kafka broker really serve requests on host:port?" by sending one Metadata request
// (v1, no topics) over the raw protocol and reading the reply. No dependency on node_modules, so
// tools/kafka/kafka.sh works before `npm ci`. Exit 0 when the broker lists itself and a controller.
'use strict';
const net = require('node:net');

const [host = '127.0.0.1', portText = '9092', timeoutText = '2000'] = process.argv.slice(2);
const clientId = Buffer.from('custody-kafka-probe');
const CORRELATION_ID = 7;

function metadataRequest() {
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
  let at = 0;
  at = body.writeInt16BE(3, at); // api key: Metadata
  at = body.writeInt16BE(1, at); // version 1: the oldest that names the controller
  at = body.writeInt32BE(CORRELATION_ID, at);
  at = body.writeInt16BE(clientId.length, at);
  at += clientId.copy(body, at);
  body.writeInt32BE(0, at); // an empty topic list: brokers and controller only
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

function parse(response) {
  let at = 0;
  const correlationId = response.readInt32BE(at);
  at += 4;
  if (correlationId !== CORRELATION_ID) throw new Error(`unexpected correlation id ${correlationId}`);
  const brokerCount = response.readInt32BE(at);
  at += 4;
  for (let i = 0; i < brokerCount; i += 1) {
    at += 4; // node id
    at += 2 + response.readInt16BE(at); // host
    at += 4; // port
    const rackLength = response.readInt16BE(at);
    at += 2 + Math.max(rackLength, 0);
  }
  const controllerId = response.readInt32BE(at);
  return { brokerCount, controllerId };
}

const socket = net.connect({ host, port: Number(portText) });
let received = Buffer.alloc(0);
const timer = setTimeout(() => done(1, 'timed out'), Number(timeoutText));

function done(code, message) {
  clearTimeout(timer);
  socket.destroy();
  if (message) (code === 0 ? console.log : console.error)(message);
  process.exit(code);
}

socket.on('connect', () => socket.write(metadataRequest()));
socket.on('error', (error) => done(1, error.message));
socket.on('data', (chunk) => {
  received = Buffer.concat([received, chunk]);
  if (received.length < 4) return;
  const size = received.readInt32BE(0);
  if (received.length < 4 + size) return;
  try {
    const { brokerCount, controllerId } = parse(received.subarray(4, 4 + size));
    if (brokerCount > 0 && controllerId >= 0) done(0, `brokers=${brokerCount} controller=${controllerId}`);
    else done(1, `not ready: brokers=${brokerCount} controller=${controllerId}`);
  } catch (error) {
    done(1, `unreadable metadata reply: ${error.message}`);
  }
});
