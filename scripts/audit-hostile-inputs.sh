#!/usr/bin/env bash
# Hostile inputs for `berth audit` (and berth's own YAML reader), each run with a time and memory
# bound this script asserts: YAML nested 6,000 deep in every shape (12 KB files) and 1 MB of each
# shape, an alias bomb, a 60 MB flat YAML file, 50 MB of blank lines (Dockerfile, compose file,
# workflow), 50,000 stages with findings, 100,000 injections on one line, a `run:` script past the
# shell parser's bound, a FIFO named Dockerfile, a compose file linked to /dev/zero, a 100 MB
# file, /dev/zero on standard input and as the configuration, link loops in a searched directory
# and in a build context, a FIFO `.gitignore` (git itself blocks on it: berth gives git 10 s, then
# audits the untracked files and says so), a FIFO named squid.conf and Squid configurations with
# 200,000 rules, 1,000 never_direct sets or one line continued 2,000,000 times. Each must end with
# exit 2 and a clear message naming the file (and the line, where there is one), or be audited;
# never a crash (101, 134), a hang or an unbounded allocation. Then every YAML acceptance fixture
# (tests/fixtures/yaml) must be accepted by Compose itself, so the fixtures stay honest. Prints
# what it measured. Usage: scripts/audit-hostile-inputs.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
"$here/install-linters.sh" >/dev/null # the Compose plugin, pinned there
compose=/usr/local/lib/docker/cli-plugins/docker-compose
cargo build --quiet --release --manifest-path "$repo/Cargo.toml"
berth="$repo/target/release/berth"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== YAML acceptance fixtures: Compose accepts each, berth parses each"
for f in "$repo"/tests/fixtures/yaml/*.yml; do
  (cd "$work" && "$compose" -f "$f" config -q) || { echo "FAIL: Compose refuses $f" >&2; exit 1; }
done
json="$("$berth" audit --format json "$repo/tests/fixtures/yaml" || true)"
python3 - "$json" <<'PY'
import json, sys
report = json.loads(sys.argv[1])
if report["errors"] or report["summary"]["files"] < 8:
    sys.exit(f"FAIL: berth on the YAML fixtures: {report['summary']} {report['errors']}")
print(f"ok: {report['summary']['files']} fixtures accepted by Compose and parsed by berth")
PY

echo "== hostile inputs (bounds: wall time and peak memory per run)"
python3 - "$berth" "$work" <<'PY'
import os, shutil, subprocess, sys, time

berth, work = sys.argv[1], sys.argv[2]
MB = 1 << 20
failures = []

def case(name, files, args, codes, needle, seconds=5.0, megabytes=64, stdin=None, setup=None):
    """Runs berth in a fresh directory holding `files`; checks the exit code (one of `codes`),
    that stderr holds `needle`, and the time and memory bounds of this run alone."""
    codes = codes if isinstance(codes, tuple) else (codes,)
    cwd = os.path.join(work, "case")
    os.makedirs(cwd)
    for path, text in files.items():
        full = os.path.join(cwd, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
    if setup:
        setup(cwd)
    err_path = os.path.join(work, "stderr")
    with open(stdin or os.devnull, "rb") as stdin_file, open(err_path, "wb") as err_file:
        start = time.monotonic()
        proc = subprocess.Popen([berth, *args], cwd=cwd, stdin=stdin_file, stdout=subprocess.DEVNULL, stderr=err_file)
        hung = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > seconds * 3:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                hung = True
                break
            time.sleep(0.005)
        elapsed = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    # This run's own peak (the driver's memory before exec counts too, and it is kept small).
    peak = usage.ru_maxrss / 1024
    with open(err_path, encoding="utf-8", errors="replace") as f:
        err = f.read()
    problems = []
    if hung:
        problems.append(f"still running after {seconds * 3:.0f} s")
    if code not in codes:
        problems.append(f"exit {code}, expected {' or '.join(map(str, codes))}")
    if needle not in err:
        problems.append(f"stderr lacks {needle!r}")
    if elapsed > seconds:
        problems.append(f"{elapsed:.2f} s > {seconds} s")
    if peak > megabytes:
        problems.append(f"{peak:.0f} MB > {megabytes} MB")
    status = "FAIL" if problems else "ok"
    print(f"{status:4} {name:44} exit {code:3}  {elapsed:6.2f} s  peak {peak:5.0f} MB  {'; '.join(problems)}")
    if problems:
        failures.append(name)
        print("     stderr: " + err[:300].replace("\n", "\n             "))
    shutil.rmtree(cwd, ignore_errors=True)

DEEP = 6000
svc = "services:\n  app:\n    image: example/app:1.0\n    environment:\n      "
wf = "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      "
shapes = {
    "block sequences": lambda n: "- " * n + "x\n",
    "flow sequences": lambda n: "[" * n + "]" * n + "\n",
    "unclosed flow sequences": lambda n: "[" * n + "\n",
    "flow mappings": lambda n: "{a: " * n + "b" + "}" * n + "\n",
}
deep_error = "nesting too deep"
for shape, make in shapes.items():
    case(f"compose: {DEEP} {shape}", {"compose.yml": svc + make(DEEP)}, ["audit"], 2, "compose.yml:5:")
    case(f"workflow: {DEEP} {shape}", {".github/workflows/ci.yml": wf + make(DEEP)}, ["audit"], 2, "ci.yml:6:")
block_maps = "services:\n" + "".join(" " * i + "a:\n" for i in range(1, 1400)) + " " * 1400 + "x\n"
case("compose: 1,400 nested block mappings", {"compose.yml": block_maps}, ["audit"], 2, deep_error)
for shape, make in shapes.items():
    case(f"compose: 1 MB of {shape}", {"compose.yml": svc + make(MB // 2)}, ["audit"], 2, deep_error)
bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]\n" for i in range(1, 10))
case("compose: alias bomb (10^10 nodes)", {"compose.yml": "services: {}\n" + bomb}, ["audit"], 2, "too many nodes",
     megabytes=200)
case("answers file: 6000 block sequences", {"a.yml": "name: x\nextra:\n  " + "- " * DEEP + "x\n"},
     ["new", "out", "-y", "--answers", "a.yml"], 2, "a.yml")
def flat(cwd):
    # Written in pieces: the driver stays small, so the memory measured is berth's.
    with open(os.path.join(cwd, "compose.yml"), "w") as f:
        f.write("services:\n  app:\n    image: example/app:1.0\n    labels:\n")
        for chunk in range(60):
            f.write("".join(f"      - l{chunk}x{i}=v\n" for i in range(MB // 20)))

case("compose: 60 MB flat", {}, ["audit"], 2, "too many nodes", seconds=20, megabytes=400, setup=flat)

def blank_lines(name):
    # 50 MB of empty lines, written in pieces (see `flat`).
    def make(cwd):
        full = os.path.join(cwd, name)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            for _ in range(50):
                f.write("\n" * MB)
    return make

for name in ["Dockerfile", "compose.yml", ".github/workflows/ci.yml"]:
    case(f"{name}: 50 MB of blank lines", {}, ["audit"], 0, "", megabytes=100,
         setup=blank_lines(name))
stages = "".join(f"FROM ubuntu AS s{i}\nMAINTAINER x\n" for i in range(50_000))
case("Dockerfile: 50,000 stages, findings in each", {"Dockerfile": stages}, ["audit", "--format", "json"], 1, "",
     megabytes=160)
expansions = "echo ${{ github.event.issue.title }}; " * 100_000
case("workflow: 100,000 expansions on one line", {".github/workflows/ci.yml": wf.replace("on: push", "on: issues")
     + f'- run: "{expansions}"\n'}, ["audit", "--format", "json"], 1, "", seconds=8, megabytes=200)
case("workflow: a run script of 600,000 words", {".github/workflows/ci.yml": wf + "- run: " + "a " * 600_000 + "\n"},
     ["audit"], 2, "ci.yml:6:14: this `run:` script brings the file to more than 500000 shell words", megabytes=100)

def fifo(name):
    return lambda cwd: os.mkfifo(os.path.join(cwd, name))

def link(target, name):
    return lambda cwd: os.symlink(target, os.path.join(cwd, name))

def huge(name, size):
    def make(cwd):
        with open(os.path.join(cwd, name), "wb") as f:
            f.truncate(size)
    return make

def loops(cwd):
    os.makedirs(os.path.join(cwd, "a/b"))
    os.symlink("../..", os.path.join(cwd, "a/b/up"))
    os.symlink("loop", os.path.join(cwd, "loop"))
    os.mkfifo(os.path.join(cwd, "a/server.key"))

case("FIFO named Dockerfile, directory search", {}, ["audit"], 2, "Dockerfile: is not a regular file",
     setup=fifo("Dockerfile"))
case("FIFO named Dockerfile, named", {}, ["audit", "Dockerfile"], 2, "Dockerfile: is not a regular file",
     setup=fifo("Dockerfile"))
case("compose.yml -> /dev/zero, named", {}, ["audit", "compose.yml"], 2, "compose.yml: is not a regular file",
     setup=link("/dev/zero", "compose.yml"))
case("100 MB compose file", {}, ["audit"], 2, "docker-compose.yml: is larger than", megabytes=160,
     setup=huge("docker-compose.yml", 100 * MB))
case("/dev/zero on standard input", {}, ["audit", "-"], 2, "standard input is larger than", megabytes=160,
     stdin="/dev/zero")
case("link loops and a FIFO in the build context",
     {"Dockerfile": "FROM python:3.13-slim\nUSER 10001\nCOPY . /app\n"}, ["audit"], (0, 1), "", setup=loops)
case("--config /dev/zero", {}, ["audit", "--config", "/dev/zero"], 2, "/dev/zero: cannot read")
case("FIFO .berth-audit.yml", {}, ["audit"], 2, ".berth-audit.yml: cannot read", setup=fifo(".berth-audit.yml"))
def git_with_fifo_ignore(cwd):
    subprocess.run(["git", "-C", cwd, "init", "-q"], check=True)
    os.mkfifo(os.path.join(cwd, "svc/.gitignore"))

case("git work tree with a FIFO .gitignore", {"svc/compose.yml": "services: {}\n"}, ["audit"], (0, 1),
     "note: skipped .: the files git ignores: git did not answer within 10 s", seconds=20, setup=git_with_fifo_ignore)
case("FIFO .dockerignore", {"Dockerfile": "FROM python:3.13-slim\nUSER 10001\nCOPY . /app\n"}, ["audit"], 2,
     ".dockerignore\" is not a regular file", setup=fifo(".dockerignore"))
def include_mazes(cwd):
    # A compose file including a FIFO, /dev/zero (through a link), itself, and a chain of 2,000
    # files that each include the next and the first: discovery adds each file once.
    os.mkfifo(os.path.join(cwd, "pipe.yml"))
    os.symlink("/dev/zero", os.path.join(cwd, "zero.yml"))
    for i in range(2000):
        with open(os.path.join(cwd, f"c{i}.yml"), "w") as f:
            f.write(f"include: [c{i + 1}.yml, compose.yml]\nservices:\n  s{i}:\n    extends: {{file: c0.yml, service: s0}}\n")

case("compose: includes of a FIFO, /dev/zero, itself and a 2,000-file chain",
     {"compose.yml": "include: [pipe.yml, zero.yml, compose.yml, c0.yml]\nservices: {}\n"}, ["audit"], (0, 1), "",
     seconds=10, megabytes=100, setup=include_mazes)

case("FIFO named squid.conf", {}, ["audit"], 2, "squid.conf: is not a regular file", setup=fifo("squid.conf"))
def squid(lines):
    def make(cwd):
        with open(os.path.join(cwd, "squid.conf"), "w") as f:
            f.write("http_port 3128\n")
            for chunk in lines():
                f.write(chunk)
    return make

# Findings go to stdout; exit 1 says they were made.
case("squid.conf: 200,000 ACLs and 200,000 allow lines", {}, ["audit", "--fail-on", "medium"], 1, "", seconds=10, megabytes=400, setup=squid(lambda: ("".join(f"acl a{i} src 10.0.0.{i % 250}/32\nhttp_access allow a{i}\n"
                                                  for i in range(j, j + 10000)) for j in range(0, 200000, 10000))))
case("squid.conf: 1,000 never_direct sets and 200,000 allow lines", {}, ["audit"], 1, "", seconds=10, megabytes=400, setup=squid(lambda: ["cache_peer app parent 80 0 originserver\n",
                                                     "".join(f"never_direct allow x{i} y{i}\n" for i in range(1000)),
                                                     *("http_access allow x1 z\n" * 10000 for _ in range(20))]))
case("squid.conf: one line continued 2,000,000 times", {}, ["audit"], (0, 1), "", seconds=10, megabytes=400,
     setup=squid(lambda: ["acl big dstdomain \\\n", *(".example.com \\\n" * 100000 for _ in range(20)), "x\n"]))

if failures:
    sys.exit(f"{len(failures)} hostile input(s) not handled: {', '.join(failures)}")
print("all hostile inputs handled within their bounds")
PY
