#!/usr/bin/env node
// Prints the newest events of the gateway's stream, as a downstream consumer would read them.
//   npm run events            (last 10)      npm run events -- 50
import { connect } from 'nats';

const count = Number(process.argv[2] ?? 10);
const stream = process.env.NATS_STREAM ?? 'trading-events';
const servers = (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',');

const nc = await connect({ servers });
const jsm = await nc.jetstreamManager();
const { state } = await jsm.streams.info(stream);
for (
  let seq = Math.max(state.first_seq, state.last_seq - count + 1);
  state.messages > 0 && seq <= state.last_seq;
  seq++
) {
  const m = await jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
  if (m) console.log(`#${seq} ${m.subject} ${new TextDecoder().decode(m.data)}`);
}
await nc.close();
