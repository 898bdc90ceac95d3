//! One module per rule, each starting with its `META` constant.

pub mod committed_backup;
pub mod committed_result_link;
pub mod fake_hash_name;
pub mod git_exec_bit;
pub mod hash_attr_rename;
pub mod nix_mode;
pub mod placeholder_hash;
pub mod sri_hash;
pub mod unused_allow;
