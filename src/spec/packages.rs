//! Build-time OS packages and the runtime libraries they imply: the one table.
//!
//! A C extension built against `libpq-dev` in the builder needs `libpq5` in the runtime image,
//! and nothing else from the builder. Names are those of the distribution the base image uses:
//! Debian 13 (trixie) for slim, Alpine for alpine.

use super::model::Base;

/// Packages that only matter while building: no runtime library follows from them.
const BUILD_ONLY_DEBIAN: &[&str] = &[
    "gcc",
    "g++",
    "build-essential",
    "make",
    "cmake",
    "pkg-config",
    "pkgconf",
    "python3-dev",
    "git",
    "cargo",
    "rustc",
    "clang",
    "autoconf",
    "automake",
    "libtool",
    "patch",
    "swig",
];

/// Debian trixie: `-dev` package -> runtime library package.
const RUNTIME_DEBIAN: &[(&str, &str)] = &[
    ("libpq-dev", "libpq5"),
    ("default-libmysqlclient-dev", "libmariadb3"),
    ("libmariadb-dev", "libmariadb3"),
    ("libmariadb-dev-compat", "libmariadb3"),
    ("libxml2-dev", "libxml2"),
    ("libxslt1-dev", "libxslt1.1"),
    ("libffi-dev", "libffi8"),
    ("libssl-dev", "libssl3t64"),
    ("zlib1g-dev", "zlib1g"),
    ("libjpeg-dev", "libjpeg62-turbo"),
    ("libjpeg62-turbo-dev", "libjpeg62-turbo"),
    ("libpng-dev", "libpng16-16t64"),
    ("libgeos-dev", "libgeos-c1t64"),
    ("unixodbc-dev", "libodbc2"),
    ("libsasl2-dev", "libsasl2-2"),
    ("libldap-dev", "libldap2"),
    ("libldap2-dev", "libldap2"),
    ("libkrb5-dev", "libgssapi-krb5-2"),
    ("libcurl4-openssl-dev", "libcurl4t64"),
    ("libyaml-dev", "libyaml-0-2"),
    ("libsnappy-dev", "libsnappy1v5"),
    ("liblz4-dev", "liblz4-1"),
    ("libzstd-dev", "libzstd1"),
    ("libbz2-dev", "libbz2-1.0"),
    ("liblzma-dev", "liblzma5"),
    ("libsqlite3-dev", "libsqlite3-0"),
];

const BUILD_ONLY_ALPINE: &[&str] = &[
    "gcc",
    "g++",
    "musl-dev",
    "build-base",
    "make",
    "cmake",
    "pkgconf",
    "linux-headers",
    "python3-dev",
    "git",
    "cargo",
    "rust",
    "clang",
    "autoconf",
    "automake",
    "libtool",
    "patch",
    "swig",
];

/// Alpine: `-dev` package -> runtime library package.
const RUNTIME_ALPINE: &[(&str, &str)] = &[
    ("postgresql-dev", "libpq"),
    ("libpq-dev", "libpq"),
    ("mariadb-dev", "mariadb-connector-c"),
    ("mariadb-connector-c-dev", "mariadb-connector-c"),
    ("libxml2-dev", "libxml2"),
    ("libxslt-dev", "libxslt"),
    ("libffi-dev", "libffi"),
    ("openssl-dev", "libssl3"),
    ("zlib-dev", "zlib"),
    ("jpeg-dev", "libjpeg-turbo"),
    ("libjpeg-turbo-dev", "libjpeg-turbo"),
    ("libpng-dev", "libpng"),
    ("geos-dev", "geos"),
    ("unixodbc-dev", "unixodbc"),
    ("yaml-dev", "yaml"),
    ("snappy-dev", "snappy"),
    ("lz4-dev", "lz4-libs"),
    ("zstd-dev", "zstd-libs"),
    ("sqlite-dev", "sqlite-libs"),
];

/// The same library under the other distribution's name, for a helpful error.
const DEBIAN_TO_ALPINE: &[(&str, &str)] = &[
    ("libpq-dev", "postgresql-dev"),
    ("default-libmysqlclient-dev", "mariadb-dev"),
    ("libmariadb-dev", "mariadb-dev"),
    ("libxslt1-dev", "libxslt-dev"),
    ("libssl-dev", "openssl-dev"),
    ("zlib1g-dev", "zlib-dev"),
    ("build-essential", "build-base"),
    ("pkg-config", "pkgconf"),
    ("libjpeg62-turbo-dev", "libjpeg-turbo-dev"),
    ("libgeos-dev", "geos-dev"),
    ("libyaml-dev", "yaml-dev"),
];

/// What a build package means for the runtime image.
#[derive(Debug, PartialEq, Eq)]
pub enum Runtime {
    /// Needed only to build.
    BuildOnly,
    /// The runtime image needs this library package.
    Library(&'static str),
    /// Not in the table: the user must add a runtime package if one is needed.
    Unknown,
    /// A Debian name used on Alpine: the Alpine name is given.
    WrongDistro(&'static str),
}

fn strip_pin(package: &str) -> &str {
    package.split_once('=').map_or(package, |(name, _)| name)
}

pub fn runtime_of(base: Base, package: &str) -> Runtime {
    let name = strip_pin(package);
    let (build_only, table) = match base {
        Base::Alpine => (BUILD_ONLY_ALPINE, RUNTIME_ALPINE),
        Base::Slim | Base::Distroless => (BUILD_ONLY_DEBIAN, RUNTIME_DEBIAN),
    };
    if build_only.contains(&name) {
        return Runtime::BuildOnly;
    }
    if let Some((_, lib)) = table.iter().find(|(dev, _)| *dev == name) {
        return Runtime::Library(lib);
    }
    if base == Base::Alpine {
        if let Some((_, alpine)) = DEBIAN_TO_ALPINE.iter().find(|(deb, _)| *deb == name) {
            return Runtime::WrongDistro(alpine);
        }
    }
    Runtime::Unknown
}

/// Whether a build package set can compile C extensions.
pub fn has_compiler(packages: &[String]) -> bool {
    packages
        .iter()
        .map(|p| strip_pin(p))
        .any(|p| matches!(p, "gcc" | "g++" | "build-essential" | "build-base" | "clang"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_runtime_libraries() {
        assert_eq!(runtime_of(Base::Slim, "libpq-dev"), Runtime::Library("libpq5"));
        assert_eq!(runtime_of(Base::Slim, "default-libmysqlclient-dev"), Runtime::Library("libmariadb3"));
        assert_eq!(runtime_of(Base::Slim, "gcc"), Runtime::BuildOnly);
        assert_eq!(runtime_of(Base::Alpine, "postgresql-dev"), Runtime::Library("libpq"));
        assert_eq!(runtime_of(Base::Alpine, "libpq-dev"), Runtime::Library("libpq"));
        assert_eq!(runtime_of(Base::Alpine, "libssl-dev"), Runtime::WrongDistro("openssl-dev"));
        assert_eq!(runtime_of(Base::Slim, "libfoo-dev"), Runtime::Unknown);
        assert_eq!(runtime_of(Base::Slim, "libpq-dev=17.6-0+deb13u1"), Runtime::Library("libpq5"));
    }

    #[test]
    fn table_has_no_duplicate_keys() {
        for table in [RUNTIME_DEBIAN, RUNTIME_ALPINE] {
            let mut keys: Vec<_> = table.iter().map(|(k, _)| k).collect();
            keys.sort();
            let before = keys.len();
            keys.dedup();
            assert_eq!(before, keys.len());
        }
    }
}
