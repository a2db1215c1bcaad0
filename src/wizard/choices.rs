//! The build packages the wizard offers to tick, per base family, each with what needs it. The
//! values of choice fields and their hints are declared with the fields' types (`spec::model`).

use crate::spec::fields::Choice;
use crate::spec::Base;

const fn choice(value: &'static str, hint: &'static str) -> Choice {
    Choice { value, hint }
}

/// Common build-only packages on Debian (slim), with what needs them.
const BUILD_DEBIAN: &[Choice] = &[
    choice("gcc", "C compiler for extensions without wheels"),
    choice("g++", "C++ compiler"),
    choice("pkg-config", "finds libraries while building (mysqlclient)"),
    choice("libpq-dev", "PostgreSQL headers: psycopg2 from source (else psycopg binary wheels)"),
    choice("default-libmysqlclient-dev", "MariaDB/MySQL headers: mysqlclient from source (else PyMySQL)"),
    choice("libxml2-dev", "libxml2 headers (lxml)"),
    choice("libxslt1-dev", "libxslt headers (lxml)"),
    choice("libffi-dev", "libffi headers (cffi)"),
    choice("libssl-dev", "OpenSSL headers (cryptography from source)"),
];

/// The same on Alpine, under Alpine's package names.
const BUILD_ALPINE: &[Choice] = &[
    choice("gcc", "C compiler for extensions without wheels"),
    choice("musl-dev", "C library headers, needed with gcc"),
    choice("g++", "C++ compiler"),
    choice("pkgconf", "finds libraries while building (mysqlclient)"),
    choice("postgresql-dev", "PostgreSQL headers: psycopg2 from source (else psycopg binary wheels)"),
    choice("mariadb-dev", "MariaDB headers: mysqlclient from source (else PyMySQL)"),
    choice("libxml2-dev", "libxml2 headers (lxml)"),
    choice("libxslt-dev", "libxslt headers (lxml)"),
    choice("libffi-dev", "libffi headers (cffi)"),
    choice("openssl-dev", "OpenSSL headers (cryptography from source)"),
];

/// The build packages offered for a base; none for distroless, which cannot install the
/// runtime libraries they imply.
pub fn build_packages(base: Base) -> &'static [Choice] {
    match base {
        Base::Slim => BUILD_DEBIAN,
        Base::Alpine => BUILD_ALPINE,
        Base::Distroless => &[],
    }
}

/// How a choice is shown in a list: the value, then its hint in a column (see `Prompter`).
pub fn label(choice: &Choice) -> String {
    if choice.hint.is_empty() {
        choice.value.to_string()
    } else {
        format!("{:<12}  {}", choice.value, choice.hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::value;

    #[test]
    fn offered_build_packages_are_valid_for_their_base() {
        use crate::spec::packages::{runtime_of, Runtime};
        for base in [Base::Slim, Base::Alpine] {
            for c in build_packages(base) {
                assert!(value::os_package(c.value).is_ok(), "{}", c.value);
                assert!(
                    !matches!(runtime_of(base, c.value), Runtime::WrongDistro(_) | Runtime::Unknown),
                    "{base}: {}",
                    c.value
                );
            }
        }
        assert!(build_packages(Base::Distroless).is_empty());
    }
}
