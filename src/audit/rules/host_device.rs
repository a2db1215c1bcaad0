//! BC036: other host devices given to a service.

use crate::audit::compose::devices::devices;
use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC036",
    name: "host-device",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A service is given a host device (GPU, USB, serial port...).",
    fix: "Keep the device only if the service needs the hardware, mapped read-only where it can be (`/dev/x:/dev/x:r`); say why in a suppression.",
    docs: r#"## What it does
Flags `devices:` entries other than the disks and the kernel log that BC008 reports: GPUs (`/dev/dri`, `/dev/nvidia0`), USB and serial devices, sound, `/dev/fuse`, `/dev/net/tun`, `/dev/mem`. An entry whose permissions grant neither read nor write (`:m`) is not reported.

## Why is this bad?
A device node talks to a host kernel driver directly, outside what the container's namespaces isolate: a driver bug becomes a way to the host, and some devices (`/dev/mem`, `/dev/fuse`) are a capability away from the host's memory or mounts. A GPU for transcoding or a USB stick for a home-automation hub is often the point of the service, hence low severity: the finding records that the service has hardware access.

## Example
```yaml
services:
  transcoder:
    image: transcoder:1.0
    devices:
      - /dev/dri:/dev/dri
```

## Use instead
```yaml
services:
  transcoder:
    image: transcoder:1.0
    devices:
      # berth: ignore=BC036 hardware transcoding needs the GPU
      - /dev/dri/renderD128:/dev/dri/renderD128
```

## Compared with other linters
compose-lint CL-0016 does not report devices other than disks and the kernel log. berth reports them at low severity, as CIS 5.18 asks that host devices are not exposed without need.

## References
- CIS Docker Benchmark 5.18
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for device in devices(&svc).into_iter().filter(|d| d.disk.is_none()) {
            let message = format!("host device {} is passed in", crate::shown::value(&device.host));
            svc.report(sink, device.node, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_devices_that_are_not_disks() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    devices:\n      - /dev/sda:/dev/sda\n      - /dev/dri\n      - {source: /dev/ttyUSB0, target: /dev/ttyUSB0}\n      - /dev/snd:/dev/snd:m\n"),
            [5, 6]
        );
    }
}
