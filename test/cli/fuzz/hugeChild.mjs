// A child process that runs built `teamsim` command lines (dist/) one at a time
// for the fuzzer's huge family, told what to run over IPC. It runs under a
// virtual-memory limit (ulimit -v) and a heap limit, and the host kills it on a
// timeout: a hang or an exhausted memory costs a restart, never the test
// process or the machine (buffers outside the heap, e.g. reading /dev/zero,
// are stopped by the ulimit, which a worker thread's heap limit would not).
const { main } = await import(process.env.FUZZ_MAIN_URL);
const MAX_CAPTURE = 1 << 20;

function capture(stream, sink) {
  const original = stream.write;
  stream.write = (chunk, ...rest) => {
    if (sink.text.length < MAX_CAPTURE) sink.text += String(chunk);
    const cb = rest.find((r) => typeof r === "function");
    cb?.();
    return true;
  };
  return original;
}

process.on("message", async ({ id, argv }) => {
  const out = { text: "" };
  const err = { text: "" };
  const stdoutWrite = capture(process.stdout, out);
  const stderrWrite = capture(process.stderr, err);
  // Node's warnings reach the user's stderr: collect them as such.
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  const printers = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", onWarning);
  const start = performance.now();
  let code;
  try {
    code = await main(argv);
    await new Promise((resolve) => setImmediate(resolve));
  } catch (e) {
    code = "threw";
    err.text += `[main threw] ${e?.stack ?? String(e)}\n`;
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    process.off("warning", onWarning);
    for (const p of printers) process.on("warning", p);
  }
  for (const w of warnings)
    err.text += `(node:${process.pid}) ${w.code ? `[${w.code}] ` : ""}${w.name}: ${w.message}\n`;
  const ms = performance.now() - start;
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  process.send({ id, code, stdout: out.text, stderr: err.text, ms, heapMb });
});
// The test process is gone: nobody will ask again.
process.on("disconnect", () => process.exit(0));
process.send({ ready: true });
