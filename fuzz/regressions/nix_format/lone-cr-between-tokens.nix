{
  x =
    [
      a
    ]
 
    + "and something long enough to break, and then some more text to exceed width";
  y = [ a ]+ b;
}
