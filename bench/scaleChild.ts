// One measurement of the scale benchmark in a process of its own, so that its
// peak memory is its own: `node scaleChild.js <case> <agents>` prints a ScaleRun.
import { scaleRun } from "./scale.js";

const [name, agents] = process.argv.slice(2);
process.stdout.write(`${JSON.stringify(scaleRun(name, Number(agents)))}\n`);
