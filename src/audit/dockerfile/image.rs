//! Image references in `FROM`, `COPY --from` and `RUN --mount=from=`, and `ARG` substitution.

use std::collections::HashMap;

/// An image reference split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry and repository, e.g. `gcr.io/distroless/python3-debian13` or `python`.
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (reference, None),
        };
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[slash..].rfind(':') {
            Some(i) => (rest[..slash + i].to_string(), Some(rest[slash + i + 1..].to_string())),
            None => (rest.to_string(), None),
        };
        ImageRef { name, tag, digest }
    }

    /// The repository without registry or `library/`: `python`, `distroless/python3-debian13`.
    pub fn repository(&self) -> &str {
        let mut parts = self.name.splitn(2, '/');
        let first = parts.next().unwrap_or("");
        let rest = parts.next();
        let repo = match rest {
            Some(rest) if first.contains('.') || first.contains(':') || first == "localhost" => rest,
            _ => &self.name,
        };
        repo.strip_prefix("library/").unwrap_or(repo)
    }

    /// A Windows image: its default shell is `cmd`, not a POSIX shell
    /// (`mcr.microsoft.com/windows/servercore`, `*-windowsservercore-*`, `*-nanoserver-*`).
    pub fn is_windows(&self) -> bool {
        let tag = self.tag.as_deref().unwrap_or("").to_ascii_lowercase();
        let repository = self.repository().to_ascii_lowercase();
        repository.starts_with("windows/")
            || repository.contains("windowsservercore")
            || repository.contains("nanoserver")
            || tag.contains("windowsservercore")
            || tag.contains("nanoserver")
    }
}

/// Substitutes `$X`, `${X}`, `${X:-d}` and `${X-d}` from `vars`; `None` if any is unknown.
pub fn substitute(text: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}')?;
            let expr = &inner[..end];
            rest = &inner[end + 1..];
            let (name, default) = match expr.find([':', '-']) {
                Some(p) => {
                    let d = expr[p..].trim_start_matches(':');
                    (&expr[..p], d.strip_prefix('-').map(|d| d.to_string()))
                }
                None => (expr, None),
            };
            match vars.get(name).filter(|v| !v.is_empty()).cloned().or(default) {
                Some(v) => out.push_str(&v),
                None => return None,
            }
        } else {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if end == 0 {
                out.push('$');
                continue;
            }
            out.push_str(vars.get(&rest[..end])?);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_image_references() {
        let r = ImageRef::parse("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(
            (r.name.as_str(), r.tag.as_deref(), r.digest.as_deref()),
            ("localhost:5000/team/app", Some("1.2"), Some("sha256:abc"))
        );
        assert_eq!(r.repository(), "team/app");
        assert_eq!(ImageRef::parse("python").tag, None);
        assert_eq!(ImageRef::parse("docker.io/library/python:3").repository(), "python");
    }

    #[test]
    fn knows_windows_images() {
        for image in [
            "mcr.microsoft.com/windows/servercore:ltsc2022",
            "mcr.microsoft.com/powershell:lts-nanoserver-1809",
            "python:3.13-windowsservercore-ltsc2025",
        ] {
            assert!(ImageRef::parse(image).is_windows(), "{image}");
        }
        assert!(!ImageRef::parse("python:3.13-slim").is_windows());
    }
}
