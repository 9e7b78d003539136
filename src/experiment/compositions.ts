import type { AgentGroup } from "../scenario/ScenarioSchema.js";

/**
 * Every team of `roles.length` members drawn from `models`, as lists of groups
 * in member order, each group with its role. Members that share a role are
 * interchangeable (a panel of voters, a leader's workers), so a role held by c
 * members takes every multiset of c models (C(c + k − 1, k − 1) of them for k
 * models), listed in the order of `models`. When `ordered` (a cascade, whose
 * stages are tried in turn) the order of the members matters: every sequence of
 * distinct models, k! / (k − n)! of them (none when n > k: a cascade that asks
 * the same model twice gains nothing from the second ask in this model).
 */
export function compositions(
  models: readonly string[],
  roles: readonly string[],
  ordered = false,
): AgentGroup[][] {
  const n = roles.length;
  const out: AgentGroup[][] = [];
  if (ordered) {
    const seq: string[] = [];
    const used = new Set<string>();
    const walk = () => {
      if (seq.length === n) {
        out.push(toGroups(seq, roles));
        return;
      }
      for (const m of models) {
        if (used.has(m)) continue;
        used.add(m);
        seq.push(m);
        walk();
        seq.pop();
        used.delete(m);
      }
    };
    walk();
    return out;
  }
  // Role classes in order of first appearance, each with its member positions.
  const classes = new Map<string, number[]>();
  roles.forEach((r, i) => {
    const at = classes.get(r);
    if (at === undefined) classes.set(r, [i]);
    else at.push(i);
  });
  const choices = [...classes.values()].map((positions) => multisets(models, positions.length));
  const assigned = new Array<string>(n);
  const product = (c: number) => {
    if (c === choices.length) {
      out.push(toGroups(assigned, roles));
      return;
    }
    const positions = [...classes.values()][c];
    for (const pick of choices[c]) {
      positions.forEach((p, j) => {
        assigned[p] = pick[j];
      });
      product(c + 1);
    }
  };
  product(0);
  return out;
}

/** How many teams `compositions` lists, without listing them (for the guard before a search). */
export function countCompositions(k: number, roles: readonly string[], ordered = false): number {
  const n = roles.length;
  if (ordered) {
    let count = 1;
    for (let i = 0; i < n; i++) count *= k - i;
    return Math.max(0, count);
  }
  const sizes = new Map<string, number>();
  for (const r of roles) sizes.set(r, (sizes.get(r) ?? 0) + 1);
  let count = 1;
  for (const c of sizes.values()) count *= binomial(c + k - 1, k - 1);
  return count;
}

/** "leader 1×a + worker 4×b": a composition in one line. */
export function compositionLabel(groups: readonly AgentGroup[]): string {
  return groups
    .map((g) => `${g.role === undefined ? "" : `${g.role} `}${g.count}×${g.model}`)
    .join(" + ");
}

// Every multiset of size c over the models, each as c models in the models' order.
function multisets(models: readonly string[], c: number): string[][] {
  const out: string[][] = [];
  const pick: string[] = [];
  const walk = (from: number) => {
    if (pick.length === c) {
      out.push([...pick]);
      return;
    }
    for (let i = from; i < models.length; i++) {
      pick.push(models[i]);
      walk(i);
      pick.pop();
    }
  };
  walk(0);
  return out;
}

// Members in order, runs of one model in one role merged into a group.
function toGroups(members: readonly string[], roles: readonly string[]): AgentGroup[] {
  const groups: AgentGroup[] = [];
  members.forEach((model, i) => {
    const last = groups[groups.length - 1];
    if (last !== undefined && last.model === model && last.role === roles[i]) last.count++;
    else groups.push({ model, count: 1, role: roles[i] });
  });
  return groups;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}
