{ fetchurl, fetchFromGitHub }:
{
  a = fetchurl {
    url = "https://example.org/a.tar.gz";
    sha256 = "0c5b4d2c9e8a1f3b6d7e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e";
  };
  b = fetchFromGitHub {
    owner = "o";
    repo = "r";
    rev = "v1";
    sha256 = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
  };
  c = fetchurl {
    url = "https://example.org/c";
    hash = "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
  };
  d = fetchurl {
    url = "https://example.org/d";
    hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  };
  e = fetchurl { url = "x"; sha256 = lib.fakeSha256; };
}
