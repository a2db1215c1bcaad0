//! What OS package managers do in a RUN: which packages a command installs and which it
//! removes, with apk's virtual groups and apt's `apt-mark auto` + `--auto-remove` idiom, so rules
//! can follow a package from its install to its removal (in the same RUN or a later one).

use std::collections::HashMap;

use crate::audit::shell::{Command, Word};

use super::support::{self, apt_subcommand, pm_subcommand};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Manager {
    Apt,
    Apk,
    /// yum, dnf, microdnf, tdnf.
    Rpm,
    Zypper,
}

/// Options of each manager that take a value (so the value is not a package name).
const APT_VALUE_OPTIONS: &[&str] = &["-o", "-t", "-c", "--option", "--target-release", "--config-file"];
const APK_VALUE_OPTIONS: &[&str] = &[
    "-t",
    "--virtual",
    "-X",
    "--repository",
    "-p",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
];
const RPM_VALUE_OPTIONS: &[&str] = &[
    "--setopt",
    "-c",
    "--config",
    "--installroot",
    "--releasever",
    "--repo",
    "--enablerepo",
    "--disablerepo",
    "--repofrompath",
    "-x",
    "--exclude",
    "--forcearch",
    "--destdir",
];
const ZYPPER_VALUE_OPTIONS: &[&str] = &["-r", "--repo", "-t", "--type", "--root", "-R", "--from"];

/// A command that installs packages.
#[derive(Debug)]
pub struct Install<'a> {
    pub manager: Manager,
    /// The package arguments, as written (`gcc`, `libpq-dev=17.6`, `git~2.52`, `./x.deb`).
    pub packages: Vec<&'a Word>,
    /// apk's `--virtual NAME` / `-t NAME`: the group `apk del NAME` removes.
    pub group: Option<&'a str>,
}

/// What a command removes.
#[derive(Debug, Default)]
pub struct Removal<'a> {
    pub manager: Option<Manager>,
    /// Packages (or apk virtual groups) removed by name.
    pub names: Vec<&'a str>,
    /// apt's autoremove: every package marked automatic (and not needed) goes.
    pub autoremove: bool,
    /// `apt-mark auto` of these names; `all` for a pattern such as `'.*'`.
    pub mark_auto: Vec<&'a str>,
    pub mark_auto_all: bool,
    /// `apt-mark manual` of these literal names (a `$variable` restores packages installed before).
    pub mark_manual: Vec<&'a str>,
}

/// The arguments after the subcommand that are not options or option values.
fn operands<'a>(command: &'a Command, subcommand: &str, value_options: &[&str]) -> Vec<&'a Word> {
    let args = command.args();
    let Some(at) = args.iter().position(|w| w.text == subcommand) else { return Vec::new() };
    support::operands(&args[at + 1..], value_options)
}

/// The value of an option given as `--name value`, `--name=value` or `-x value`.
fn option_value<'a>(command: &'a Command, names: &[&str]) -> Option<&'a str> {
    let args = command.args();
    args.iter().enumerate().find_map(|(i, w)| {
        names.iter().find_map(|name| {
            if w.text == *name {
                args.get(i + 1).map(|v| v.text.as_str())
            } else {
                w.text.strip_prefix(name).and_then(|r| r.strip_prefix('=')).filter(|_| name.starts_with("--"))
            }
        })
    })
}

/// The manager and subcommand of a package manager command.
pub fn manager(command: &Command) -> Option<(Manager, &str)> {
    match command.name() {
        "apt-get" | "apt" | "aptitude" => apt_subcommand(command).map(|s| (Manager::Apt, s)),
        "apk" => pm_subcommand(command).map(|s| (Manager::Apk, s)),
        "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" => pm_subcommand(command).map(|s| (Manager::Rpm, s)),
        "zypper" => pm_subcommand(command).map(|s| (Manager::Zypper, s)),
        _ => None,
    }
}

/// The packages a command installs, if it is an install.
pub fn install(command: &Command) -> Option<Install<'_>> {
    let (manager, sub) = manager(command)?;
    let (subcommand, value_options) = match (manager, sub) {
        (Manager::Apt, "install") => ("install", APT_VALUE_OPTIONS),
        (Manager::Apk, "add") => ("add", APK_VALUE_OPTIONS),
        (Manager::Rpm, "install" | "groupinstall" | "reinstall") => (sub, RPM_VALUE_OPTIONS),
        (Manager::Rpm, "module") => {
            // `dnf module install name:stream`.
            let args = command.args();
            let at = args.iter().position(|w| w.text == "module")?;
            let next = args[at + 1..].iter().find(|w| !w.text.starts_with('-'))?;
            if next.text != "install" {
                return None;
            }
            ("install", RPM_VALUE_OPTIONS)
        }
        (Manager::Zypper, "install" | "in") => (sub, ZYPPER_VALUE_OPTIONS),
        _ => return None,
    };
    let group = (manager == Manager::Apk).then(|| option_value(command, &["--virtual", "-t"])).flatten();
    let mut packages = operands(command, subcommand, value_options);
    if sub == "module" {
        packages.retain(|w| w.text != "install");
    }
    Some(Install { manager, packages, group })
}

