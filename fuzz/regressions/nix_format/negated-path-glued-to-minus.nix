-
/s i