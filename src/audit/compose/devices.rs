//! Host devices given to a service (`devices:`, `device_cgroup_rules:`), and which of them reach
//! a host disk or the kernel's own buffers.

use std::sync::LazyLock;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::hostpath::normalise;
use super::interpolate::{interpolate, split_fields};
use super::service::Service;
use crate::yaml::tree::Node;

/// Device nodes that are a host disk (or every device), read and written with the capabilities
/// a container has by default. Devices that need a capability first (`/dev/mem` and `/dev/port`
/// need SYS_RAWIO, `/dev/fuse` needs SYS_ADMIN) are not here: that capability is the finding.
const DISKS: &[(&str, &str)] = &[
    ("/dev", "every host device node, every disk included"),
    ("/dev/sd[a-z]*", "a SCSI or SATA disk"),
    ("/dev/nvme*", "an NVMe disk"),
    ("/dev/vd[a-z]*", "a virtio disk"),
    ("/dev/xvd[a-z]*", "a Xen disk"),
    ("/dev/hd[a-z]", "an IDE disk"),
    ("/dev/hd[a-z][0-9]*", "an IDE disk partition"),
    ("/dev/mmcblk*", "an SD or eMMC disk"),
    ("/dev/md[0-9]*", "a software RAID array"),
    ("/dev/md/**", "a software RAID array"),
    ("/dev/disk/**", "a disk, through its symlink"),
    ("/dev/block/**", "a disk, through its major:minor symlink"),
    ("/dev/loop*", "a loop device, which mounts any disk image"),
    ("/dev/dm-*", "a device-mapper disk"),
    ("/dev/mapper/**", "a device-mapper disk"),
    ("/dev/zfs", "the ZFS pool control device"),
    ("/dev/zd[0-9]*", "a ZFS volume"),
    ("/dev/zvol/**", "a ZFS volume"),
    ("/dev/rbd*", "a Ceph block device"),
    ("/dev/nbd[0-9]*", "a network block device"),
    ("/dev/mtdblock*", "a flash block device"),
    ("/dev/kmsg", "the kernel log, to read and to forge"),
    ("/dev/char/1:11", "the kernel log, to read and to forge"),
    ("/dev/char/10:237", "the loop device control, which mounts any disk image"),
];

/// Character devices on fixed numbers that [`DISKS`] names: a `c` cgroup rule opens them.
const CHARACTER_DISKS: &[((&str, &str), &str)] = &[(("1", "11"), "/dev/kmsg"), (("10", "237"), "/dev/loop-control")];

static DISK_GLOBS: LazyLock<GlobSet> = LazyLock::new(|| {
    let mut set = GlobSetBuilder::new();
    for (pattern, _) in DISKS {
        set.add(GlobBuilder::new(pattern).literal_separator(true).build().expect("device patterns are valid globs"));
    }
    set.build().expect("device patterns build")
});

/// One `devices:` entry.
pub struct Device<'a> {
    /// The host device path, normalised.
    pub host: String,
    /// What the device gives when it is a disk or the kernel log; `None` for other devices
    /// (GPUs, USB, serial, sound...).
    pub disk: Option<&'static str>,
    pub node: &'a Node,
}

/// The `devices:` entries that open the device for reading or writing.
pub fn devices<'a>(svc: &Service<'a>) -> Vec<Device<'a>> {
    let mut out = Vec::new();
    for item in svc.get("devices").map(Node::items).unwrap_or(&[]) {
        let (source, permissions) = match item.as_str() {
            Some(text) => {
                let fields = split_fields(text);
                // With two fields Compose reads the second as the container path, not as access.
                let permissions = (fields.len() == 3).then(|| interpolate(fields[2]).text);
                (interpolate(fields[0]).text, permissions)
            }
            None => match item.get("source").and_then(Node::as_str) {
                Some(source) => (
                    interpolate(source).text,
                    item.get("permissions").and_then(Node::as_str).map(|p| interpolate(p).text),
                ),
                None => continue,
            },
        };
        // `m` alone (create the node) reads and writes nothing.
        if permissions.is_some_and(|p| !p.trim().is_empty() && !p.contains(['r', 'w', 'W'])) {
            continue;
        }
        let Some(host) = normalise(&source) else { continue };
        let disk = DISK_GLOBS.matches(&host).first().map(|&i| DISKS[i].1);
        out.push(Device { host, disk, node: item });
    }
    out
}

