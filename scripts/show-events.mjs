#!/usr/bin/env node
// Prints the newest events of the gateway's stream, as a downstream consumer would read them.
//   npm run events            (last 10)      npm run events -- 50
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'nats';

const DEV_NATS_URL = new URL('../.dev/nats-url', import.meta.url);
const USAGE = `usage: npm run events -- [<count>]
  prints the newest <count> events (default 10) of stream $NATS_STREAM (default trading-events)
  NATS: $NATS_URL, else the development nats-server \`npm start\` runs (.dev/nats-url), else nats://127.0.0.1:4222`;

const arg = process.argv[2];
if (arg === '--help' || arg === '-h') {
  console.log(USAGE);
  process.exit(0);
}
const count = Number(arg ?? 10);
if (!Number.isInteger(count) || count < 1) {
  console.error(`not a count of events: ${arg}\n${USAGE}`);
  process.exit(2);
}
const stream = process.env.NATS_STREAM ?? 'trading-events';
// The same server `npm start` used: its development nats-server while it runs, unless told otherwise.
const url =
  process.env.NATS_URL ??
  (existsSync(DEV_NATS_URL) ? readFileSync(DEV_NATS_URL, 'utf8').trim() : 'nats://127.0.0.1:4222');
const shown = url.replace(/(^|,)([a-z]+:\/\/)?[^@,/]*@/gi, '$1$2');
console.error(`stream ${stream} at ${shown}: the newest ${count} events`);

let nc;
try {
  nc = await connect({ servers: url.split(',') });
} catch (err) {
  console.error(
    `no NATS at ${shown}: ${err.message} (is the gateway's NATS running? NATS_URL names another)`,
  );
  process.exit(2);
}
const jsm = await nc.jetstreamManager();
const state = await jsm.streams.info(stream).then(
  (info) => info.state,
  (err) => {
    console.error(`no stream ${stream} at ${shown}: ${err.message} (has the gateway run against it?)`);
    process.exit(2);
  },
);
for (
  let seq = Math.max(state.first_seq, state.last_seq - count + 1);
  state.messages > 0 && seq <= state.last_seq;
  seq++
) {
  const m = await jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
  if (m) console.log(`#${seq} ${m.subject} ${new TextDecoder().decode(m.data)}`);
}
await nc.close();
