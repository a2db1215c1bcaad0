//! Resource limit values as Docker reads them: a limit of zero (or less) is no limit at all.
//!
//! Memory sizes follow go-units `RAMInBytes`, which Compose uses: a number, one optional space
//! and a suffix `b`, `k`, `kb`, `kib`... up to `p`, in any case. Compose truncates the product to
//! whole bytes and drops a result of 0, so `0.5` is no limit. A CPU count has no such floor
//! (`cpus: 0.5` is half a CPU), but `0` means unlimited.

use super::interpolate::interpolate;
use crate::yaml::tree::Node;

/// What a limit value sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limit {
    /// A positive limit, or one set at run time (`${MEM}`).
    Bounded,
    /// Present, but no limit; the reason says why.
    Unbounded(String),
}

/// A memory limit (`mem_limit`, `deploy.resources.limits.memory`).
pub fn memory(node: &Node) -> Limit {
    judge(node, |text| {
        let (number, suffix) = size(text)?;
        let scale: f64 = match suffix.chars().next() {
            Some('k') => 1024.0,
            Some('m') => 1024.0 * 1024.0,
            Some('g') => 1024f64.powi(3),
            Some('t') => 1024f64.powi(4),
            Some('p') => 1024f64.powi(5),
            _ => 1.0,
        };
        Some((number * scale).trunc() >= 1.0)
    })
}

/// A CPU limit (`cpus`, `cpu_quota`, `deploy.resources.limits.cpus`).
pub fn cpus(node: &Node) -> Limit {
    judge(node, |text| text.parse::<f64>().ok().filter(|n| n.is_finite()).map(|n| n > 0.0))
}

/// A process limit (`pids_limit`, `deploy.resources.limits.pids`); `-1` and `0` are unlimited.
pub fn pids(node: &Node) -> Limit {
    judge(node, |text| text.parse::<i64>().ok().map(|n| n > 0))
}

fn judge(node: &Node, positive: impl Fn(&str) -> Option<bool>) -> Limit {
    if node.is_null() {
        return Limit::Unbounded("is empty".into());
    }
    let Some(raw) = node.as_str() else { return Limit::Unbounded("is not a value".into()) };
    if matches!(&node.value, crate::yaml::tree::Value::Scalar { plain: true, .. }) && node.as_bool().is_some() {
        return Limit::Unbounded(format!("is the boolean {}", crate::shown::value(raw)));
    }
    let value = interpolate(raw);
    if value.unresolved && value.text.trim().is_empty() {
        return Limit::Bounded;
    }
    let text = value.text.trim();
    if text.is_empty() {
        return Limit::Unbounded("is empty".into());
    }
    match positive(text) {
        Some(true) => Limit::Bounded,
        Some(false) => {
            Limit::Unbounded(format!("{} is no limit: Docker reads it as unlimited", crate::shown::value(text)))
        }
        None => Limit::Unbounded(format!("{} is not a value Docker accepts", crate::shown::value(text))),
    }
}

/// A size's number and lower-case suffix, split the way go-units splits it: the number ends at
/// the last digit, dot or space; one space may come before the suffix.
fn size(text: &str) -> Option<(f64, String)> {
    let cut = text.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')?;
    let (number, suffix) = text.split_at(cut + 1);
    let number = number.strip_suffix(' ').unwrap_or(number);
    let suffix = suffix.to_ascii_lowercase();
    let known = suffix.is_empty()
        || suffix == "b"
        || (suffix.starts_with(['k', 'm', 'g', 't', 'p']) && matches!(&suffix[1..], "" | "b" | "ib"));
    let number: f64 = number.parse().ok()?;
    (known && number.is_finite()).then_some((number, suffix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::tree::parse;

    fn limit(f: fn(&Node) -> Limit, yaml: &str) -> bool {
        f(parse(&format!("v: {yaml}")).unwrap().get("v").unwrap()) == Limit::Bounded
    }

    #[test]
    fn memory_limits() {
        for set in ["1g", "512m", "\"2 GiB\"", "1.5", "0.5k", "${MEM}", "${MEM:-1g}", "7000000"] {
            assert!(limit(memory, set), "{set}");
        }
        for unset in ["0", "\"0\"", "0m", "-1", "0.5", "0.99", "${MEM:-0}", "lots", "1x", "", "true", "1 g b"] {
            assert!(!limit(memory, unset), "{unset}");
        }
    }

    #[test]
    fn cpu_and_pid_limits() {
        for set in ["0.5", "2", "'1.0'", "${CPUS}"] {
            assert!(limit(cpus, set), "{set}");
        }
        for unset in ["0", "\"0\"", "-1", "${CPUS:-0}", "half", "0.000"] {
            assert!(!limit(cpus, unset), "{unset}");
        }
        assert!(limit(pids, "256"));
        for unset in ["0", "-1", "${P:-0}"] {
            assert!(!limit(pids, unset), "{unset}");
        }
    }
}
