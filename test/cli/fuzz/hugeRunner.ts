import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Outcome } from "./runCli.js";

const ROOT = join(import.meta.dirname, "../../..");
/** The built CLI the huge family runs (npm test builds it first; a stale dist/ tests stale code). */
export const DIST_MAIN = join(ROOT, "dist/src/cli/main.js");
// CPU seconds one child may use in all (many cases; a restart starts afresh).
const CPU_SECONDS = 900;

/**
 * Runs command lines in a child process under a heap limit, a virtual-memory
 * limit and a timeout, for cases that may hang or exhaust memory (a synchronous
 * hang in the test process could not be stopped, and an allocation outside the
 * heap could take the machine's memory). The child runs the built CLI (dist/):
 * it cannot load the TypeScript sources the way vitest does.
 */
export class HugeRunner {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private next = 0;
  // The end of the child's own stderr (V8's fatal messages), for reports.
  private tail = "";

  constructor(
    private readonly timeoutMs: number,
    private readonly heapMb: number,
    private readonly memoryMb: number,
    private readonly maxWork: number,
  ) {}

  /** Whether dist/ has been built. */
  static available(): boolean {
    return existsSync(DIST_MAIN);
  }

  private start(): Promise<void> {
    const script = join(import.meta.dirname, "hugeChild.mjs");
    const env: NodeJS.ProcessEnv = { ...process.env, FUZZ_MAIN_URL: pathToFileURL(DIST_MAIN).href };
    // The fuzzer tests the guards: nothing may wave huge runs through, and the
    // work limit is cut to what the timeout allows (so a job the guard lets
    // through yet still times out was underestimated by more than 2×).
    delete env.TEAMSIM_YES;
    env.TEAMSIM_MAX_WORK = String(this.maxWork);
    // ulimit -t: a child left hanging by a test process that died cannot spin for ever.
    const node = `ulimit -v ${this.memoryMb * 1024} && ulimit -t ${CPU_SECONDS} && exec "$0" --max-old-space-size=${this.heapMb} "$1"`;
    const child = spawn("/bin/sh", ["-c", node, process.execPath, script], {
      env,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.child = child;
    this.tail = "";
    child.stderr?.on("data", (d: Buffer) => {
      this.tail = (this.tail + d.toString()).slice(-2000);
    });
    this.ready = new Promise((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`huge runner exited ${code}: ${this.tail}`)));
    });
    return this.ready;
  }

  /** Runs `argv`; a case past the timeout or a memory limit comes back `killed`. */
  async run(argv: readonly string[]): Promise<Outcome> {
    if (this.child === undefined) await this.start();
    else await this.ready;
    const child = this.child as ChildProcess;
    const id = this.next++;
    const start = performance.now();
    return new Promise<Outcome>((resolve) => {
      const done = (o: Outcome, restart: boolean) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (restart) {
          child.kill("SIGKILL");
          this.child = undefined;
        }
        resolve(o);
      };
      const killed = (why: string): Outcome => ({
        code: "threw",
        stdout: "",
        stderr: this.tail,
        ms: performance.now() - start,
        heapMb: 0,
        killed: why,
      });
      const onMessage = (m: Outcome & { id: number }) => {
        if (m.id === id) done(m, false);
      };
      // Give the child's last stderr a moment to arrive before reporting it.
      const onExit = (code: number | null, signal: string | null) =>
        setTimeout(() => {
          const oom =
            code === 134 || signal === "SIGABRT" || /out of memory|bad_alloc/i.test(this.tail);
          done(killed(oom ? "out of memory" : `exited (${code ?? signal})`), true);
        }, 50);
      const timer = setTimeout(() => done(killed("timeout"), true), this.timeoutMs);
      child.on("message", onMessage);
      child.on("exit", onExit);
      child.send({ id, argv });
    });
  }

  /** Stops the child. */
  close(): void {
    this.child?.kill("SIGKILL");
    this.child = undefined;
  }
}
