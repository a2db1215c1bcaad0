//! One file per rule. Each file holds the rule's metadata, documentation, check and tests; the
//! registry lists them once, in code order.

pub mod support;

pub mod add_instead_of_copy;
pub mod apk_cache;
pub mod apt_lists_not_removed;
pub mod apt_no_install_recommends;
pub mod apt_not_apt_get;
pub mod build_tools_in_final_stage;
pub mod cd_instead_of_workdir;
pub mod chpasswd;
pub mod copy_whole_filesystem;
pub mod curl_pipe_shell;
pub mod deprecated_base_image;
pub mod duplicate_stage_name;
pub mod image_not_pinned;
pub mod invalid_suppression;
pub mod latest_tag;
pub mod maintainer_deprecated;
pub mod missing_healthcheck;
pub mod missing_pipefail;
pub mod missing_user;
pub mod multiple_cmd_or_entrypoint;
pub mod non_minimal_base_image;
pub mod non_numeric_user;
pub mod package_cache;
pub mod package_upgrade;
pub mod pip_cache;
pub mod relative_workdir;
pub mod root_user;
pub mod secret_deleted_later;
pub mod secret_env_arg;
pub mod secret_file_copied;
pub mod secret_value;
pub mod setuid_bit;
pub mod shell_form_entrypoint;
pub mod ssh_server;
pub mod sudo;
pub mod tls_verification_disabled;
pub mod unpinned_language_packages;
pub mod unpinned_os_packages;
pub mod unsigned_packages;
pub mod untagged_image;
pub mod untrusted_registry;
pub mod update_alone;
