[ v./value 2./niri.nix no./alised (f kc./nvim-lint.nix { }) ]
