import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";

// Issue 13: every bad input and operating-system failure is one line and exit 2,
// a closed pipe is a quiet exit 0, and exit 1 is left to real bugs. End-to-end:
// the real `teamsim` bin (dist/), one fresh directory per case.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const QUICK = join(import.meta.dirname, "../../scenarios/quickstart.yaml");
// A small sweep: every --out case fails before the first run.
const SWEEP = ["sweep", QUICK, "--set", "replicates=2", "--sweep", "agents.count=1,3", "-q"];
const RUN = ["run", QUICK, "--set", "replicates=2", "-q"];
const ROOT = process.getuid?.() === 0;

function teamsim(args: readonly string[], cwd: string) {
  // The timeout turns a hang (sweep --out /proc/... looped forever) into a failure.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Ten levels of nine aliases of the level below: 9^10 strings once expanded.
function billionLaughs(): string {
  const lines = [`a0: &a0 [${Array(9).fill('"lol"').join(", ")}]`];
  for (let i = 1; i < 10; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\nname: *a9\n`;
}

interface Case {
  name: string;
  /** Prepares the case's directory (the command's working directory). */
  setup?: (dir: string) => void;
  args: readonly string[];
  code: number;
  /** The whole of stderr (one line for an error). */
  stderr: RegExp;
  stdout?: RegExp;
  /** Skipped, with the reason. */
  skip?: string;
}

const CASES: Case[] = [
  {
    name: "--trace naming a directory",
    setup: (d) => mkdirSync(join(d, "sub")),
    args: [...RUN, "--trace", "sub"],
    code: 2,
    stderr: /^teamsim: --trace sub: expected a file to write, found a directory\n$/,
  },
  {
    name: "--trace /tmp (the issue's example: a directory)",
    args: [...RUN, "--trace", "/tmp"],
    code: 2,
    stderr: /^teamsim: --trace \/tmp: expected a file to write, found a directory\n$/,
  },
  {
    name: "--trace in a directory that does not exist",
    args: [...RUN, "--trace", "/nonexistent/dir/t.jsonl"],
    code: 2,
    stderr:
      /^teamsim: --trace \/nonexistent\/dir\/t\.jsonl: expected a file in an existing directory, found no such directory "\/nonexistent\/dir"\n$/,
  },
  {
    name: "--trace under a regular file",
    setup: (d) => writeFileSync(join(d, "afile"), ""),
    args: [...RUN, "--trace", "afile/t.jsonl"],
    code: 2,
    stderr: /^teamsim: --trace afile\/t\.jsonl: .*"afile", a file, not a directory\n$/,
  },
  {
    name: "--trace /dev/null (a device: renaming over it would replace it)",
    args: [...RUN, "--trace", "/dev/null"],
    code: 2,
    stderr: /^teamsim: --trace \/dev\/null: expected a file to write, found a character device\n$/,
  },
  {
    name: "--trace where no file can be created (/proc)",
    args: [...RUN, "--trace", "/proc/teamsim-t.jsonl"],
    code: 2,
    stderr:
      /^teamsim: --trace \/proc\/teamsim-t\.jsonl: expected a file teamsim can write, found .+ \(open \/proc\/teamsim-t\.jsonl\.\d+\.tmp\)\n$/,
  },
  {
    name: "sweep --out naming a file",
    setup: (d) => writeFileSync(join(d, "afile"), ""),
    args: [...SWEEP, "--out", "afile"],
    code: 2,
    stderr: /^teamsim: --out afile: expected a directory, found a file\n$/,
  },
  {
    name: "sweep --out /dev/null",
    args: [...SWEEP, "--out", "/dev/null"],
    code: 2,
    stderr: /^teamsim: --out \/dev\/null: expected a directory, found a character device\n$/,
  },
  {
    name: "sweep --out under a file",
    setup: (d) => writeFileSync(join(d, "afile"), ""),
    args: [...SWEEP, "--out", "afile/sub/dir"],
    code: 2,
    stderr:
      /^teamsim: --out afile\/sub\/dir: expected a directory, found "afile", a file, not a directory\n$/,
  },
  {
    name: "sweep --out under /sys",
    args: [...SWEEP, "--out", "/sys/teamsim-x"],
    code: 2,
    stderr:
      /^teamsim: --out \/sys\/teamsim-x: expected a directory teamsim can create, found (operation not permitted|permission denied|read-only file system) \(mkdir \/sys\/teamsim-x\)\n$/,
  },
  {
    name: "sweep --out under /proc (looped forever in mkdirSync's recursive mode)",
    args: [...SWEEP, "--out", "/proc/teamsim-x"],
    code: 2,
    stderr:
      /^teamsim: --out \/proc\/teamsim-x: expected a directory teamsim can create, found no such file or directory \(mkdir \/proc\/teamsim-x\)\n$/,
  },
  {
    name: "sweep --out /proc itself (exists, but takes no files)",
    args: [...SWEEP, "--out", "/proc"],
    code: 2,
    stderr:
      /^teamsim: --out \/proc: expected a directory teamsim can write in, found .+ \(open \/proc\/\.teamsim-probe-\d+\)\n$/,
  },
  {
    name: "sweep --out in a read-only directory (chmod 0500)",
    setup: (d) => {
      mkdirSync(join(d, "ro"));
      chmodSync(join(d, "ro"), 0o500);
    },
    args: [...SWEEP, "--out", "ro/x"],
    code: 2,
    stderr:
      /^teamsim: --out ro\/x: expected a directory teamsim can create, found permission denied \(mkdir .*ro\/x\)\n$/,
    // root writes through a 0500 directory; the /proc, /sys and under-a-file rows give real errors instead.
    skip: ROOT ? "running as root, where chmod does not stop writes" : undefined,
  },
  {
    name: "a billion-laughs scenario (aliases expanding exponentially)",
    setup: (d) => writeFileSync(join(d, "laughs.yaml"), billionLaughs()),
    args: ["validate", "laughs.yaml"],
    code: 2,
    stderr:
      /^teamsim: laughs\.yaml:2:10: a1\.0: expected YAML aliases that expand to at most 100 nodes, found aliases of aliases that expand exponentially \(a 'billion laughs' document\)\n$/,
  },
  {
    name: "run of a billion-laughs scenario",
    setup: (d) => writeFileSync(join(d, "laughs.yaml"), billionLaughs()),
    args: ["run", "laughs.yaml", "-q"],
    code: 2,
    stderr: /^teamsim: laughs\.yaml:2:10: a1\.0: expected YAML aliases .*billion laughs.*\n$/,
  },
  {
    name: "an empty scenario file",
    setup: (d) => writeFileSync(join(d, "empty.yaml"), ""),
    args: ["run", "empty.yaml", "-q"],
    code: 2,
    stderr: /^teamsim: empty\.yaml: expected a scenario \(a mapping\), found an empty document\n$/,
  },
  {
    name: "a comment-only scenario file",
    setup: (d) => writeFileSync(join(d, "comment.yaml"), "# nothing yet\n\n# still nothing\n"),
    args: ["validate", "comment.yaml"],
    code: 2,
    stderr:
      /^teamsim: comment\.yaml: expected a scenario \(a mapping\), found an empty document\n$/,
  },
  {
    name: "a scenario file of a bare document marker",
    setup: (d) => writeFileSync(join(d, "dashes.yaml"), "---\n"),
    args: ["validate", "dashes.yaml"],
    code: 2,
    stderr: /^teamsim: dashes\.yaml: expected a scenario \(a mapping\), found an empty document\n$/,
  },
  {
    name: "a scenario file holding null",
    setup: (d) => writeFileSync(join(d, "null.yaml"), "~\n"),
    args: ["validate", "null.yaml"],
    code: 2,
    stderr: /^teamsim: null\.yaml: expected a scenario \(a mapping\), found null\n$/,
  },
  {
    name: "ANSI escapes in a scenario's name: the run table's header shows them escaped",
    setup: (d) =>
      writeFileSync(join(d, "ansi.yaml"), 'name: "\\e[31mRED\\e[0m\\rX\\u202e"\nreplicates: 2\n'),
    args: ["run", "ansi.yaml", "-q"],
    code: 0,
    stderr: /^$/,
    stdout: /^\\u001b\[31mRED\\u001b\[0m\\u000dX\\u202e: single team of 1 × gpt-4o, 2 replicates/,
  },
  {
    name: "ANSI escapes in a scenario's name: validate",
    setup: (d) => writeFileSync(join(d, "ansi.yaml"), 'name: "\\e]0;pwned\\a"\nreplicates: 2\n'),
    args: ["validate", "ansi.yaml"],
    code: 0,
    stderr: /^$/,
    stdout: /^ansi\.yaml: valid — "\\u001b\]0;pwned\\u0007": /,
  },
  {
    name: "ANSI escapes in a scenario's name: sweep's closing line",
    setup: (d) => writeFileSync(join(d, "ansi.yaml"), 'name: "\\e[2Jx"\nreplicates: 1\n'),
    args: ["sweep", "ansi.yaml", "--out", "out", "--sweep", "agents.count=1,3", "--workers", "1"],
    code: 0,
    stderr: /^(?!.*\x1b)[\s\S]*$/,
    stdout: /^sweep \\u001b\[2Jx: 2 results in out \(2 run, 0 already there\)\n$/,
  },
  {
    name: "ANSI escapes in a file name: the error message shows them escaped",
    args: ["validate", "no\x1b[2Jsuch.yaml"],
    code: 2,
    stderr: /^teamsim: no\\u001b\[2Jsuch\.yaml: expected a readable file, found no such file\n$/,
  },
  {
    name: "an unknown option: one line, exit 2, with commander's suggestion",
    args: ["run", QUICK, "--sed", "3"],
    code: 2,
    stderr:
      /^teamsim: unknown option '--sed' \(Did you mean one of --seed, --set\?\) \(run with --help for usage\)\n$/,
  },
  {
    name: "an option without its value",
    args: ["run", QUICK, "--seed"],
    code: 2,
    stderr: /^teamsim: option '--seed <n>' argument missing \(run with --help for usage\)\n$/,
  },
  {
    name: "an extra argument",
    args: ["validate", QUICK, "extra"],
    code: 2,
    stderr:
      /^teamsim: too many arguments for 'validate'\. Expected 1 argument but got 2\. \(run with --help for usage\)\n$/,
  },
  {
    name: "run of a sweep scenario refused: the error alone, no note before it",
    setup: (d) => mkdirSync(join(d, "sub")),
    args: [
      "run",
      join(import.meta.dirname, "../../scenarios/decentralized.yaml"),
      "--trace",
      "sub",
    ],
    code: 2,
    stderr: /^teamsim: --trace sub: expected a file to write, found a directory\n$/,
  },
  {
    name: "validate /dev/zero: a device without end is read up to the size limit",
    args: ["validate", "/dev/zero"],
    code: 2,
    stderr:
      /^teamsim: \/dev\/zero: expected a scenario file of at most 1 MB, found more than 1 MB\n$/,
  },
  {
    name: "a scenario file over 1 MB",
    setup: (d) => writeFileSync(join(d, "big.yaml"), `name: x\n${"# padding\n".repeat(120_000)}`),
    args: ["validate", "big.yaml"],
    code: 2,
    stderr:
      /^teamsim: big\.yaml: expected a scenario file of at most 1 MB, found more than 1 MB\n$/,
  },
  {
    name: "100,000 nested lists: refused at the first level too deep, before the parser",
    setup: (d) => writeFileSync(join(d, "deep.yaml"), `name: ${"[".repeat(100_000)}\n`),
    args: ["validate", "deep.yaml"],
    code: 2,
    stderr:
      /^teamsim: deep\.yaml:1:207: expected lists and mappings nested at most 200 deep, found deeper nesting\n$/,
  },
  {
    name: "50,000 keys with a duplicate at the end: found in linear time",
    setup: (d) =>
      writeFileSync(
        join(d, "keys.yaml"),
        `${Array.from({ length: 50_000 }, (_, i) => `k${i}: ${i}`).join("\n")}\nk7: 1\n`,
      ),
    args: ["validate", "keys.yaml"],
    code: 2,
    stderr:
      /^teamsim: keys\.yaml:50001:1: expected valid YAML, found DUPLICATE_KEY: Map keys must be unique\n$/,
  },
];

describe("teamsim errors: one line, exit 2, no stack trace", () => {
  for (const c of CASES) {
    it.skipIf(c.skip !== undefined)(c.name, () => {
      const dir = mkdtempSync(join(tmpdir(), "teamsim-errors-"));
      c.setup?.(dir);
      const r = teamsim(c.args, dir);
      expect(r.code, r.stderr).toBe(c.code);
      expect(r.stderr).toMatch(c.stderr);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      // Nothing printed from a scenario drives the terminal.
      expect(r.stderr).not.toMatch(/\x1b/);
      expect(r.stdout).not.toMatch(/\x1b/);
      if (c.stdout !== undefined) expect(r.stdout).toMatch(c.stdout);
      // --trace writes beside its file and renames: no temporary file survives a failure.
      expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
    });
  }

  it("--trace leaves the trace and no temporary file on success", () => {
    const dir = mkdtempSync(join(tmpdir(), "teamsim-errors-"));
    const r = teamsim([...RUN, "--trace", "t.jsonl"], dir);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(["t.jsonl"]);
  });

  it("stdout on a full device is named, exit 2", () => {
    const r = spawnSync("/bin/bash", ["-c", `"${process.execPath}" "${BIN}" schema > /dev/full`], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("teamsim: stdout: no space left on device\n");
  });
});

describe("a closed pipe is a quiet exit 0", () => {
  // Each command's status and stderr, its stdout read by `reader` (which stops early).
  function piped(args: string, reader: string) {
    const dir = mkdtempSync(join(tmpdir(), "teamsim-pipe-"));
    const script = `"${process.execPath}" "${BIN}" ${args} 2>err | ${reader}; echo "\${PIPESTATUS[0]}"`;
    const r = spawnSync("/bin/bash", ["-c", script], { cwd: dir, encoding: "utf8" });
    return {
      status: Number(r.stdout.trim().split("\n").pop()),
      stderr: readFileText(join(dir, "err")),
    };
  }

  const PIPES = [
    // The README's example: 340 KB of schema, 12 lines read.
    { args: "schema", reader: "head -12 > /dev/null" },
    { args: "schema", reader: "head -c 1 > /dev/null" },
    // A reader that exits at once, long before teamsim (a second to start) writes.
    { args: "models --json", reader: "true" },
    { args: `run ${QUICK} --set replicates=2 --json`, reader: "true" },
    { args: "protocols", reader: "true" },
  ];
  for (const p of PIPES) {
    it(`teamsim ${p.args.replace(QUICK, "quickstart.yaml")} | ${p.reader}`, () => {
      const r = piped(p.args, p.reader);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    });
  }

  it("the reading end destroyed after the first chunk", async () => {
    const child = spawn(process.execPath, [BIN, "schema"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});

function readFileText(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

describe("main's one error path (in-process)", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.TEAMSIM_DEBUG;
  });

  // Runs `teamsim schema` with its one stdout write failing with `error`.
  async function schemaFailingWith(error: Error) {
    let stderr = "";
    vi.spyOn(process.stdout, "write").mockImplementation(() => {
      throw error;
    });
    vi.spyOn(process.stderr, "write").mockImplementation((s) => {
      stderr += String(s);
      return true;
    });
    const code = await main(["schema"]);
    vi.restoreAllMocks();
    return { code, stderr };
  }

  function osError(code: string, syscall: string, path?: string) {
    const e = new Error(`${code}: something, ${syscall}`) as NodeJS.ErrnoException;
    Object.assign(e, { code, errno: -1, syscall, ...(path === undefined ? {} : { path }) });
    return e;
  }

  it("a real bug is exit 1: internal error, please report, with the version", async () => {
    const r = await schemaFailingWith(new TypeError("x is not a function"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^teamsim: internal error, please report \(teamsim \d+\.\d+\.\d+\S*\): x is not a function \(set TEAMSIM_DEBUG=1 for a stack trace\)\n$/,
    );
  });

  it("TEAMSIM_DEBUG=1 rethrows a bug (for its stack)", async () => {
    process.env.TEAMSIM_DEBUG = "1";
    vi.spyOn(process.stdout, "write").mockImplementation(() => {
      throw new TypeError("boom");
    });
    await expect(main(["schema"])).rejects.toThrow("boom");
  });

  const OS_ERRORS = [
    { e: osError("EACCES", "open", "/x/y.json"), line: "/x/y.json: permission denied (open)" },
    {
      e: osError("EISDIR", "read", "runs/q/results.jsonl"),
      line: "runs/q/results.jsonl: is a directory (read)",
    },
    {
      e: osError("ENOENT", "open", "/no/such"),
      line: "/no/such: no such file or directory (open)",
    },
    { e: osError("ENOTDIR", "mkdir", "f/d"), line: "f/d: not a directory (mkdir)" },
    { e: osError("EROFS", "open", "/ro/f"), line: "/ro/f: read-only file system (open)" },
    { e: osError("EEXIST", "mkdir", "d"), line: "d: file already exists (mkdir)" },
    {
      e: osError("ENOSPC", "write", "out.jsonl"),
      line: "out.jsonl: no space left on device (write)",
    },
    { e: osError("EPERM", "mkdir", "/sys/x"), line: "/sys/x: operation not permitted (mkdir)" },
    { e: osError("EBADF", "close"), line: "close: bad file descriptor" },
    {
      e: Object.assign(osError("EXDEV", "rename", "a.tmp"), { dest: "/mnt/a" }),
      line: "a.tmp -> /mnt/a: cross-device link (rename)",
    },
  ];
  for (const { e, line } of OS_ERRORS) {
    it(`an operating-system error reaching main is exit 2: ${e.code}`, async () => {
      const r = await schemaFailingWith(e);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`teamsim: ${line}\n`);
    });
  }

  it("a closed pipe met by a synchronous write is exit 0, quietly", async () => {
    const r = await schemaFailingWith(osError("EPIPE", "write"));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });
});
