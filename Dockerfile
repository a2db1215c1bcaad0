# berth's own image: one static binary on distroless/static, non-root, no shell, no libc.
#
#   docker run --rm -v "$PWD:/src:ro" ghcr.io/berth-dev/berth audit
#
# The build stage runs on the build machine's platform and cross-compiles to the target's
# (linux/amd64 or linux/arm64) with rust-lld, so a multi-platform build needs no emulation.
# The image holds what `audit`, `new`, `rules` and `explain` need; `verify` drives a docker
# client, which it does not ship.

FROM --platform=$BUILDPLATFORM rust:1.95.0-slim-trixie AS build
ARG TARGETARCH
# musl targets give a static binary; rust-lld links either architecture from either host.
ENV CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=rust-lld \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=rust-lld
RUN case "$TARGETARCH" in \
      amd64) target=x86_64-unknown-linux-musl ;; \
      arm64) target=aarch64-unknown-linux-musl ;; \
      *) echo "berth's image is built for amd64 and arm64, not '$TARGETARCH'" >&2; exit 1 ;; \
    esac \
    && rustup target add "$target" \
    && echo "$target" > /rust-target
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY templates ./templates
COPY presets ./presets
# The Action's installer: berth pins its SHA-256 in the CI jobs it generates.
COPY .github/action/install.sh .github/action/lib.sh ./.github/action/
# The registry and target caches live only in this builder (a fresh one in the release
# workflow); --locked builds exactly Cargo.lock.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/build/target \
    target="$(cat /rust-target)" \
    && cargo build --release --locked --target "$target" \
    && cp "target/$target/release/berth" /usr/local/bin/berth

FROM gcr.io/distroless/static-debian13:nonroot
LABEL org.opencontainers.image.title="berth" \
      org.opencontainers.image.description="Hardened container files for Python data pipelines: generate, audit, verify." \
      org.opencontainers.image.source="https://github.com/berth-dev/berth" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /usr/local/bin/berth /usr/local/bin/berth
USER 65532:65532
WORKDIR /src
# A one-shot command line tool: there is no long-running service to probe.
HEALTHCHECK NONE
ENTRYPOINT ["berth"]
CMD ["audit"]