/// What a command removes, if it removes or marks packages.
pub fn removal(command: &Command) -> Option<Removal<'_>> {
    let (manager, sub) = manager(command).or_else(|| (command.name() == "apt-mark").then_some((Manager::Apt, "")))?;
    let mut removal = Removal { manager: Some(manager), ..Removal::default() };
    let names = |subcommand: &str, options: &[&str]| -> Vec<&str> {
        operands(command, subcommand, options).into_iter().map(|w| w.text.as_str()).collect()
    };
    if command.name() == "apt-mark" {
        let args: Vec<&str> = command.args().iter().map(|w| w.text.as_str()).filter(|a| !a.starts_with('-')).collect();
        let (verb, rest) = args.split_first()?;
        let literal: Vec<&str> = rest.iter().copied().filter(|a| !a.contains('$')).collect();
        match *verb {
            "auto" => {
                // A pattern (`'.*'`), or names berth cannot see (`apt-mark showmanual | xargs
                // apt-mark auto`, `apt-mark auto $packages`): treated as every package.
                removal.mark_auto_all = rest.iter().any(|a| a.contains('*')) || literal.is_empty();
                removal.mark_auto = literal;
            }
            "manual" => removal.mark_manual = literal,
            _ => return None,
        }
        return Some(removal);
    }
    match (manager, sub) {
        (Manager::Apt, "purge" | "remove" | "autoremove" | "autopurge") => {
            removal.names = names(sub, APT_VALUE_OPTIONS);
            removal.autoremove =
                matches!(sub, "autoremove" | "autopurge") || command.has_flag(None, &["auto-remove", "autoremove"]);
        }
        (Manager::Apk, "del") => removal.names = names("del", APK_VALUE_OPTIONS),
        (Manager::Rpm, "remove" | "erase" | "autoremove") => removal.names = names(sub, RPM_VALUE_OPTIONS),
        (Manager::Zypper, "remove" | "rm") => removal.names = names(sub, ZYPPER_VALUE_OPTIONS),
        _ => return None,
    }
    Some(removal)
}

/// A package argument's name: `gcc=4:12` -> `gcc`, `git~2.52` -> `git`, `gcc:amd64` -> `gcc`.
pub fn package_name(argument: &str) -> &str {
    let name = argument.split(['=', '>', '<', '~']).next().unwrap_or(argument);
    name.split(':').next().unwrap_or(name)
}

/// One installed package: where it was installed and the caller's payload.
#[derive(Debug)]
struct Entry<T> {
    group: Option<String>,
    run: usize,
    payload: T,
}

/// Installed packages followed through the RUNs of a stage chain, command by command, to their
/// removal. apt's marks are modelled: a package installed by name is manual; `apt-mark auto`
/// (by name or for all) makes it automatic, `apt-mark manual` manual again, and an autoremove
/// removes the automatic ones.
///
/// Every operation costs time in proportion to the words that asked for it (each package moves
/// between the manual and automatic sets only when a command says so), so a script of any
/// length is followed in linear time.
#[derive(Debug)]
pub struct Ledger<T> {
    /// apt packages installed by name (manual) and marked automatic.
    apt_manual: HashMap<String, Entry<T>>,
    apt_auto: HashMap<String, Entry<T>>,
    /// Packages of the other managers.
    others: HashMap<(Manager, String), Entry<T>>,
    /// apk virtual groups: group -> package names.
    groups: HashMap<String, Vec<String>>,
    /// (manager, name) in install order, for a stable report.
    order: Vec<(Manager, String)>,
}

impl<T> Default for Ledger<T> {
    fn default() -> Self {
        Ledger {
            apt_manual: HashMap::new(),
            apt_auto: HashMap::new(),
            others: HashMap::new(),
            groups: HashMap::new(),
            order: Vec::new(),
        }
    }
}

impl<T> Ledger<T> {
    /// A package installed by name in RUN number `run`; a package already installed keeps its
    /// first place.
    pub fn install(&mut self, manager: Manager, name: &str, group: Option<&str>, run: usize, payload: T) {
        let entry = Entry { group: group.map(str::to_string), run, payload };
        if let Some(group) = group {
            self.groups.entry(group.to_string()).or_default().push(name.to_string());
        }
        if manager == Manager::Apt {
            if let Some(existing) = self.apt_auto.remove(name) {
                // Installing by name marks it manual.
                self.apt_manual.insert(name.to_string(), existing);
                return;
            }
            if self.apt_manual.contains_key(name) {
                return;
            }
            self.apt_manual.insert(name.to_string(), entry);
        } else {
            let key = (manager, name.to_string());
            if self.others.contains_key(&key) {
                return;
            }
            self.others.insert(key, entry);
        }
        self.order.push((manager, name.to_string()));
    }

