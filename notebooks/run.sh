#!/usr/bin/env bash
# Executes every notebook in notebooks/ headlessly with Jupyter's nbconvert and
# the tslab TypeScript kernel; a cell that errors (a thrown exception or a type
# error) fails its notebook. The last line is "N passed, N failed" (one count
# per notebook), which .ci/run adds to its own.
#
#   notebooks/run.sh                 # execute into a temporary directory
#   notebooks/run.sh --in-place      # execute and save the outputs into the notebooks
#   notebooks/run.sh 03-voting.ipynb # only these notebooks
#   notebooks/run.sh --setup         # only register the kernel and link teamsim (to open them)
#
# Needs Jupyter for /usr/bin/python3 (Debian: jupyter-notebook jupyter-nbconvert
# jupyter-client python3-ipykernel) and a built dist/ (npm run build).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# The kernel starts only with tslab on PATH.
export PATH="$root/node_modules/.bin:$PATH"
python=${PYTHON:-/usr/bin/python3}
jupyter=${JUPYTER:-/usr/bin/jupyter}

in_place=0
setup_only=0
names=()
for arg in "$@"; do
  case "$arg" in
    --in-place) in_place=1 ;;
    --setup) setup_only=1 ;;
    -h | --help)
      sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) names+=("$(basename "$arg")") ;;
  esac
done

if [[ ! -x "$jupyter" ]]; then
  echo "notebooks: $jupyter not found; install Jupyter (apt-get install jupyter-notebook jupyter-nbconvert jupyter-client python3-ipykernel)"
  echo "0 passed, 1 failed"
  exit 1
fi
if [[ ! -f dist/src/index.js ]]; then
  echo "notebooks: dist/ is not built; run npm run build"
  echo "0 passed, 1 failed"
  exit 1
fi

# Register the kernel once (for this user); tslab's installer writes the spec.
if ! "$jupyter" kernelspec list 2>/dev/null | grep -q '^ *tslab '; then
  tslab install --python="$python" >/dev/null || {
    echo "notebooks: tslab install --python=$python failed"
    echo "0 passed, 1 failed"
    exit 1
  }
fi

# tslab type-checks with classic (node10) module resolution, which finds a
# package only under node_modules/: link teamsim there, as `npm install
# ../` would from a project of its own.
mkdir -p notebooks/node_modules
ln -sfn ../.. notebooks/node_modules/teamsim
if [[ $setup_only -eq 1 ]]; then
  echo "notebooks: kernel tslab registered with $jupyter; teamsim linked in notebooks/node_modules"
  exit 0
fi

if [[ ${#names[@]} -eq 0 ]]; then
  names=()
  for f in notebooks/[0-9]*.ipynb; do names+=("$(basename "$f")"); done
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/teamsim-notebooks.XXXXXX")
passed=0
failed=0
for name in "${names[@]}"; do
  if [[ ! -f "notebooks/$name" ]]; then
    echo "FAIL $name: no such notebook"
    failed=$((failed + 1))
    continue
  fi
  start=$(date +%s%N)
  # --allow-errors keeps the executed notebook when a cell fails, so the check
  # below can say which cell and why (tslab reports type errors and exceptions
  # on the cell's stderr). Python's debugger warns about frozen modules on
  # every start: PYDEVD_DISABLE_FILE_VALIDATION silences that noise.
  if (cd notebooks && PYDEVD_DISABLE_FILE_VALIDATION=1 "$jupyter" nbconvert --to notebook --execute \
    --allow-errors --ExecutePreprocessor.timeout=120 --ExecutePreprocessor.kernel_name=tslab \
    --output-dir "$out" "$name") >"$out/$name.log" 2>&1 &&
    "$python" - "$out/$name" >"$out/$name.check" <<'PY'; then
import json, sys
nb = json.load(open(sys.argv[1]))
bad = 0
for i, cell in enumerate(nb["cells"]):
    if cell["cell_type"] != "code":
        continue
    first = "".join(cell["source"]).strip().split("\n")[0][:70]
    if "shell.execute_reply" not in cell.get("metadata", {}).get("execution", {}):
        print(f"     cell {i} was not executed: {first}")
        bad += 1
        continue
    for o in cell.get("outputs", []):
        if o["output_type"] == "error" or (o["output_type"] == "stream" and o.get("name") == "stderr"):
            text = "".join(o.get("text", "")) or f"{o.get('ename')}: {o.get('evalue')}"
            print(f"     cell {i} failed: {first}")
            print("\n".join("       " + line for line in text.strip().split("\n")[:12]))
            bad += 1
            break
sys.exit(1 if bad else 0)
PY
    secs=$(((($(date +%s%N) - start) / 1000000 + 50) / 100))
    echo "ok   $name ($((secs / 10)).$((secs % 10)) s)"
    passed=$((passed + 1))
    if [[ $in_place -eq 1 ]]; then
      # Written next to the notebook, then renamed: never a half-written notebook.
      cp "$out/$name" "notebooks/.$name.tmp" && mv "notebooks/.$name.tmp" "notebooks/$name"
    fi
  else
    echo "FAIL $name"
    if [[ -s "$out/$name.check" ]]; then
      cat "$out/$name.check"
    else
      grep -v -e 'frozen modules' -e 'Debugger warning' -e 'Xfrozen_modules' -e 'Debugging will proceed' \
        "$out/$name.log" | tail -n 25 | sed 's/^/     /'
    fi
    failed=$((failed + 1))
  fi
done
rm -rf "$out"
echo "${passed} passed, ${failed} failed"
[[ $failed -eq 0 ]]
