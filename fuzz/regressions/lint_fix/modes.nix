{ ... }:
{
  systemd.tmpfiles.rules = [ "d /var/lib/x 0777 root root -" ];
  users.users.a.homeMode = "700";
  environment.etc."secret.key".mode = "0644";
  system.activationScripts.x = ''
    chmod 4755 /run/x
    install -m 666 a b
  '';
}
