#!/bin/sh
# Runs as root inside a throw-away container of the trixie base rootfs with
# gcc and libc6-dev; the result is exported as the rust:*-slim-trixie
# stand-in. Installs the toolchain as the official image's Dockerfile does.
set -eu
/rustup-init -y --no-modify-path --profile minimal --default-toolchain "$RUST_VERSION" --default-host "$RUST_HOST"
chmod -R a+w "$RUSTUP_HOME" "$CARGO_HOME"
PATH=$CARGO_HOME/bin:$PATH
rustup --version
cargo --version
rustc --version | grep -q "^rustc $RUST_VERSION "
