import os
def main( argv ):
    print( "hello from a flake helper", os.getcwd() )
