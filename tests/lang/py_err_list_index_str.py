xs = [1, 2]
xs["a"]