    /// Applies what one command removes or marks.
    pub fn apply(&mut self, removal: Removal<'_>) {
        if removal.mark_auto_all {
            self.apt_auto.extend(self.apt_manual.drain());
        }
        for name in &removal.mark_auto {
            if let Some(entry) = self.apt_manual.remove(*name) {
                self.apt_auto.insert(name.to_string(), entry);
            }
        }
        for name in &removal.mark_manual {
            if let Some(entry) = self.apt_auto.remove(*name) {
                self.apt_manual.insert(name.to_string(), entry);
            }
        }
        let Some(manager) = removal.manager else { return };
        for argument in &removal.names {
            let name = package_name(argument);
            match manager {
                Manager::Apt => {
                    self.apt_manual.remove(name);
                    self.apt_auto.remove(name);
                }
                _ => {
                    self.others.remove(&(manager, name.to_string()));
                    if manager == Manager::Apk {
                        for member in self.groups.remove(name).unwrap_or_default() {
                            let still_in_group = self
                                .others
                                .get(&(Manager::Apk, member.clone()))
                                .is_some_and(|e| e.group.as_deref() == Some(name));
                            if still_in_group {
                                self.others.remove(&(Manager::Apk, member));
                            }
                        }
                    }
                }
            }
        }
        if removal.autoremove && manager == Manager::Apt {
            self.apt_auto.clear();
        }
    }

    /// What is still installed, in install order: (name, RUN number, payload).
    pub fn remaining(&self) -> impl Iterator<Item = (&str, usize, &T)> {
        self.order.iter().filter_map(|(manager, name)| {
            let entry = match manager {
                Manager::Apt => self.apt_manual.get(name).or_else(|| self.apt_auto.get(name)),
                _ => self.others.get(&(*manager, name.clone())),
            }?;
            Some((name.as_str(), entry.run, &entry.payload))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::shell::parse;

    fn ledger(runs: &[&str]) -> Vec<String> {
        let mut ledger = Ledger::default();
        for (index, text) in runs.iter().enumerate() {
            let script = parse(text, 0);
            for command in script.commands() {
                if let Some(install) = install(command) {
                    for p in &install.packages {
                        ledger.install(install.manager, package_name(&p.text), install.group, index, ());
                    }
                }
                if let Some(r) = removal(command) {
                    ledger.apply(r);
                }
            }
        }
        ledger.remaining().map(|(n, _, _)| n.to_string()).collect()
    }

    #[test]
    fn follows_installs_to_their_removal() {
        assert_eq!(
            ledger(&[
                "apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del --no-network .build-deps"
            ]),
            Vec::<String>::new()
        );
        assert_eq!(ledger(&["apk add -t build gcc", "apk add curl", "apk del build"]), ["curl"]);
        assert_eq!(
            ledger(&[
                "savedAptMark=\"$(apt-mark showmanual)\"; apt-get install -y --no-install-recommends gcc libc6-dev; \
                 make; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; \
                 apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false"
            ]),
            Vec::<String>::new()
        );
        assert_eq!(
            ledger(&["apt-get install -y gcc curl && apt-get autoremove -yqq --purge gcc"]),
            ["curl"],
            "autoremove with names removes them"
        );
        assert_eq!(ledger(&["apt-get install -y gcc make && apt-get purge -y gcc"]), ["make"]);
        assert_eq!(
            ledger(&["apt-get install -y dpkg-dev && apt-mark showmanual | xargs apt-mark auto && apt-get purge -y --auto-remove"]),
            Vec::<String>::new()
        );
        assert_eq!(ledger(&["dnf install -y gcc && dnf remove -y gcc", "yum install -y make"]), ["make"]);
        assert_eq!(
            ledger(&["apt-get install -y gcc && apt-mark auto '.*' && apt-mark manual gcc && apt-get autoremove -y"]),
            ["gcc"]
        );
        assert_eq!(ledger(&["apk del .b && apk add --virtual .b gcc"]), ["gcc"], "removed before it was installed");
        assert_eq!(
            ledger(&["apt-mark auto '.*' && apt-get install -y gcc && apt-get autoremove -y"]),
            ["gcc"],
            "installed by name after the mark: manual"
        );
        assert_eq!(
            ledger(&["apt-get install -y gcc", "apt-mark auto gcc", "apt-get autoremove -y"]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn reads_module_installs_and_value_options() {
        let script = parse("dnf -y module install nodejs:20 && zypper -n in -r repo git && apk add -X https://r x", 0);
        let installs: Vec<Vec<String>> = script
            .commands()
            .iter()
            .filter_map(|c| install(c))
            .map(|i| i.packages.iter().map(|w| w.text.clone()).collect())
            .collect();
        assert_eq!(installs, [vec!["nodejs:20"], vec!["git"], vec!["x"]]);
        assert_eq!(package_name("git~2.52"), "git");
        assert_eq!(package_name("libpq-dev=17.6-0+deb13u1"), "libpq-dev");
    }
}
