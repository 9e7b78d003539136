import type { Handler, Messages } from "./Node.js";

/**
 * `handler`, run once per message: the network delivers a duplicate as the very
 * same payload object, so a second delivery of it is ignored (doing a subtask
 * twice because a message was duplicated would be a bug, not rework).
 */
export function once<P extends object, M extends Messages>(handler: Handler<P, M>): Handler<P, M> {
  const seen = new WeakSet<object>();
  return (payload, from, rpc) => {
    if (seen.has(payload)) return;
    seen.add(payload);
    handler(payload, from, rpc);
  };
}
