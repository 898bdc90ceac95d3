x # ab
