data = [1, 2, 3]
data.push(4)
