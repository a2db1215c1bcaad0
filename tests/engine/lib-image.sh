# shellcheck shell=bash
# Turn a root filesystem directory into a local one-layer image with a given
# config, without a Dockerfile or a registry: write a `docker save` style
# archive (manifest.json, config.json, layer.tar) and `docker load` it.
# Unlike `docker import -c`, this sets every config field, STOPSIGNAL included.
#
# Sourced by standins.sh; expects DOCKER, STANDIN_LABEL (lib.sh), WORK (a
# scratch directory), die(), and the CFG_* settings (reset_config in standins.sh).

sha() { sha256sum | cut -c1-64; }

pack() { tar --numeric-owner -C "$1" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf - .; }

json_array() {
  local out='' sep='' v
  for v in "$@"; do
    [[ $v != *[\"\\]* ]] || die "unsupported character in config value: $v"
    out+="$sep\"$v\""
    sep=,
  done
  printf '[%s]' "$out"
}

json_set() { # keys of an object whose values are {}
  local out='' sep='' v
  for v in "$@"; do out+="$sep\"$v\":{}"; sep=,; done
  printf '{%s}' "$out"
}

# Load the rootfs DIR as a one-layer image TAG with the CFG_* config.
load_image() {
  local tag=$1 dir=$2 hash=$3 out=$WORK/load old_id diff created entry=null cmd=null
  rm -rf "$out" && mkdir -p "$out"
  diff=$(pack "$dir" | tee "$out/layer.tar" | sha)
  created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  if ((${#CFG_ENTRYPOINT[@]})); then entry=$(json_array "${CFG_ENTRYPOINT[@]}"); fi
  if ((${#CFG_CMD[@]})); then cmd=$(json_array "${CFG_CMD[@]}"); fi
  cat >"$out/config.json" <<EOJ
{"architecture":"$(dpkg --print-architecture)","os":"linux","created":"$created",
 "config":{"User":"$CFG_USER","WorkingDir":"$CFG_WORKDIR","Env":$(json_array "${CFG_ENV[@]}"),
  "Entrypoint":$entry,"Cmd":$cmd,"ExposedPorts":$(json_set "${CFG_EXPOSE[@]}"),
  "Volumes":$(json_set "${CFG_VOLUMES[@]}"),"StopSignal":"$CFG_STOPSIGNAL",
  "Labels":{"$STANDIN_LABEL":"$hash","org.berth.standin.of":"$tag"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff"]},
 "history":[{"created":"$created","created_by":"berth e2e stand-in (tests/engine/standins.sh)"}]}
EOJ
  printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]\n' "$tag" >"$out/manifest.json"
  old_id=$("$DOCKER" image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  tar -C "$out" -cf - manifest.json config.json layer.tar | "$DOCKER" load -q >/dev/null
  if [[ -n $old_id && $old_id != "$("$DOCKER" image inspect -f '{{.Id}}' "$tag")" ]]; then
    "$DOCKER" rmi "$old_id" >/dev/null 2>&1 || true
  fi
  rm -rf "$out" "$dir"
}
