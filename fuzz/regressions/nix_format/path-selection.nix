[er /a.ltive /avsoluelsete/psoluelsete/path ~/home/path <nixpkgs> <nixpkgs/lib> ./a/${b}/c .ath ~/home/path <nixpkgs> <nixpkgs/lib> ./a/${b}/c ./file.nix ]
