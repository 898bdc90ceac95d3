let
  h = "sha256-${x}";
in
{ outputHash = "0c5b4d2c9e8a1f3b6d7e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e"; }
