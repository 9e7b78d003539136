// One measurement of the messages benchmark in a process of its own, so that the
// variants share neither a JIT's type feedback nor a heap:
// `node messagesChild.js <variant> <pairs> <messages>` prints {delivered, seconds}
// (pbft100: {messages, cold, warm}).
import {
  type MessageRun,
  type PbftRun,
  pbft100,
  pingPongNetwork,
  pingPongProtocolStyle,
  pingPongRuntime,
} from "./messages.js";

const [variant, pairs, messages] = process.argv.slice(2);
const p = Number(pairs);
const m = Number(messages);
const variants: Record<string, () => MessageRun | PbftRun> = {
  runtime: () => pingPongRuntime(p, m),
  network: () => pingPongNetwork(p, m),
  "protocol-style": () => pingPongProtocolStyle(p, m),
  pbft100,
};
const run = variants[variant];
if (run === undefined) throw new Error(`unknown variant ${variant}`);
// The ping-pongs run twice and report the second (the JIT has compiled the path by
// then); pbft100 times each of its replicates.
if (variant !== "pbft100") run();
process.stdout.write(`${JSON.stringify(run())}\n`);
