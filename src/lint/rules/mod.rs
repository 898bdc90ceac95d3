//! One module per rule, each starting with its `META` constant.

pub mod build_flags_missing;
pub mod build_flags_spelling;
pub mod build_flags_value;
pub mod committed_backup;
pub mod committed_result_link;
pub mod fake_hash_name;
pub mod git_exec_bit;
pub mod guarded_option_access;
pub mod hash_attr_rename;
pub mod manual_sri_prefix;
pub mod mkif_in_operator;
pub mod nix_mode;
pub mod placeholder_hash;
pub mod prefetch_without_sri;
pub mod sri_hash;
pub mod unresolvable_with;
pub mod unused_allow;
