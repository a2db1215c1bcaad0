//! BC008: host disks and the kernel log given to a service.

use crate::audit::compose::devices::{cgroup_grants, devices};
use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC008",
    name: "host-devices",
    kind: FileKind::Compose,
    severity: Severity::Critical,
    summary: "A service is given a host disk, every host device or the kernel log (`devices:`, `device_cgroup_rules:`).",
    fix: "Remove the device; if the service needs storage, give it a volume. If a rule must stay, narrow it to the one device and drop MKNOD.",
    docs: r#"## What it does
Flags `devices:` entries that hand a service a host disk or the kernel log, with the capabilities a container has by default: `/dev` itself (every node, every disk), block devices (`/dev/sd*`, `/dev/nvme*`, `/dev/vd*`, `/dev/xvd*`, `/dev/hd*`, `/dev/mmcblk*`, RAID, loop, device-mapper, ZFS, Ceph and network block devices, and their `/dev/disk/...`, `/dev/block/...`, `/dev/mapper/...` symlinks) and `/dev/kmsg`. Paths are normalised as Docker does (`//dev/./sda`). An entry whose permissions grant neither read nor write (`/dev/sda:/dev/sda:m`) opens nothing and is not reported.

Also flags `device_cgroup_rules:` that permit reading or writing every device (`a *:* r`), block devices (`b 8:* rw`) or the kernel log's character devices, when the container can get a node for them: it keeps the default MKNOD capability (or is privileged), or binds `/dev` from the host.

Other devices (GPUs, USB, serial ports, sound) are BC036's, at low severity; `/dev/mem` and `/dev/port` need SYS_RAWIO and `/dev/fuse` needs SYS_ADMIN first, which BC011 reports.

## Why is this bad?
Raw access to a host disk bypasses every file permission and every mount: the container reads the host's `/etc/shadow` and writes its boot files. `/dev/kmsg` lets it read the kernel log and forge entries in it.

## Example
```yaml
services:
  backup:
    image: backup:1.0
    devices:
      - /dev/sda:/dev/sda
```

## Use instead
```yaml
services:
  backup:
    image: backup:1.0
    volumes:
      - backups:/backups
volumes:
  backups: {}
```

## Compared with other linters
compose-lint CL-0016 draws the same line: disks and the kernel log at critical, other devices not reported. berth still reports the other devices, at low severity (BC036), as CIS 5.18 asks.

## References
- CIS Docker Benchmark 5.18
- compose-lint CL-0016
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for device in devices(&svc) {
            if let Some(what) = device.disk {
                let message = format!("host device {} is passed in: {what}", crate::shown::value(&device.host));
                svc.report(sink, device.node, message);
            }
        }
        for (grant, node) in cgroup_grants(&svc) {
            svc.report(sink, node, format!("the device cgroup rule {grant}, and the container can make the node"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_disks_and_cgroup_rules() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    devices:\n      - /dev/sda:/dev/sda\n      - /dev/dri\n      - /dev/kmsg\n    device_cgroup_rules: ['b *:* rwm']\n"),
            [4, 6, 7]
        );
    }
}
