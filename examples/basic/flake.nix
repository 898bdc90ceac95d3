{
  description = "A tiny example flake";
  outputs = { self }: { };
}
