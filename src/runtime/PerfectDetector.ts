import type { FailureDetector } from "./FailureDetector.js";
import type { Node } from "./Node.js";

/** The oracle: a watched node is suspected exactly while it is down, and the watcher knows at once. */
export class PerfectDetector implements FailureDetector {
  readonly fallible = false;
  private readonly listeners: ((node: Node, suspected: boolean) => void)[] = [];

  constructor(
    private readonly watcher: Node,
    /** Whether a node is one it watches. */
    private readonly watches: (node: Node) => boolean,
  ) {}

  suspects(node: Node): boolean {
    return !node.isUp;
  }

  onChange(listener: (node: Node, suspected: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** @internal The runtime reports a crash (false) or a recovery (true). */
  notify(node: Node, up: boolean): void {
    // A down watcher runs no code; back up, it asks `suspects` afresh.
    if (!this.watches(node) || !this.watcher.isUp) return;
    for (const l of this.listeners) l(node, !up);
  }

  stop(): void {}
}