/// `device_cgroup_rules:` entries that let the container open a disk or the kernel log, with
/// what they open. A rule only permits a device number; the container also needs a node for
/// it, which it can make while it keeps the default MKNOD capability, or gets from a bind mount
/// of `/dev`.
pub fn cgroup_grants<'a>(svc: &Service<'a>) -> Vec<(String, &'a Node)> {
    let Some(rules) = svc.get("device_cgroup_rules") else { return Vec::new() };
    let grants: Vec<(String, &Node)> = rules.items().iter().filter_map(|n| grant(n).map(|g| (g, n))).collect();
    if grants.is_empty() || !node_reachable(svc) {
        return Vec::new();
    }
    grants
}

fn grant(node: &Node) -> Option<String> {
    let text = interpolate(node.as_str()?).text;
    let words: Vec<&str> = text.split_whitespace().collect();
    let [kind, number, access] = words.as_slice() else { return None };
    let (major, minor) = number.split_once(':')?;
    let numeric = |s: &str| s == "*" || (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit()));
    if !numeric(major) || !numeric(minor) || !access.contains(['r', 'w']) || !access.chars().all(|c| "rwm".contains(c))
    {
        return None;
    }
    let rule = format!("{kind} {major}:{minor}");
    match *kind {
        "a" => Some(format!("{} permits every host device, every disk included", crate::shown::value(&rule))),
        "b" if major == "*" => Some(format!("{} permits every host block device", crate::shown::value(&rule))),
        "b" => Some(format!("{} permits every host block device with major {major}", crate::shown::value(&rule))),
        "c" => {
            let opened: Vec<&str> = CHARACTER_DISKS
                .iter()
                .filter(|((ma, mi), _)| (major == "*" || major == *ma) && (minor == "*" || minor == *mi))
                .map(|(_, path)| *path)
                .collect();
            (!opened.is_empty())
                .then(|| format!("{} permits the host's {}", crate::shown::value(&rule), opened.join(" and ")))
        }
        _ => None,
    }
}

/// Whether the container can get a device node: it keeps MKNOD, or binds `/dev` or a node in it.
fn node_reachable(svc: &Service) -> bool {
    let caps = |key: &str| -> Vec<String> {
        svc.strings(key)
            .into_iter()
            .map(|(c, _)| c.trim().to_ascii_uppercase().trim_start_matches("CAP_").to_string())
            .collect()
    };
    let privileged = svc.get("privileged").and_then(Node::as_bool) == Some(true);
    let mknod = |list: &[String]| list.iter().any(|c| c == "MKNOD" || c == "ALL");
    let keeps_mknod = privileged || mknod(&caps("cap_add")) || !mknod(&caps("cap_drop"));
    keeps_mknod
        || svc.host_mounts().iter().any(|m| m.host.as_deref().is_some_and(|h| h == "/dev" || h.starts_with("/dev/")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::compose::ComposeFile;
    use crate::yaml::tree::parse;

    fn judged(service: &str) -> (Vec<(String, bool)>, usize) {
        let file = ComposeFile::new(parse(&format!("services:\n  a:\n{service}")).unwrap());
        let services = file.services();
        let devices = devices(&services[0]).into_iter().map(|d| (d.host, d.disk.is_some())).collect();
        (devices, cgroup_grants(&services[0]).len())
    }

    #[test]
    fn disks_and_other_devices() {
        let (devices, _) = judged(
            "    devices:\n      - /dev/sda:/dev/sda\n      - //dev/./sdb\n      - /dev/dri:/dev/dri\n      - /dev/nvme0n1:/d:rwm\n      - /dev/sdc:/d:m\n      - {source: /dev/disk/by-id/x, target: /d}\n      - /dev/hdmi0\n      - /dev/mem\n",
        );
        assert_eq!(
            devices,
            [
                ("/dev/sda".to_string(), true),
                ("/dev/sdb".to_string(), true),
                ("/dev/dri".to_string(), false),
                ("/dev/nvme0n1".to_string(), true),
                ("/dev/disk/by-id/x".to_string(), true),
                ("/dev/hdmi0".to_string(), false),
                ("/dev/mem".to_string(), false),
            ]
        );
    }

    #[test]
    fn cgroup_rules_need_a_node() {
        assert_eq!(judged("    device_cgroup_rules: ['b 8:* rwm', 'c 189:* rmw', 'b 8:0 m']\n").1, 1);
        assert_eq!(judged("    device_cgroup_rules: ['b 8:* r']\n    cap_drop: [ALL]\n").1, 0);
        assert_eq!(
            judged("    device_cgroup_rules: ['a *:* r']\n    cap_drop: [ALL]\n    volumes: [/dev:/dev]\n").1,
            1
        );
        assert_eq!(judged("    device_cgroup_rules: ['c 1:11 w']\n").1, 1);
    }
}
