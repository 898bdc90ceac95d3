# flakefmt: allow-file(git_exec_bit)
{
  # flakefmt: allow(sri_hash)
  src.sha256 = "0c5b4d2c9e8a1f3b6d7e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e";
  x = 1; # flakefmt: allow(nix_mode)
}
