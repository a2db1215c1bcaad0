#!/usr/bin/env bash
# Benchmark: the lesson's Dockerfile.prod against berth's postgres-etl Dockerfile, built in one
# run on the same base image with the same requirements (psycopg2 from source, pandas, pyarrow,
# sqlalchemy). Prints measured numbers; asserts nothing.
#
# Measures per Dockerfile: cold build (BuildKit cache pruned), final size over the base image,
# bytes in layers that the final filesystem no longer has (deleted or replaced later), rebuild
# after a one-line source change, rebuild after adding one dependency, compiler in the final image.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
ENGINE="$REPO/tests/engine"
# shellcheck source=../tests/engine/lib.sh
. "$ENGINE/lib.sh"
BASE=python:3.13-slim-trixie

"$ENGINE/engine-up.sh" >/dev/null
"$ENGINE/standins.sh" python >/dev/null
cargo build --quiet --manifest-path "$REPO/Cargo.toml"
work=$(mktemp -d)
trap 'rm -rf "$work"; "$DOCKER" rmi -f berth-bench-lesson berth-bench-berth >/dev/null 2>&1 || true' EXIT

requirements='psycopg2==2.9.10
pandas==2.2.3
pyarrow==18.1.0
sqlalchemy==2.0.36'

# The lesson's "Real-World Secure Data Pipeline" Dockerfile.prod, verbatim but for the base
# image, which is the one berth's preset uses so both build on the same stand-in.
mkdir -p "$work/lesson/src"
cat > "$work/lesson/Dockerfile.prod" <<DOCKERFILE
FROM $BASE AS builder

RUN apt-get update && \\
    apt-get install -y --no-install-recommends gcc libpq-dev && \\
    rm -rf /var/lib/apt/lists/*

WORKDIR /build
COPY requirements.txt .
RUN pip wheel --no-cache-dir --wheel-dir=/wheels -r requirements.txt

FROM $BASE

RUN apt-get update && \\
    apt-get install -y --no-install-recommends libpq5 && \\
    rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --shell /bin/bash etluser

WORKDIR /app

COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels

COPY --chown=etluser:etluser src/ ./src/
RUN mkdir -p /app/logs && chown etluser:etluser /app/logs

USER etluser

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

HEALTHCHECK --interval=30s --timeout=5s --retries=3 \\
    CMD python -c "print('ok')" || exit 1

CMD ["python", "src/pipeline.py"]
DOCKERFILE
printf '%s\n' "$requirements" > "$work/lesson/requirements.txt"
printf 'print("pipeline")\n' > "$work/lesson/src/pipeline.py"

"$REPO/target/debug/berth" new "$work/berth" --preset postgres-etl -y >/dev/null
printf '%s\n' "$requirements" > "$work/berth/requirements.txt"

build() { # dir dockerfile tag -> seconds
  local started ended
  started=$(date +%s.%N)
  "$DOCKER" build -q -f "$1/$2" -t "$3" "$1" >/dev/null
  ended=$(date +%s.%N)
  python3 -c "print(f'{$ended - $started:.1f}')"
}

# Of the files in the layers above the base image: their total bytes, the bytes a later layer
# deletes (whiteout) or replaces, and the bytes of a layer that holds /wheels.
layer_bytes() {
  local base_layers
  base_layers=$("$DOCKER" image inspect -f '{{len .RootFS.Layers}}' "$BASE")
  "$DOCKER" save "$1" | BASE_LAYERS=$base_layers python3 -c '
import io, json, os, sys, tarfile
outer = tarfile.open(fileobj=io.BytesIO(sys.stdin.buffer.read()))
manifest = json.load(outer.extractfile("manifest.json"))[0]
layers = []
for name in manifest["Layers"]:
    inner = tarfile.open(fileobj=outer.extractfile(name))
    layers.append({m.name.removeprefix("./"): m.size for m in inner.getmembers()})
dead = total = wheels = 0
for i, files in enumerate(layers):
    if i < int(os.environ["BASE_LAYERS"]):
        continue
    total += sum(files.values())
    if any(p == "wheels" or p.startswith("wheels/") for p in files):
        wheels += sum(files.values())
    for path, size in files.items():
        for later in layers[i + 1:]:
            parts = path.split("/")
            prefixes = ["/".join(parts[:k]) for k in range(1, len(parts) + 1)]
            whiteout = any("/".join(p.split("/")[:-1] + [".wh." + p.split("/")[-1]]).lstrip("/") in later for p in prefixes)
            opaque = any((p.rsplit("/", 1)[0] + "/.wh..wh..opq" if "/" in p else ".wh..wh..opq") in later for p in prefixes[1:])
            if whiteout or opaque or path in later:
                dead += size
                break
print(total, dead, wheels)
'
}

measure() { # name dir dockerfile
  local name=$1 dir=$2 file=$3 tag=berth-bench-$1
  "$DOCKER" builder prune -af >/dev/null
  local cold source dep total dead wheels compiler
  cold=$(build "$dir" "$file" "$tag")
  read -r total dead wheels < <(layer_bytes "$tag")
  compiler=$("$DOCKER" run --rm --entrypoint /bin/sh "$tag" -c 'command -v gcc cc || true')
  echo "# one-line source change" >> "$dir/src/pipeline.py"
  source=$(build "$dir" "$file" "$tag")
  echo "requests==2.32.3" >> "$dir/requirements.txt"
  dep=$(build "$dir" "$file" "$tag")
  printf '%-8s cold %6ss  over base %6.1f MB (dead %5.1f MB, /wheels layer %5.1f MB)  source rebuild %5ss  +1 dependency %6ss  compiler: %s\n' \
    "$name" "$cold" "$(python3 -c "print($total / 1e6)")" "$(python3 -c "print($dead / 1e6)")" "$(python3 -c "print($wheels / 1e6)")" \
    "$source" "$dep" "${compiler:-none}"
  echo "$name $cold $total $dead $wheels $source $dep" >> "$work/results"
}

echo "base image $BASE; requirements: $(tr '\n' ' ' <<<"$requirements")"
measure lesson "$work/lesson" Dockerfile.prod
measure berth "$work/berth" Dockerfile
python3 - "$work/results" <<'PY'
import sys
rows = {r.split()[0]: [float(x) for x in r.split()[1:]] for r in open(sys.argv[1])}
l, b = rows["lesson"], rows["berth"]
# Fields: cold, total bytes above base, dead bytes, /wheels layer bytes, source rebuild, +1 dependency.
print(f"berth/lesson: cold build {b[0]/l[0]:.2f}x, size over base {b[1]/l[1]:.2f}x, "
      f"+1 dependency rebuild {b[5]/l[5]:.2f}x ({b[5]/l[5]*100:.0f}% of the lesson's)")
print(f"size over base (file bytes in the layers above the base): berth {b[1]/1e6:.1f} MB; "
      f"lesson {l[1]/1e6:.1f} MB minus its /wheels layer {l[3]/1e6:.1f} MB = {(l[1]-l[3])/1e6:.1f} MB")
PY
