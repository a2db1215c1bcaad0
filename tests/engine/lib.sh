# shellcheck shell=bash disable=SC2034
# Shared settings of the engine scripts (sourced, not run).

# The 20.10 client from Debian's docker.io: it has BuildKit built in. A newer
# `docker` earlier on PATH may lack the buildx plugin that BuildKit needs.
DOCKER=${BERTH_DOCKER:-/usr/bin/docker}
export DOCKER_BUILDKIT=1

# Containers, networks and volumes made by the tests carry this label and a
# name starting with E2E_PREFIX; engine-down.sh removes only those.
E2E_LABEL=org.berth.e2e
E2E_PREFIX=berth-e2e-

# Label on stand-in images: hash of the recipe the image was built from.
STANDIN_LABEL=org.berth.standin.recipe

# The references used by the generated files, in build order.
STANDIN_NAMES=(python distroless postgres mariadb)
# The bases of berth's own Dockerfile (tests/engine/image.sh checks that they match its FROM lines).
IMAGE_STANDIN_NAMES=(rust static)
declare -A STANDIN_REFS=(
  [python]=python:3.13-slim-trixie
  [distroless]=gcr.io/distroless/python3-debian13:nonroot
  [postgres]=postgres:18-trixie
  [mariadb]=mariadb:11.8
  [rust]=rust:1.95.0-slim-trixie
  [static]=gcr.io/distroless/static-debian13:nonroot
)

now() { date +%s; }
