//! The one table of rules. Codes are stable: a rule that goes away leaves its code unused.

use super::rule::Rule;
use super::rules::*;
use crate::report::RuleInfo;

pub static RULES: &[&Rule] = &[
    &invalid_suppression::RULE,
    &privileged::RULE,
    &docker_socket::RULE,
    &sensitive_host_path::RULE,
    &host_network::RULE,
    &host_namespace::RULE,
    &compose_image_not_pinned::RULE,
    &compose_image_tag::RULE,
    &host_devices::RULE,
    &cap_drop_missing::RULE,
    &dangerous_capability::RULE,
    &host_control_capability::RULE,
    &no_new_privileges_missing::RULE,
    &read_only_missing::RULE,
    &security_profile_disabled::RULE,
    &port_all_interfaces::RULE,
    &privileged_host_port::RULE,
    &no_resource_limits::RULE,
    &no_pids_limit::RULE,
    &no_restart_policy::RULE,
    &logging_disabled::RULE,
    &log_rotation_missing::RULE,
    &default_network::RULE,
    &database_network_not_internal::RULE,
    &database_port_published::RULE,
    &cgroup_parent::RULE,
    &compose_root_user::RULE,
    &literal_credential::RULE,
    &compose_secret_value::RULE,
    &shared_propagation::RULE,
    &tmpfs_exec::RULE,
    &compose_missing_healthcheck::RULE,
    &obsolete_version::RULE,
    &secret_mode_ignored::RULE,
    &unresolved_reference::RULE,
    &unknown_capability::RULE,
    &host_device::RULE,
    &missing_user::RULE,
    &root_user::RULE,
    &non_numeric_user::RULE,
    &untagged_image::RULE,
    &latest_tag::RULE,
    &image_not_pinned::RULE,
    &deprecated_base_image::RULE,
    &secret_env_arg::RULE,
    &secret_value::RULE,
    &secret_file_copied::RULE,
    &secret_deleted_later::RULE,
    &add_instead_of_copy::RULE,
    &curl_pipe_shell::RULE,
    &tls_verification_disabled::RULE,
    &unsigned_packages::RULE,
    &sudo::RULE,
    &chpasswd::RULE,
    &ssh_server::RULE,
    &setuid_bit::RULE,
    &apt_no_install_recommends::RULE,
    &apt_lists_not_removed::RULE,
    &update_alone::RULE,
    &package_upgrade::RULE,
    &apt_not_apt_get::RULE,
    &pip_cache::RULE,
    &apk_cache::RULE,
    &package_cache::RULE,
    &unpinned_language_packages::RULE,
    &unpinned_os_packages::RULE,
    &missing_healthcheck::RULE,
    &missing_pipefail::RULE,
    &copy_whole_filesystem::RULE,
    &relative_workdir::RULE,
    &duplicate_stage_name::RULE,
    &shell_form_entrypoint::RULE,
    &multiple_cmd_or_entrypoint::RULE,
    &maintainer_deprecated::RULE,
    &cd_instead_of_workdir::RULE,
    &build_tools_in_final_stage::RULE,
    &non_minimal_base_image::RULE,
    &untrusted_registry::RULE,
    &trivial_healthcheck::RULE,
    &root_until_entrypoint::RULE,
    &sudo_installed::RULE,
    &world_writable::RULE,
    &action_not_pinned::RULE,
    &compromised_action::RULE,
    &script_injection::RULE,
    &unsecure_commands::RULE,
    &curl_with_secrets::RULE,
    &netcat_ip::RULE,
    &write_all_permissions::RULE,
    &missing_permissions::RULE,
    &dispatch_inputs::RULE,
    &image_not_scanned::RULE,
    &image_not_signed::RULE,
    &pull_request_target_checkout::RULE,
    &checkout_persists_credentials::RULE,
    &workflow_curl_pipe_shell::RULE,
    &input_in_script::RULE,
    &privileged_trigger::RULE,
    &secrets_inherit::RULE,
    &job_image_not_pinned::RULE,
    &github_app_token_scope::RULE,
    &workflow_write_permissions::RULE,
    &release_cache::RULE,
];

/// Every rule's metadata, for renderers.
pub fn rule_infos() -> Vec<RuleInfo> {
    RULES
        .iter()
        .map(|rule| RuleInfo {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            summary: rule.summary,
            fix: rule.fix,
            docs: rule.docs,
            tag: rule.kind.tag(),
        })
        .collect()
}

pub fn find(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique() {
        let codes: BTreeSet<_> = RULES.iter().map(|r| r.code).collect();
        let names: BTreeSet<_> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(codes.len(), RULES.len(), "duplicate rule code");
        assert_eq!(names.len(), RULES.len(), "duplicate rule name");
    }

    #[test]
    fn codes_follow_the_kind_prefix_and_are_listed_in_order() {
        for rule in RULES {
            assert!(rule.code.starts_with(rule.kind.prefix()), "{}", rule.code);
            assert_eq!(rule.code.len(), 5, "{}", rule.code);
            assert!(rule.code[2..].chars().all(|c| c.is_ascii_digit()), "{}", rule.code);
        }
        let mut sorted: Vec<_> = RULES.iter().map(|r| r.code).collect();
        sorted.sort();
        assert_eq!(sorted, RULES.iter().map(|r| r.code).collect::<Vec<_>>(), "keep the registry in code order");
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in RULES {
            for section in ["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"] {
                assert!(rule.docs.contains(section), "{} lacks `{section}`", rule.code);
            }
            assert!(!rule.summary.is_empty() && !rule.fix.is_empty(), "{}", rule.code);
            assert!(rule.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}: kebab-case name", rule.code);
        }
    }
}
